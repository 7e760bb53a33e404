"""Changes of a women's organisation's form on a date (会改联) and the form it had on any day.

A unit's `org_form` (or its kind's default) is its form today. Each change records the form before and
after, so the form on a day is the `from_form` of the first change after that day, else today's form.
A county may record the changes of 2016–2018 for organisations that are 妇联 today: the latest change
sets today's form, earlier ones only tell the past. The changes of a unit must follow each other:
each `from_form` is the previous change's `to_form`.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, F, FilteredRelation, Q, Value, When
from django.db.models.functions import NullIf

from orgunits import errors
from orgunits.models import OrgForm, OrgFormChange, OrgUnit

CONGRESS, FEDERATION = OrgForm.CONGRESS.value, OrgForm.FEDERATION.value


def label(form: str) -> str:
    return str(OrgForm(form).label)


def form_on(unit: OrgUnit, day: datetime.date) -> str:
    """The organisation's form on `day`, whatever changed later."""
    later = unit.form_changes.filter(changed_on__gt=day).order_by("changed_on").first()
    return later.from_form if later else unit.effective_org_form


def form_relations(day: datetime.date) -> dict:
    """The FilteredRelation form_then reads between a unit's first and last change: the change whose
    form held on `day` and was followed by another (only those have held_until), at most one per unit."""
    held = Q(form_changes__changed_on__lte=day, form_changes__held_until__gt=day)
    return {"form_held": FilteredRelation("form_changes", condition=held)}


def form_then(day: datetime.date, *, changed: bool = True):
    """An expression for the outer unit's form on `day`, blank where it is its kind's default: from the
    unit's own row (form_summary) before its first change and from its last change on, else from the
    change that held then (form_relations(day) on the queryset). `changed=False` (no form changed after
    the day anywhere) gives today's column with no join. No subquery: it would keep PostgreSQL from
    aggregating a national coverage in parallel (2.5× slower)."""
    today = NullIf("org_form", Value(""))
    if not changed:
        return today
    return Case(
        When(form_first_changed_on__isnull=True, then=today),
        When(form_first_changed_on__gt=day, then=F("form_before_first_change")),
        When(form_last_changed_on__lte=day, then=F("form_after_last_change")),
        default=F("form_held__to_form"),
        output_field=CharField(),
    )


def form_summary(changes: list[OrgFormChange]) -> dict:
    """The unit's FORM_SUMMARY_FIELDS from its changes in date order."""
    first, last = (changes[0], changes[-1]) if changes else (None, None)
    converted = next((c.changed_on for c in changes if (c.from_form, c.to_form) == (CONGRESS, FEDERATION)), None)
    return {
        "form_first_changed_on": first.changed_on if first else None,
        "form_before_first_change": first.from_form if first else "",
        "form_last_changed_on": last.changed_on if last else None,
        "form_after_last_change": last.to_form if last else "",
        "form_converted_on": converted,
    }


@dataclass(frozen=True)
class FormStep:
    """A change to record: the organisation took `to_form` on `on`, from `from_form` (None: the form
    it had the day before, as the recorded changes tell)."""

    on: datetime.date
    to_form: str
    from_form: str | None = None
    note: str = ""


def form_chain(unit: OrgUnit, existing: list[OrgFormChange], steps: list[FormStep]):
    """Each step's `from_form` (resolved) and problems, checked in date order against the unit's
    recorded changes and the other steps: every change starts from the form the one before left."""
    events = sorted(
        [(c.changed_on, c.from_form, c.to_form, None) for c in existing]
        + [(s.on, s.from_form, s.to_form, i) for i, s in enumerate(steps)],
        key=lambda event: (event[0], event[3] is not None),
    )
    resolved: dict[int, str | None] = {}
    problems: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for position, (on, from_form, to_form, index) in enumerate(events):
        if index is None:
            continue
        before = events[position - 1] if position else None
        after = events[position + 1] if position + 1 < len(events) else None
        if from_form is None:
            from_form = _form_before(unit, before, after)
            events[position] = (on, from_form, to_form, index)
        resolved[index] = from_form
        for name, message in _step_problems(unit, on, from_form, to_form, before, after):
            problems[index][name].append(message)
    conversions = [event for event in events if (event[1], event[2]) == (CONGRESS, FEDERATION)]
    for event in conversions if len(conversions) > 1 else ():
        other = next(e for e in conversions if e is not event)
        if event[3] is not None:
            problems[event[3]]["to_form"].append(errors.FORM_CHANGE_CONVERTED_ONCE.format(on=other[0]))
    return resolved, problems


