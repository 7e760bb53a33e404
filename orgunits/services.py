"""Writes to the unit tree. The admin, the loaders and the importers all go through here."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from imports.audit import bulk_history_kwargs, current_source
from orgunits import errors
from orgunits.codes import normalize_code
from orgunits.models import OrgUnit, UnitKind
from orgunits.org_forms import form_step_of_edit, org_form_edit_record

TREE_FIELDS = ("path", "depth", "numchild")
EDITABLE_FIELDS = (
    "code",
    "name",
    "kind",
    "opened_on",
    "closed_on",
    "org_established_on",
    "org_dissolved_on",
    "org_form",
    "eligibility",
)


def _allowed_parent_names(kind: UnitKind) -> str:
    return "、".join(k.name for k in kind.allowed_parents.all()) or "无（只能作为顶层单位）"


def placement_errors(*, unit: OrgUnit, parent: OrgUnit | None) -> dict[str, list[str]]:
    """Rules between a unit and its (future) parent: kinds that fit, dates that nest."""
    found: dict[str, list[str]] = defaultdict(list)
    allowed_ids = {k.pk for k in unit.kind.allowed_parents.all()}
    if parent is None:
        if allowed_ids:
            found["parent"].append(
                errors.KIND_NEEDS_PARENT.format(kind=unit.kind.name, allowed=_allowed_parent_names(unit.kind))
            )
        return found
    if parent.kind_id not in allowed_ids:
        found["kind"].append(
            errors.KIND_NOT_ALLOWED_UNDER.format(
                kind=unit.kind.name, parent_kind=parent.kind.name, allowed=_allowed_parent_names(unit.kind)
            )
        )
    if parent.opened_on and unit.opened_on and unit.opened_on < parent.opened_on:
        found["opened_on"].append(
            errors.OPENED_BEFORE_PARENT.format(
                opened_on=unit.opened_on, parent=parent.name, parent_opened_on=parent.opened_on
            )
        )
    if parent.closed_on and (unit.closed_on is None or unit.closed_on > parent.closed_on):
        found["closed_on"].append(
            errors.OPEN_AFTER_PARENT_CLOSED.format(parent=parent.name, parent_closed_on=parent.closed_on)
        )
    return found


def children_errors(*, unit: OrgUnit, checked_elsewhere=()) -> dict[str, list[str]]:
    """Rules between a saved unit's new values and its current children.

    Children whose pks are in checked_elsewhere (rows of the same import) are checked on their own.
    """
    found: dict[str, list[str]] = defaultdict(list)
    if not unit.pk or not unit.numchild:
        return found
    children = OrgUnit.objects.children_of(unit).select_related("kind").exclude(pk__in=checked_elsewhere)
    misfit = children.exclude(kind__allowed_parents=unit.kind).first()
    if misfit:
        found["kind"].append(
            errors.KIND_CHANGE_ORPHANS_CHILDREN.format(
                kind=unit.kind.name, child=misfit.name, child_kind=misfit.kind.name
            )
        )
    if unit.opened_on:
        early = children.filter(opened_on__lt=unit.opened_on).first()
        if early:
            found["opened_on"].append(
                errors.CHILD_OPENED_BEFORE.format(
                    child=early.name, child_opened_on=early.opened_on, opened_on=unit.opened_on
                )
            )
    if unit.closed_on:
        still_open = children.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=unit.closed_on)).first()
        if still_open:
            found["closed_on"].append(
                errors.CHILDREN_STILL_OPEN.format(child=still_open.name, closed_on=unit.closed_on)
            )
    return found


def date_errors(unit: OrgUnit) -> dict[str, list[str]]:
    """The date rules of OrgUnit's CheckConstraints, in Python: one query per constraint is too slow for imports.

    As in SQL, a rule with a blank date in it holds.
    """
    found: dict[str, list[str]] = defaultdict(list)
    opened, closed = unit.opened_on, unit.closed_on
    established, dissolved = unit.org_established_on, unit.org_dissolved_on
    if opened and closed and closed < opened:
        found["closed_on"].append(errors.DATES_CLOSED_BEFORE_OPENED)
    if opened and established and established < opened:
        found["org_established_on"].append(errors.DATES_ORG_BEFORE_UNIT)
    if dissolved and not established:
        found["org_dissolved_on"].append(errors.DATES_ORG_DISSOLVED_WITHOUT_ESTABLISHED)
    if established and dissolved and dissolved < established:
        found["org_dissolved_on"].append(errors.DATES_ORG_DISSOLVED_BEFORE_ESTABLISHED)
    if closed and established and dissolved and dissolved > closed:
        found["org_dissolved_on"].append(errors.DATES_ORG_OUTLIVES_UNIT)
    return found


def unit_rule_errors(
    *, unit: OrgUnit, parent: OrgUnit | None, children: bool = True, checked_elsewhere=()
) -> dict[str, list[str]]:
    """The rules of a unit given its parent and kind: its dates, its placement under the parent and,
    with `children`, its current children (children_errors; the only rule here that reads the database).

    unit_validate and the unit import both combine the rules through here.
    """
    found: dict[str, list[str]] = defaultdict(list)
    rules = [date_errors(unit)]
    if unit.kind_id:
        rules.append(placement_errors(unit=unit, parent=parent))
        if children:
            rules.append(children_errors(unit=unit, checked_elsewhere=checked_elsewhere))
    for rule in rules:
        for field, messages in rule.items():
            found[field].extend(messages)
    return found


def unit_validate(*, unit: OrgUnit, parent: OrgUnit | None) -> None:
    """Every rule a unit must satisfy before it is written. Raises one ValidationError with all problems."""
    found: dict[str, list[str]] = defaultdict(list)
    try:
        unit.full_clean(exclude=TREE_FIELDS, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            found[field].extend(messages)
    for field, messages in unit_rule_errors(unit=unit, parent=parent).items():
        found[field].extend(messages)
    if unit.code and "code" not in found:
        holder = OrgUnit.objects.filter(code=unit.code).exclude(pk=unit.pk).only("name").first()
        if holder:
            found["code"].append(errors.CODE_DUPLICATE.format(code=unit.code, name=holder.name))
    if found:
        raise ValidationError(dict(found))


def _raise_if_duplicate_code(unit: OrgUnit, exc: IntegrityError) -> None:
    holder = OrgUnit.objects.filter(code=unit.code).exclude(pk=unit.pk).only("name").first()
    if holder:
        raise ValidationError({"code": [errors.CODE_DUPLICATE.format(code=unit.code, name=holder.name)]}) from exc


def unit_create(
    *,
    parent: OrgUnit | None,
    code: str,
    name: str,
    kind: UnitKind,
    opened_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
    org_established_on: datetime.date | None = None,
    org_dissolved_on: datetime.date | None = None,
    org_form: str = "",
    eligibility: str = "",
) -> OrgUnit:
    unit = OrgUnit(
        code=normalize_code(code),
        name=(name or "").strip(),
        kind=kind,
        opened_on=opened_on,
        closed_on=closed_on,
        org_established_on=org_established_on,
        org_dissolved_on=org_dissolved_on,
        org_form=org_form,
        eligibility=eligibility,
    )
    unit_validate(unit=unit, parent=parent)
    try:
        # A savepoint, so that a duplicate-code race can be reported without breaking
        # the caller's transaction. add_child locks the parent row, so concurrent
        # inserts under one parent queue up instead of colliding on a path.
        with transaction.atomic():
            if parent is None:
                return OrgUnit.objects.add_root(instance=unit)
            return OrgUnit.objects.add_child(parent, instance=unit)
    except IntegrityError as exc:
        if parent is not None:  # add_child counted the child on the caller's object before it failed
            parent.refresh_from_db(fields=["numchild"])
        _raise_if_duplicate_code(unit, exc)
        raise


@transaction.atomic
def unit_update(*, unit: OrgUnit, form_changed_on: datetime.date | None = None, **changes) -> OrgUnit:
    """Rename, recode, retype or redate a unit. Tree position changes go through unit_move. With
    `form_changed_on`, a new form of its organisation is a change on that day (会改联), recorded as such;
    without it, the new form corrects the old one, which never held."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unit_update() cannot change {sorted(unknown)}")
    current = OrgUnit.objects.select_for_update().select_related("kind").get(pk=unit.pk)
    form_before = current.effective_org_form
    for field, value in changes.items():
        if field == "code":
            value = normalize_code(value)
        elif field == "name":
            value = (value or "").strip()
        setattr(current, field, value)
    unit_validate(unit=current, parent=current.parent())
    try:
        with transaction.atomic():
            current.save(update_fields=[*changes, "updated_at"])
    except IntegrityError as exc:
        _raise_if_duplicate_code(current, exc)
        raise
    # Recorded like a change entered as such, so coverage on an earlier date still counts the form then.
    step = form_changed_on and form_step_of_edit(current, form_before, form_changed_on)
    if step:
        org_form_edit_record(unit=current, step=step)
    return current


