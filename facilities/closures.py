"""What happens to facilities when their unit is closed by a division change (orgunits.signals.units_closed):
every facility still open closes on the closing day, as the unit's rules require (facilities.services)."""

import datetime
from collections import Counter

from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from facilities import errors
from facilities.models import Facility
from imports.audit import bulk_history_kwargs
from imports.queries import chunked_in
from orgunits.division_plan import DivisionPlanError

FACILITIES_CLOSED = "阵地停用"


def facilities_close_at_closed_units(*, unit_ids: list[int], on: datetime.date) -> dict:
    """Close the units' open facilities on `on`. Refuses (DivisionPlanError) when one opened on or after
    `on`: it would close before it opened, and the clerk must correct it first."""
    running = Facility.objects.select_related("unit", "kind").filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    facilities = [facility for chunk in chunked_in(running, "unit_id", unit_ids) for facility in chunk]
    problems = [
        errors.CLOSE_FACILITY_AFTER.format(unit=f.unit.name, kind=f.kind.name, opened_on=f.opened_on, on=on)
        for f in facilities
        if f.opened_on >= on
    ]
    if problems:
        raise DivisionPlanError(problems)
    for facility in facilities:
        facility.closed_on = on
    if facilities:
        history = bulk_history_kwargs()
        history["default_change_reason"] = f"{history['default_change_reason']}：单位因区划调整撤销"[:100]
        bulk_update_with_history(facilities, Facility, ["closed_on"], **history)
    return {"totals": Counter({FACILITIES_CLOSED: len(facilities)} if facilities else {})}


def close_facilities_on_units_closed(sender, *, unit_ids, on, **kwargs) -> dict:
    return facilities_close_at_closed_units(unit_ids=unit_ids, on=on)