def _form_before(unit: OrgUnit, before, after) -> str | None:
    if before is not None:
        return before[2]
    return unit.effective_org_form if after is None else None  # before the first change: unknown


def _step_problems(unit, on, from_form, to_form, before, after) -> list[tuple[str, str]]:
    """(field, message) for each rule the step breaks; the fields are OrgFormChange's."""
    found = []
    if not unit.has_org_on(on):
        found.append(("changed_on", errors.FORM_CHANGE_NO_ORG.format(on=on)))
    if before is not None and before[0] == on:
        found.append(("changed_on", errors.FORM_CHANGE_DATE_TAKEN.format(on=on)))
    if from_form is None:
        found.append(("from_form", errors.FORM_CHANGE_FROM_NEEDED))
    elif from_form == to_form:
        found.append(("to_form", errors.FORM_CHANGE_SAME.format(form=label(to_form))))
    elif before is not None and before[0] != on and before[2] != from_form:
        found.append(("from_form", errors.FORM_CHANGE_FROM.format(on=before[0], form=label(before[2]))))
    if after is not None and after[1] is not None and after[1] != to_form:
        found.append(("to_form", errors.FORM_CHANGE_TO.format(on=after[0], form=label(after[1]))))
    return found


def form_step_of_edit(unit: OrgUnit, before: str, on: datetime.date) -> FormStep | None:
    """The change an edit of the unit's form on its page makes: none when the form stays, or when the
    unit has no organisation that day (the form is a future organisation's)."""
    after = unit.effective_org_form
    return FormStep(on, after, before) if after != before and unit.has_org_on(on) else None


def org_form_edit_record(*, unit: OrgUnit, step: FormStep) -> None:
    problems = form_step_problems(unit, step)
    if problems:
        raise ValidationError({"form_changed_on": problems})
    org_form_changes_add(unit=unit, steps=[step])


def form_step_problems(unit: OrgUnit, step: FormStep) -> list[str]:
    """What recording an edit's step would break. It sets today's form, so it must be the latest."""
    existing = list(unit.form_changes.all())
    latest = max((change.changed_on for change in existing), default=None)
    if latest is not None and latest >= step.on:
        return [errors.FORM_EDIT_BEFORE_LATEST.format(on=latest)]
    _resolved, problems = form_chain(unit, existing, [step])
    return [message for messages in problems.get(0, {}).values() for message in messages]


@transaction.atomic
def org_form_changes_add(*, unit: OrgUnit, steps: list[FormStep]) -> list[OrgFormChange]:
    """Record the steps; the latest change of all sets the unit's form today."""
    given, unit = unit, OrgUnit.objects.select_for_update().select_related("kind").get(pk=unit.pk)
    existing = list(unit.form_changes.all())
    resolved, problems = form_chain(unit, existing, steps)
    if problems:
        raise ValidationError(_merged(problems))
    changes = [
        OrgFormChange(unit=unit, changed_on=s.on, from_form=resolved[i], to_form=s.to_form, note=s.note)
        for i, s in enumerate(steps)
    ]
    for change in changes:
        change.full_clean(validate_unique=False, validate_constraints=False)  # form_chain checked them
        change.save()
    latest = max([*existing, *changes], key=lambda change: change.changed_on)
    if latest in changes:
        _set_form_today(unit, latest.to_form)
    _summarise(unit, given)
    return changes


