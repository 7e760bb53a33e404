"""The demo's rosters as seats (one post in one unit, and who held it when), and how they are written:
officers through the officer importer (every row checked with the services' rules, then written in
bulk), terms through term_open, one election after another. registry.demo.rosters plans who sits where.
"""

import datetime
from dataclasses import dataclass, field

from django.core.management.base import CommandError

from orgunits.models import OrgUnit
from registry.demo.dates import day_before
from registry.demo.organisations import CountyPlan
from registry.demo.people import PeopleMaker, PersonSpec
from rosters import officers
from rosters.models import Term
from rosters.services import term_close, term_open

CHAIR, VICE, EXEC, MEMBER = "主席", "副主席", "执委", "委员"
FULL, PART, SECONDED = "专职", "兼职", "挂职"
PARTY_COMMITTEE, VILLAGE_COMMITTEE = "村党组织委员", "村委会委员"
FAMILY_PLANNING, HEALTH_WORKER = "计育专干", "妇幼保健员"
CONFLICT = "演示数据的任职与库中已有的数据冲突，未载入：\n{errors}"


@dataclass
class Spell:
    person: PersonSpec
    start: datetime.date
    end: datetime.date | None = None
    roles: tuple[str, ...] = ()
    mode: str = PART


@dataclass
class Seat:
    """One post in one unit, and who held it when."""

    unit: str
    post: str
    spells: list[Spell]

    @property
    def holder(self) -> Spell:
        return self.spells[-1]

    def replace(self, day: datetime.date, spell: Spell) -> None:
        self.spells[-1].end = day_before(day)
        self.spells.append(spell)

    def vacate(self, day: datetime.date) -> None:
        self.spells[-1].end = day

    def rows(self) -> list[dict]:
        return [
            {
                **spell.person.row(),
                "unit_code": self.unit,
                "post": self.post,
                "start_on": spell.start,
                "end_on": spell.end,
                "mode": spell.mode,
                "concurrent_roles": "、".join(spell.roles),
            }
            for spell in self.spells
        ]


@dataclass
class Roster:
    seats: list[Seat] = field(default_factory=list)
    elections: dict[str, list[datetime.date]] = field(default_factory=dict)
    closed_terms: dict[str, datetime.date] = field(default_factory=dict)

    def rows(self) -> list[dict]:
        return [row for seat in self.seats for row in seat.rows()]


class CountyRoster:
    def __init__(self, plan: CountyPlan):
        self.plan = plan
        self.people = PeopleMaker(plan.code)
        self.roster = Roster()
        self.chairs_on: dict[str, Spell] = {}  # township -> its chair, for the county's executive committee
        self.village_chairs: dict[str, Seat] = {}

    def seat(self, unit: str, post: str, spell: Spell) -> Seat:
        seat = Seat(unit, post, [spell])
        self.roster.seats.append(seat)
        return seat

    def person(self, rng, role: str, level: str) -> PersonSpec:
        return self.people.make(rng, role, level=level)


def apply_terms(rosters: list[Roster]) -> int:
    """Each election of a unit that has no terms yet, in order (term_open closes the one before); the
    term of a merged village ends with it. Returns the number of terms opened."""
    elections = {code: days for roster in rosters for code, days in roster.elections.items()}
    closed = {code: day for roster in rosters for code, day in roster.closed_terms.items()}
    units = OrgUnit.objects.in_bulk(list(elections), field_name="code")
    with_terms = set(Term.objects.filter(unit__in=units.values()).values_list("unit__code", flat=True))
    opened = 0
    for code, days in sorted(elections.items()):
        unit = units.get(code)
        if unit is None or code in with_terms:
            continue
        term = None
        for day in days:
            term = term_open(unit=unit, elected_on=day)
            opened += 1
        if code in closed:
            term_close(term=term, closed_on=closed[code])
    return opened


def apply_officers(rosters: list[Roster]) -> tuple[int, int]:
    """All appointments in one checked import. Returns (appointments, people) created."""
    rows = [row for roster in rosters for row in roster.rows()]
    report = officers.check_rows(rows)
    if not report.valid:
        raise CommandError(CONFLICT.format(errors="\n".join(report.messages()[:30])))
    officers.write(report)
    return report.count("new"), report.people_created