@transaction.atomic
def unit_move(*, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move a unit with its whole subtree under new_parent, as its last child."""
    unit = OrgUnit.objects.select_related("kind").get(pk=unit.pk)
    new_parent = OrgUnit.objects.select_related("kind").get(pk=new_parent.pk)
    if new_parent.in_subtree_of(unit):
        raise ValidationError(
            {"new_parent": [errors.MOVE_INTO_OWN_SUBTREE.format(unit=unit.name, target=new_parent.name)]}
        )
    if unit.is_child_of(new_parent):
        raise ValidationError(
            {"new_parent": [errors.MOVE_ALREADY_THERE.format(unit=unit.name, target=new_parent.name)]}
        )
    found = placement_errors(unit=unit, parent=new_parent)
    if found:
        raise ValidationError({"new_parent": [m for messages in found.values() for m in messages]})
    # Lock both parents (in a fixed order) so no insert under either picks a path
    # while the branch is being rewritten.
    locked = OrgUnit.objects.filter(Q(pk=new_parent.pk) | Q(pk=unit.pk)) | OrgUnit.objects.parent_of(unit)
    list(locked.select_for_update().order_by("pk").values_list("pk", flat=True))
    old_parent_name = OrgUnit.objects.parent_of(unit).get().name
    OrgUnit.objects.move(unit, new_parent, "last-child")
    moved = OrgUnit.objects.get(pk=unit.pk)
    moved._change_reason = f"{current_source()}：从“{old_parent_name}”移到“{new_parent.name}”之下"[:100]
    moved.save(update_fields=["updated_at"])  # the move's own history entry
    return moved


@transaction.atomic
def unit_close(*, unit: OrgUnit, closed_on: datetime.date) -> int:
    """Close a unit and everything under it as of closed_on; their organisations are dissolved then too.

    Returns the number of units closed.
    """
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.closed_on and unit.closed_on <= closed_on:
        raise ValidationError({"closed_on": [errors.ALREADY_CLOSED.format(unit=unit.name, closed_on=unit.closed_on)]})
    if unit.opened_on and unit.opened_on > closed_on:
        raise ValidationError(
            {"closed_on": [errors.CLOSE_BEFORE_OPENED.format(closed_on=closed_on, opened_on=unit.opened_on)]}
        )
    subtree = OrgUnit.objects.subtree(unit)
    late = subtree.filter(opened_on__gt=closed_on).first()
    if late:
        raise ValidationError(
            {
                "closed_on": [
                    errors.CLOSE_BEFORE_CHILD_OPENED.format(
                        child=late.name, child_opened_on=late.opened_on, closed_on=closed_on
                    )
                ]
            }
        )
    late_org = subtree.filter(org_established_on__gt=closed_on).first()
    if late_org:
        raise ValidationError(
            {
                "closed_on": [
                    errors.CLOSE_BEFORE_ORG_ESTABLISHED.format(
                        unit=late_org.name,
                        org_established_on=late_org.org_established_on,
                        closed_on=closed_on,
                    )
                ]
            }
        )
    closing = list(subtree.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=closed_on)))
    now = timezone.now()
    for member in closing:
        member.closed_on, member.updated_at = closed_on, now
        if member.org_established_on and (member.org_dissolved_on is None or member.org_dissolved_on > closed_on):
            member.org_dissolved_on = closed_on
    history = bulk_history_kwargs()
    history["default_change_reason"] = f"{history['default_change_reason']}：撤销“{unit.name}”及其下级"[:100]
    bulk_update_with_history(closing, OrgUnit, ["closed_on", "org_dissolved_on", "updated_at"], **history)
    return len(closing)


def _dependent_record_counts(unit: OrgUnit) -> list[tuple[str, int]]:
    counts = []
    for relation in OrgUnit._meta.related_objects:
        if relation.many_to_many or relation.one_to_many or relation.one_to_one:
            accessor = relation.related_model._default_manager.filter(**{relation.field.name: unit})
            count = accessor.count()
            if count:
                counts.append((str(relation.related_model._meta.verbose_name), count))
    return counts


def unit_delete_problem(unit: OrgUnit) -> str | None:
    """Why the unit cannot be deleted, or None when it can."""
    if unit.numchild:
        return errors.DELETE_HAS_CHILDREN.format(unit=unit.name, count=unit.numchild)
    for what, count in _dependent_record_counts(unit):
        return errors.DELETE_HAS_RECORDS.format(unit=unit.name, count=count, what=what)
    return None


@transaction.atomic
def unit_delete(*, unit: OrgUnit) -> None:
    """Delete a unit entered by mistake. Units that have a history are closed instead."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    problem = unit_delete_problem(unit)
    if problem:
        raise ValidationError(problem, code="delete_refused")
    unit.delete()
