"""The counts of the worklists of organisations (有组织无人员, 职数空缺, 执委未达标), kept per roster
cell like the roster statistics (rosters.roster_rollups) and exact the same way.

Their first page is cheap: PostgreSQL walks the subtree's units in path order until it has fifty. Their
count was not: every organisation of the subtree is tested, 62,074 per-unit probes for 山东 (1–3 s).
Each cell now keeps how many of its units a list holds on the day; the page's count adds them up.
A list's units are the same whoever asks: a user sees a list only for a unit of her scope, and below
such a unit everything is hers.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count

from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from rosters.executive import below_norm_among
from rosters.roster_rollups import covers, kept_payloads
from rosters.roster_tally import cell_of
from rosters.selectors import vacant_among, without_chair_among

# Worklist name -> its units among units annotated by TreeOn, on a day.
COUNTED_LISTS = {
    "without-chair": without_chair_among,
    "vacant-seats": lambda units, on: vacant_among(units, on)[1],
    "executives-below-norm": below_norm_among,
}


def listed_count(name: str, unit: OrgUnit, on: datetime.date, *, tree: TreeOn | None = None) -> int | None:
    """How many units the worklist lists under the unit on the day, from the cells' counts; None where
    they do not serve (another list, a village, a day before a division change)."""
    if name not in COUNTED_LISTS or not covers(unit):
        return None
    tree = tree or TreeOn.of(on)
    if tree.changed:
        return None

    def count(within, stale: list[str]) -> dict[str, dict]:
        listed = COUNTED_LISTS[name](tree.annotate(OrgUnit.objects.filter(within())), on)
        rows = listed.annotate(cell=cell_of("path")).values("cell").annotate(n=Count("pk")).order_by()
        found = {row["cell"]: row["n"] for row in rows}
        return {cell: {"listed": found.get(cell, 0)} for cell in stale}

    return sum(payload["listed"] for payload in kept_payloads(unit, on, f"worklist:{name}", count))


def worklist_paginator(
    name: str, unit: OrgUnit, on: datetime.date, queryset, per_page: int, *, tree: TreeOn | None = None
) -> Paginator:
    """The paginator of a worklist's page: its count kept per cell where that serves."""
    paginator = Paginator(queryset, per_page)
    count = listed_count(name, unit, on, tree=tree)
    if count is not None:
        paginator.count = count  # a cached_property: the page numbers come from it, the query is not run
    return paginator
