"""执委履职 in the demo: from July 2026 to the demo's today, the 执委 of one village or community in five
of 双峰县 (three members each) record one to three duties apiece. Planned from the roster (never from the
database) with generators of their own, and written through the duty import's checked bulk path: a
second run finds every record and writes nothing."""

import datetime

from django.core.management.base import CommandError

from registry.demo.dates import DEMO_TODAY, between, seeded
from registry.demo.seats import EXEC, Roster
from rosters import duty_import

FIRST_DUTY = datetime.date(2026, 7, 1)
VILLAGE_SHARE = 0.2
MEMBERS_PER_VILLAGE = 3
DUTY_TYPES = ("入户走访", "参加活动", "宣传宣讲", "矛盾调解", "帮扶")
CONFLICT = "演示数据的履职记录与库中已有的数据冲突，未载入：\n{errors}"


def _members(roster: Roster) -> dict[str, list]:
    """Village (12-digit code) -> the 执委 spells that run into the duty period, in seat order."""
    found: dict[str, list] = {}
    for seat in roster.seats:
        spell = seat.holder
        if seat.post == EXEC and len(seat.unit) == 12 and (spell.end is None or spell.end >= FIRST_DUTY):
            found.setdefault(seat.unit, []).append(spell)
    return found


def _rows_for(unit: str, spell, rng) -> list[dict]:
    first, last = max(spell.start, FIRST_DUTY), min(spell.end or DEMO_TODAY, DEMO_TODAY)
    rows, keys = [], set()
    for _ in range(rng.randint(1, 3)):
        day, duty_type = between(rng, first, last), rng.choice(DUTY_TYPES)
        households = rng.randint(2, 12) if duty_type in ("入户走访", "帮扶") else 0
        women = rng.randint(3, 40)
        if (day, duty_type) not in keys:  # one record per person, unit, day and type
            keys.add((day, duty_type))
            row = {"id_number": spell.person.id_number, "unit_code": unit, "done_on": day, "duty_type": duty_type}
            rows.append(row | {"households": households, "women": women})
    return rows


def duty_rows(roster: Roster) -> list[dict]:
    rows = []
    for unit, spells in sorted(_members(roster).items()):
        rng = seeded("duties", unit)
        if rng.random() >= VILLAGE_SHARE:
            continue
        for spell in spells[:MEMBERS_PER_VILLAGE]:
            rows += _rows_for(unit, spell, rng)
    return rows


def apply_duties(roster: Roster) -> int:
    """The duty records in one checked import. Returns how many were created."""
    plan = duty_import.check_rows(duty_rows(roster))
    if not plan.valid:
        raise CommandError(CONFLICT.format(errors="\n".join(plan.messages()[:30])))
    duty_import.DutyImporter().write(plan)
    return plan.count("new")
