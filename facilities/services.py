"""Writes to facilities: facility_create, facility_update, facility_close, under one set of rules
(facility_errors), which the import applies too.

Any unit may have a facility of any kind; only those at units of the kind's expected unit kinds count
for coverage (facilities.coverage).
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction

from facilities import errors
from facilities.models import Facility, FacilityKind
from orgunits.models import OrgUnit

FACILITY_FIELDS = ("unit", "kind", "name", "opened_on", "closed_on", "note")
OPEN_END = "今"


def overlaps(facility: Facility, other: Facility) -> bool:
    """Whether two facilities' periods [opened_on, closed_on) share a day."""
    first_ends_after = facility.closed_on is None or facility.closed_on > other.opened_on
    other_ends_after = other.closed_on is None or other.closed_on > facility.opened_on
    return first_ends_after and other_ends_after


def facility_errors(facility: Facility, *, others=None) -> dict[str, list[str]]:
    """Every rule a facility meets, against its unit's dates and the unit's other facilities of its
    kind (`others`; read from the database when not given: the import passes what it holds)."""
    found: dict[str, list[str]] = defaultdict(list)
    opened, closed, unit = facility.opened_on, facility.closed_on, facility.unit
    if closed and closed < opened:
        found["closed_on"].append(errors.CLOSED_BEFORE_OPENED.format(closed_on=closed, opened_on=opened))
        return found
    found.update(_unit_period_errors(facility, unit))
    if others is None:
        others = Facility.objects.filter(unit=unit, kind=facility.kind).exclude(pk=facility.pk)
    clash = next((other for other in others if not _same(facility, other) and overlaps(facility, other)), None)
    if clash is not None:
        found["opened_on"].append(
            errors.OVERLAP.format(
                unit=unit.name,
                opened_on=clash.opened_on,
                closed_on=clash.closed_on or OPEN_END,
                kind=facility.kind.name,
            )
        )
    return found


def _same(facility: Facility, other: Facility) -> bool:
    return facility is other or (facility.pk is not None and facility.pk == other.pk)


def _unit_period_errors(facility: Facility, unit: OrgUnit) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    opened, closed = facility.opened_on, facility.closed_on
    if unit.opened_on and opened < unit.opened_on:
        found["opened_on"].append(
            errors.OPENED_BEFORE_UNIT.format(opened_on=opened, unit=unit.name, unit_opened_on=unit.opened_on)
        )
    if unit.closed_on and opened >= unit.closed_on:
        found["opened_on"].append(
            errors.OPENED_AFTER_UNIT_CLOSED.format(unit=unit.name, unit_closed_on=unit.closed_on, opened_on=opened)
        )
    elif unit.closed_on and (closed is None or closed > unit.closed_on):
        found["closed_on"].append(errors.OUTLIVES_UNIT.format(unit=unit.name, unit_closed_on=unit.closed_on))
    return found


def facility_validate(facility: Facility) -> None:
    """The model's own checks, then the rules; one ValidationError with every message by field."""
    found: dict[str, list[str]] = defaultdict(list)
    try:
        facility.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            found[key].extend(messages)
    if not found:
        for key, messages in facility_errors(facility).items():
            found[key].extend(messages)
    if found:
        raise ValidationError(dict(found))


@transaction.atomic
def facility_create(
    *,
    unit: OrgUnit,
    kind: FacilityKind,
    opened_on: datetime.date,
    name: str = "",
    closed_on: datetime.date | None = None,
    note: str = "",
) -> Facility:
    facility = Facility(
        unit=unit, kind=kind, opened_on=opened_on, name=name.strip(), closed_on=closed_on, note=note.strip()
    )
    facility_validate(facility)
    facility.save()
    return facility


@transaction.atomic
def facility_update(*, facility: Facility, **changes) -> Facility:
    unknown = set(changes) - set(FACILITY_FIELDS)
    if unknown:
        raise TypeError(f"facility_update() got unexpected fields {sorted(unknown)}")
    for field, value in changes.items():
        setattr(facility, field, value.strip() if isinstance(value, str) else value)
    facility_validate(facility)
    facility.save()
    return facility


@transaction.atomic
def facility_close(*, facility: Facility, closed_on: datetime.date) -> Facility:
    if facility.closed_on is not None:
        raise ValidationError({"closed_on": [errors.ALREADY_CLOSED.format(closed_on=facility.closed_on)]})
    return facility_update(facility=facility, closed_on=closed_on)
