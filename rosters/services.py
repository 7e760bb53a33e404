"""Writes to the rosters: people, appointments and committee terms."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q

from orgunits.dates import shift_years
from orgunits.models import OrgUnit
from rosters import errors
from rosters.identity import id_birth_date, id_sex, normalize_id_number, normalize_phone
from rosters.models import Appointment, ConcurrentRole, Person, Post, PostSeats, Sex, Term
from rosters.selectors import latest_term

PERSON_FIELDS = ("name", "sex", "birth_date", "ethnicity", "education", "political_status", "phone", "id_number")
TERM_YEARS = 5


def _collect(exc: ValidationError, found: dict) -> None:
    for key, messages in exc.message_dict.items():
        found[key].extend(messages)


PERSON_LINKS = ("registered_in", "created_by")


def person_validate(person: Person, *, check_duplicate_id: bool = True, check_links: bool = True) -> None:
    """check_duplicate_id=False for callers that already looked the number up, and check_links=False for
    callers that never set the person's links to a unit and an account (bulk imports): each link
    checked costs a query per person."""
    found: dict[str, list[str]] = defaultdict(list)
    try:
        person.full_clean(validate_unique=False, exclude=() if check_links else PERSON_LINKS)
    except ValidationError as exc:
        _collect(exc, found)
    if person.id_number and "id_number" not in found:
        encoded_birth, encoded_sex = id_birth_date(person.id_number), id_sex(person.id_number)
        if person.birth_date and encoded_birth != person.birth_date:
            found["id_number"].append(errors.ID_BIRTH_MISMATCH.format(encoded=encoded_birth, given=person.birth_date))
        if person.sex and encoded_sex != person.sex:
            found["id_number"].append(
                errors.ID_SEX_MISMATCH.format(encoded=Sex(encoded_sex).label, given=Sex(person.sex).label)
            )
        holder = (
            Person.objects.filter(id_number=person.id_number).exclude(pk=person.pk).first()
            if check_duplicate_id
            else None
        )
        if holder:
            found["id_number"].append(errors.ID_REGISTERED)
    if found:
        raise ValidationError(dict(found))


def _normalized(fields: dict) -> dict:
    fields = dict(fields)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    if "phone" in fields:
        fields["phone"] = normalize_phone(fields["phone"])
    if "id_number" in fields:
        fields["id_number"] = normalize_id_number(fields["id_number"]) or None
    return fields


@transaction.atomic
def person_create(*, registered_in: OrgUnit | None = None, created_by=None, **fields) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_create() got unexpected fields {sorted(unknown)}")
    person = Person(registered_in=registered_in, created_by=created_by, **_normalized(fields))
    person_validate(person)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, **changes) -> Person:
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update() got unexpected fields {sorted(unknown)}")
    for name, value in _normalized(changes).items():
        setattr(person, name, value)
    person_validate(person)
    person.save()
    return person


@dataclass
class Saved:
    appointment: Appointment
    warnings: list[str] = field(default_factory=list)


def appointment_errors(appointment: Appointment, *, others=None) -> dict[str, list[str]]:
    """Every rule an appointment must meet, against the unit's dates and the person's other posts.

    `others`: the person's other appointments to the same post in the same unit; read from the
    database when not given (bulk imports pass what they already hold in memory).
    """
    found: dict[str, list[str]] = defaultdict(list)
    start, end = appointment.start_on, appointment.end_on
    unit = appointment.unit
    if end and end < start:
        found["end_on"].append(errors.APPOINTMENT_END_BEFORE_START.format(end_on=end, start_on=start))
        return found
    if unit.opened_on and start < unit.opened_on:
        found["start_on"].append(
            errors.APPOINTMENT_BEFORE_UNIT_OPENED.format(start_on=start, unit=unit.name, opened_on=unit.opened_on)
        )
    if unit.closed_on and (end is None or end > unit.closed_on):
        found["end_on"].append(errors.APPOINTMENT_AFTER_UNIT_CLOSED.format(unit=unit.name, closed_on=unit.closed_on))
    if not unit.has_org_on(start):
        found["start_on"].append(errors.APPOINTMENT_NO_ORGANISATION.format(unit=unit.name, on=start))
    elif unit.org_dissolved_on and (end is None or end > unit.org_dissolved_on):
        found["end_on"].append(
            errors.APPOINTMENT_OUTLIVES_ORGANISATION.format(unit=unit.name, dissolved_on=unit.org_dissolved_on)
        )
    if appointment.term_id and appointment.term.unit_id != unit.pk:
        found["term"].append(errors.APPOINTMENT_TERM_OTHER_UNIT.format(term=appointment.term, unit=unit.name))
    clash = _first_overlap(appointment, others)
    if clash:
        found["start_on"].append(
            errors.APPOINTMENT_OVERLAP.format(
                person=appointment.person.name,
                unit=unit.name,
                post=appointment.post.name,
                start_on=clash.start_on,
                end_on=clash.end_on or "今",
            )
        )
    return found


def _first_overlap(appointment: Appointment, others) -> Appointment | None:
    if others is None:
        return _overlapping(appointment).first()
    end = appointment.end_on
    for other in others:
        if other is appointment or (other.pk and other.pk == appointment.pk):
            continue
        if (other.end_on is None or other.end_on >= appointment.start_on) and (end is None or other.start_on <= end):
            return other
    return None


def _overlapping(appointment: Appointment):
    others = Appointment.objects.filter(
        person_id=appointment.person_id, unit_id=appointment.unit_id, post_id=appointment.post_id
    ).exclude(pk=appointment.pk)
    others = others.filter(Q(end_on__isnull=True) | Q(end_on__gte=appointment.start_on))
    if appointment.end_on:
        others = others.filter(start_on__lte=appointment.end_on)
    return others


def seats_warning(appointment: Appointment) -> str | None:
    """More holders that day than the post's seats in an organisation of the unit's kind; a kind
    without seats for the post has no norm to exceed."""
    norm = PostSeats.objects.filter(post_id=appointment.post_id, kind_id=appointment.unit.kind_id).first()
    if norm is None:
        return None
    holders = Appointment.objects.filter(unit_id=appointment.unit_id, post_id=appointment.post_id).active_on(
        appointment.start_on
    )
    count = holders.count()
    if count > norm.seats:
        return errors.SEATS_EXCEEDED.format(
            unit=appointment.unit.name, post=appointment.post.name, count=count, seats=norm.seats
        )
    return None


@transaction.atomic
def appointment_create(
    *,
    person: Person,
    unit: OrgUnit,
    post: Post,
    start_on: datetime.date,
    end_on: datetime.date | None = None,
    mode: str = "part",
    term: Term | None = None,
    concurrent_roles: list[ConcurrentRole] | tuple = (),
) -> Saved:
    appointment = Appointment(
        person=person, unit=unit, post=post, start_on=start_on, end_on=end_on, mode=mode, term=term
    )
    return _save_appointment(appointment, concurrent_roles)


@transaction.atomic
def appointment_update(*, appointment: Appointment, concurrent_roles=None, **changes) -> Saved:
    allowed = {"person", "unit", "post", "term", "start_on", "end_on", "mode"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"appointment_update() cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(appointment, name, value)
    return _save_appointment(appointment, concurrent_roles)


def appointment_end(*, appointment: Appointment, end_on: datetime.date) -> Saved:
    return appointment_update(appointment=appointment, end_on=end_on)


DEADLOCK_DETECTED = "40P01"


def _insert_waiting_out_a_deadlock(appointment: Appointment) -> None:
    """Two overlapping rows inserted at the same moment can deadlock in PostgreSQL's exclusion check,
    each waiting for the other. The loser's second try waits for the winner to commit, then meets its
    row as an ordinary overlap (IntegrityError)."""
    try:
        with transaction.atomic():
            appointment.save()
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
        with transaction.atomic():
            appointment.save()


def _save_appointment(appointment: Appointment, concurrent_roles) -> Saved:
    # The unit's dates decide; read them fresh rather than trust the caller's copy.
    appointment.unit = OrgUnit.objects.get(pk=appointment.unit_id)
    found = appointment_errors(appointment)
    try:
        appointment.full_clean(exclude=["person", "unit", "post", "term"], validate_constraints=False)
    except ValidationError as exc:
        _collect(exc, found)
    if found:
        raise ValidationError(dict(found))
    try:
        _insert_waiting_out_a_deadlock(appointment)
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint caught a concurrent overlap
        clash = _overlapping(appointment).first()
        if clash:
            raise ValidationError(
                {
                    "start_on": [
                        errors.APPOINTMENT_OVERLAP.format(
                            person=appointment.person.name,
                            unit=appointment.unit.name,
                            post=appointment.post.name,
                            start_on=clash.start_on,
                            end_on=clash.end_on or "今",
                        )
                    ]
                }
            ) from exc
        raise
    if concurrent_roles is not None:
        appointment.concurrent_roles.set(concurrent_roles)
    warning = seats_warning(appointment)
    return Saved(appointment, [warning] if warning else [])


def term_due_on(elected_on: datetime.date, due_on: datetime.date | None = None) -> datetime.date:
    return due_on or shift_years(elected_on, TERM_YEARS)


def term_open_errors(
    latest: Term | None, elected_on: datetime.date, due_on: datetime.date | None = None
) -> dict[str, list[str]]:
    """An election after `latest`, the unit's last term (None before its first)."""
    if latest and elected_on < latest.elected_on:
        previous = {"ordinal": latest.ordinal, "previous": latest.elected_on}
        return {"elected_on": [errors.TERM_ELECTED_BEFORE_PREVIOUS.format(elected_on=elected_on, **previous)]}
    due_on = term_due_on(elected_on, due_on)
    if due_on <= elected_on:
        return {"due_on": [errors.TERM_DUE_BEFORE_ELECTED.format(due_on=due_on, elected_on=elected_on)]}
    return {}