def _merged(problems: dict[int, dict[str, list[str]]]) -> dict[str, list[str]]:
    merged = defaultdict(list)
    for index in sorted(problems):
        for name, messages in problems[index].items():
            merged[name] += messages
    return dict(merged)


def org_form_change(
    *, unit: OrgUnit, on: datetime.date, to_form: str, from_form: str | None = None, note: str = ""
) -> OrgFormChange:
    """Record that the unit's organisation took `to_form` on `on` (from `from_form`, by default the
    form it had the day before)."""
    return org_form_changes_add(unit=unit, steps=[FormStep(on, to_form, from_form, note)])[0]


def _neighbours(unit: OrgUnit, on: datetime.date) -> tuple[OrgFormChange | None, OrgFormChange | None]:
    changes = unit.form_changes.exclude(changed_on=on)
    return (
        changes.filter(changed_on__lt=on).order_by("-changed_on").first(),
        changes.filter(changed_on__gt=on).order_by("changed_on").first(),
    )


@transaction.atomic
def org_form_change_update(
    *, change: OrgFormChange, on: datetime.date, to_form: str, from_form: str | None = None, note: str = ""
) -> OrgFormChange:
    """Correct a recorded change: checked against the unit's other changes as if entered anew. The
    form before it stays as recorded unless `from_form` says otherwise."""
    unit = OrgUnit.objects.select_for_update().select_related("kind").get(pk=change.unit_id)
    others = list(unit.form_changes.exclude(pk=change.pk))
    step = FormStep(on, to_form, from_form or change.from_form, note)
    resolved, problems = form_chain(unit, others, [step])
    if problems:
        raise ValidationError(_merged(problems))
    change.changed_on, change.from_form, change.to_form, change.note = on, resolved[0], to_form, note
    change.full_clean(validate_unique=False, validate_constraints=False)
    change.save()
    if all(other.changed_on < on for other in others):
        _set_form_today(unit, to_form)
    _summarise(unit, *_loaded_unit(change))
    return change


def form_change_delete_problem(change: OrgFormChange) -> str | None:
    """Only the first or the latest of a unit's changes may go: the others would no longer follow."""
    before, after = _neighbours(change.unit, change.changed_on)
    return errors.FORM_CHANGE_DELETE_BETWEEN if before and after else None


@transaction.atomic
def org_form_change_delete(*, change: OrgFormChange) -> None:
    """Remove a change recorded in error. Removing the latest gives the unit back the form it had before."""
    unit = OrgUnit.objects.select_for_update().select_related("kind").get(pk=change.unit_id)
    problem = form_change_delete_problem(change)
    if problem:
        raise ValidationError(problem)
    if not unit.form_changes.filter(changed_on__gt=change.changed_on).exists():
        _set_form_today(unit, change.from_form)
    change.delete()
    _summarise(unit, *_loaded_unit(change))


def _loaded_unit(change: OrgFormChange) -> list[OrgUnit]:
    """The change's unit if the caller loaded it (then it holds a summary to bring up to date)."""
    return [change.unit] if OrgFormChange.unit.field.is_cached(change) else []


def _summarise(unit: OrgUnit, *also: OrgUnit) -> None:
    """After any write: each change's held_until, and the unit's form summary on its row and on the
    given copies of it (a caller's instance saved later must not write back the summary it had)."""
    changes = list(unit.form_changes.order_by("changed_on"))
    stale = []
    for index, change in enumerate(changes):
        until = changes[index + 1].changed_on if index + 1 < len(changes) else None
        if change.held_until != until:
            change.held_until = until
            stale.append(change)
    OrgFormChange.objects.bulk_update(stale, ["held_until"])
    summary = form_summary(changes)
    OrgUnit.objects.filter(pk=unit.pk).update(**summary)
    for copy in (unit, *also):
        for name, value in summary.items():
            setattr(copy, name, value)


def _set_form_today(unit: OrgUnit, form: str) -> None:
    stored = "" if form == unit.kind.org_form else form
    if unit.org_form != stored:
        unit.org_form = stored
        unit.save(update_fields=["org_form"])
