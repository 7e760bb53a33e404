"""What happens to a roster when its unit is closed by a division change (orgunits.signals.units_closed):
the open committee term closes and every appointment still running ends on the closing day."""

import datetime
from collections import Counter

from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from imports.audit import bulk_history_kwargs
from imports.queries import chunked_in
from orgunits.division_plan import DivisionPlanError
from rosters import errors
from rosters.models import Appointment, Term

TERMS_CLOSED, APPOINTMENTS_ENDED = "届次结束", "任职结束"


def rosters_end_at_closed_units(*, unit_ids: list[int], on: datetime.date) -> dict:
    """Close the units' open terms and end their running appointments on `on`.

    Refuses (DivisionPlanError) when a term was elected or an appointment starts after `on`:
    such a record cannot be ended before it began, and the clerk must correct it first.
    """
    terms = [
        t
        for chunk in chunked_in(Term.objects.select_related("unit"), "unit_id", unit_ids)
        for t in chunk.filter(closed_on__isnull=True)
    ]
    running = Q(end_on__isnull=True) | Q(end_on__gt=on)
    appointments = [
        a
        for chunk in chunked_in(Appointment.objects.select_related("unit", "person", "post"), "unit_id", unit_ids)
        for a in chunk.filter(running)
    ]
    problems = [
        errors.CLOSE_TERM_AFTER.format(unit=t.unit.name, ordinal=t.ordinal, elected_on=t.elected_on, on=on)
        for t in terms
        if t.elected_on > on
    ]
    problems += [
        errors.CLOSE_APPOINTMENT_AFTER.format(
            unit=a.unit.name, person=a.person.name, post=a.post.name, start_on=a.start_on, on=on
        )
        for a in appointments
        if a.start_on > on
    ]
    if problems:
        raise DivisionPlanError(problems)
    for term in terms:
        term.closed_on = on
    for appointment in appointments:
        appointment.end_on = on
    history = bulk_history_kwargs()
    history["default_change_reason"] = f"{history['default_change_reason']}：单位因区划调整撤销"[:100]
    if terms:
        bulk_update_with_history(terms, Term, ["closed_on"], **history)
    if appointments:
        bulk_update_with_history(appointments, Appointment, ["end_on"], **history)
    return {
        "totals": Counter({TERMS_CLOSED: len(terms), APPOINTMENTS_ENDED: len(appointments)}),
        "appointments_by_unit": Counter(a.unit_id for a in appointments),
    }


def end_rosters_on_units_closed(sender, *, unit_ids, on, **kwargs) -> dict:
    return rosters_end_at_closed_units(unit_ids=unit_ids, on=on)
