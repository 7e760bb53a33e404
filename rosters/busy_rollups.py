"""身兼数职 from the roster cells (rosters.roster_rollups): each cell keeps, for a day, its busy people
whose posts that day all lie in it (with their load and name), and every person who holds posts in it
and in another cell (her posts there and her concurrent roles). A subtree's list adds them up: the
former as they are, the latter with their posts summed and roles merged across the subtree's cells.

The page is sorted by load, then name, so every load of the subtree had to be counted before its first
row: grouping 山东's 1.1 million appointments by person took 3.6–9.5 s. Now the list is read from the
cells, the page's fifty are found by a partial sort, and only they are read from their table.
"""

import datetime
import heapq

from django.db.models import Exists, OuterRef

from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from rosters.models import Appointment, Person
from rosters.roster_rollups import covers, kept_payloads
from rosters.roster_tally import cell_of
from rosters.selectors import BUSY_THRESHOLD, LOAD, with_loads


def _count(within, stale: list[str], on: datetime.date, threshold: int) -> dict[str, dict]:
    active = Appointment.objects.filter(within("unit__")).active_on(on).annotate(cell=cell_of()).order_by()
    elsewhere = Appointment.objects.active_on(on).filter(person_id=OuterRef("person_id"))
    elsewhere = Exists(elsewhere.annotate(its_cell=cell_of()).exclude(its_cell=OuterRef("cell")))
    payloads = {cell: {"busy": [], "crossers": {}} for cell in stale}
    local = active.filter(~elsewhere).values("cell", "person", "person__name").annotate(load=LOAD)
    for row in local.filter(load__gte=threshold):
        if row["cell"] in payloads:
            payloads[row["cell"]]["busy"].append([row["person"], row["load"], row["person__name"]])
    crossing: dict[str, dict[int, tuple]] = {}
    rows = active.filter(elsewhere).values_list("cell", "person", "person__name", "pk", "concurrent_roles")
    for cell, person, name, appointment, role in rows:
        posts, roles, _name = crossing.setdefault(cell, {}).setdefault(person, (set(), set(), name))
        posts.add(appointment)
        if role is not None:
            roles.add(role)
    for cell, people in crossing.items():
        if cell in payloads:
            payloads[cell]["crossers"] = {
                str(person): [len(posts), sorted(roles), name] for person, (posts, roles, name) in people.items()
            }
    return payloads


def kept_busy(
    unit: OrgUnit, on: datetime.date, threshold: int = BUSY_THRESHOLD, *, tree: TreeOn | None = None
) -> list[list] | None:
    """The subtree's busy people that day as [pk, load, name], in no order; None where the cells do
    not serve (a village, a day before a division change)."""
    if not covers(unit) or (tree or TreeOn.of(on)).changed:
        return None

    def count(within, stale):
        return _count(within, stale, on, threshold)

    busy, crossers = [], {}
    for payload in kept_payloads(unit, on, f"worklist:busy:{threshold}", count):
        busy += payload["busy"]
        for person, (posts, roles, name) in payload["crossers"].items():
            total = crossers.setdefault(int(person), [0, set(), name])
            total[0] += posts
            total[1].update(roles)
    for person, (posts, roles, name) in crossers.items():
        if posts + len(roles) >= threshold:
            busy.append([person, posts + len(roles), name])
    return busy


def _rank(row):
    """By load, highest first, then name, as the direct query orders them (then pk, for ties)."""
    return -row[1], row[2], row[0]


class RankedPeople:
    """The busy people as a paginator's list: counted from the rows, a page ranked by a partial sort
    (the first page takes the 50 best of 61,435, not a sort of all) and read in one query."""

    def __init__(self, rows: list[list], unit: OrgUnit, on: datetime.date):
        self.rows, self.unit, self.on = rows, unit, on

    def count(self) -> int:
        return len(self.rows)

    def ranked(self, stop: int) -> list[int]:
        return [row[0] for row in heapq.nsmallest(stop, self.rows, key=_rank)]

    def __getitem__(self, page: slice) -> list[Person]:
        pks = self.ranked(len(self.rows) if page.stop is None else page.stop)[page]
        within = OrgUnit.subtree_q(self.unit.path, via="appointments__unit__")
        people = {person.pk: person for person in with_loads(Person.objects.filter(pk__in=pks), within, self.on)}
        return [people[pk] for pk in pks]
