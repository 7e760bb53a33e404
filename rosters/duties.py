"""执委履职: writing duty records, and counting them per person and per unit, rolled up the tree.

A period's counts are one grouped query over the subtree as it stood at the period's end
(orgunits.as_of), in rows per child area like the 执委配备 table (rosters.executive).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from rosters import errors
from rosters.executive import branch_rows
from rosters.models import Appointment, DutyRecord, DutyType, Person

DUTY_TOTAL = "履职{records}次，走访{households}户，联系妇女{women}人"
DUTY_FIELDS = ("person", "unit", "appointment", "done_on", "duty_type", "households", "women", "note")


def duty_record_errors(record: DutyRecord) -> dict[str, list[str]]:
    """The rules beyond the model's: the linked appointment is the person's at the unit that day."""
    found: dict[str, list[str]] = {}
    if record.done_on and record.done_on > timezone.localdate():
        found["done_on"] = [errors.DUTY_IN_FUTURE.format(done_on=record.done_on)]
    held = record.appointment
    if held is not None and (held.person_id != record.person_id or held.unit_id != record.unit_id):
        found["appointment"] = [errors.DUTY_APPOINTMENT_OTHER]
    elif held is not None and record.done_on and not _held_on(held, record.done_on):
        found["appointment"] = [errors.DUTY_APPOINTMENT_NOT_ACTIVE.format(done_on=record.done_on)]
    return found


def _held_on(appointment: Appointment, day: datetime.date) -> bool:
    return appointment.start_on <= day and (appointment.end_on is None or appointment.end_on >= day)


def duty_record_validate(record: DutyRecord) -> None:
    record.full_clean()
    problems = duty_record_errors(record)
    if problems:
        raise ValidationError(problems)


def appointment_on(person: Person, unit: OrgUnit, day: datetime.date) -> Appointment | None:
    """The person's appointment at the unit held that day (any post), if any: what a record links to."""
    return Appointment.objects.filter(person=person, unit=unit).active_on(day).order_by("start_on").first()


@transaction.atomic
def duty_record_create(
    *,
    person: Person,
    unit: OrgUnit,
    done_on: datetime.date,
    duty_type: DutyType,
    households: int = 0,
    women: int = 0,
    note: str = "",
    appointment: Appointment | None = None,
) -> DutyRecord:
    """Linked to `appointment`, or by default to the person's appointment at the unit that day."""
    appointment = appointment or appointment_on(person, unit, done_on)
    record = DutyRecord(
        person=person,
        unit=unit,
        done_on=done_on,
        duty_type=duty_type,
        households=households,
        women=women,
        note=note,
        appointment=appointment,
    )
    duty_record_validate(record)
    record.save()
    return record


@transaction.atomic
def duty_record_update(*, record: DutyRecord, **changes) -> DutyRecord:
    unknown = set(changes) - set(DUTY_FIELDS)
    if unknown:
        raise TypeError(f"duty_record_update() cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(record, name, value)
    if "appointment" not in changes and {"person", "unit", "done_on"} & set(changes):
        record.appointment = appointment_on(record.person, record.unit, record.done_on)
    duty_record_validate(record)
    record.save()
    return record


@dataclass(frozen=True)
class DutyTally:
    records: int = 0
    households: int = 0
    women: int = 0

    def __add__(self, other: "DutyTally") -> "DutyTally":
        return DutyTally(self.records + other.records, self.households + other.households, self.women + other.women)


def _tally(row: dict) -> DutyTally:
    return DutyTally(row["records"], row["households"] or 0, row["women"] or 0)


def _sums() -> dict:
    return {"records": Count("pk"), "households": Sum("households"), "women": Sum("women")}


def duties_by_person(records, start: datetime.date, end: datetime.date) -> dict[int, DutyTally]:
    """{person pk: tally} of the records (a queryset: of some people, of units in a scope) in the
    period: one query."""
    in_range = records.filter(done_on__gte=start, done_on__lte=end)
    rows = in_range.values("person").annotate(**_sums()).order_by()
    return {row["person"]: _tally(row) for row in rows}


@dataclass
class DutyRollup:
    unit: OrgUnit
    start: datetime.date
    end: datetime.date
    rows: list[tuple[str, OrgUnit | None, DutyTally]]  # 本级, one per child area, the host units together
    total: DutyTally


def duties_rolled_up(unit: OrgUnit, start: datetime.date, end: datetime.date, *, tree=None) -> DutyRollup:
    """The records of the period at the units of the subtree as it stood at the period's end, summed
    per child area: one grouped query (and the children, and the unit's place then)."""
    tree, place = TreeOn.around(unit, end) if tree is None else (tree, tree.place(unit))
    grouped = (
        tree.subtree(unit, place)
        .filter(duties__done_on__gte=start, duties__done_on__lte=end)
        .annotate(branch=tree.branch(place))
        .values("branch")
        .annotate(records=Count("duties"), households=Sum("duties__households"), women=Sum("duties__women"))
        .order_by()
    )
    found = {row["branch"]: _tally(row) for row in grouped}
    rows = branch_rows(unit, place, tree, found, lambda a, b: a + b)
    return DutyRollup(unit, start, end, rows, sum((tally for _l, _u, tally in rows), DutyTally()))