@transaction.atomic
def term_open(*, unit: OrgUnit, elected_on: datetime.date, due_on: datetime.date | None = None) -> Term:
    """A re-election: the open term, if any, closes on the election day and the next one starts."""
    current = latest_term(unit, lock=True)
    problems = term_open_errors(current, elected_on, due_on)
    if problems:
        raise ValidationError(problems)
    due_on = term_due_on(elected_on, due_on)
    if current and current.closed_on is None:
        current.closed_on = elected_on
        current.save(update_fields=["closed_on"])
    return Term.objects.create(
        unit=unit, ordinal=(current.ordinal + 1) if current else 1, elected_on=elected_on, due_on=due_on
    )


def term_close_errors(term: Term, closed_on: datetime.date | None) -> dict[str, list[str]]:
    """closed_on=None reopens the term, which only works while no other term of the unit is open."""
    if closed_on is None:
        others_open = Term.objects.filter(unit_id=term.unit_id, closed_on__isnull=True).exclude(pk=term.pk)
        if term.closed_on is not None and others_open.exists():
            return {"closed_on": [errors.TERM_ONE_OPEN.format(unit=term.unit.name)]}
        return {}
    if closed_on < term.elected_on:
        return {
            "closed_on": [errors.TERM_CLOSED_BEFORE_ELECTED.format(closed_on=closed_on, elected_on=term.elected_on)]
        }
    return {}


@transaction.atomic
def term_close(*, term: Term, closed_on: datetime.date | None) -> Term:
    stored = Term.objects.select_for_update().get(pk=term.pk)
    problems = term_close_errors(stored, closed_on)
    if problems:
        raise ValidationError(problems)
    term.closed_on = closed_on
    term.save(update_fields=["closed_on"])
    return term
