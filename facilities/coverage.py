"""阵地覆盖: for each facility kind, how many units of its expected unit kinds in a subtree have one
open, as of a date, on the tree as it stood then (orgunits.as_of).

应建: units open on the date whose kind then is one the facility kind is expected in; 已建: those of
them with a facility of that kind open on the date. A facility at a unit of another kind is kept but
not counted. One grouped query over the subtree (plus the kinds and the children), like stats.coverage.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q

from facilities.models import FacilityKind
from orgunits.as_of import PlaceThen, TreeOn
from orgunits.models import OrgUnit, UnitKind
from stats.coverage import HOST_GROUP_LABELS, OWN_LEVEL_LABEL, Tally

TOTAL_LABEL = "合计"


@dataclass
class FacilityRow:
    label: str  # the unit's name on the date; the host units' group label
    unit: OrgUnit | None  # None for the host units directly under the unit, together
    by_kind: dict[int, Tally] = field(default_factory=dict)  # facility kind id -> tally

    def tally(self, kind: FacilityKind) -> Tally:
        return self.by_kind.get(kind.pk, Tally())


@dataclass
class FacilityCoverage:
    unit: OrgUnit
    on: datetime.date
    kinds: list[FacilityKind]  # the facility kinds with units expected to have one here, in order
    summary: FacilityRow
    rows: list[FacilityRow]  # 本级, one per area child, the host units together

    @property
    def built(self) -> int:
        """Facilities counted, all kinds: zero means there is nothing to report."""
        return sum(self.summary.tally(kind).established for kind in self.kinds)


def facility_coverage(unit: OrgUnit, on: datetime.date, *, tree: TreeOn | None = None) -> FacilityCoverage:
    """The coverage per facility kind of `unit`'s subtree as it stood on `on`."""
    kinds, expected = _kinds()
    if tree is None:
        tree, place = TreeOn.around(unit, on)
    else:
        place = tree.place(unit)
    tallies = _tallies_by_branch(unit, place, tree, kinds, expected)
    unit_kinds = {pk: (code, is_area) for pk, code, is_area in UnitKind.objects.values_list("pk", "code", "is_area")}
    rows = _rows(unit, place, tree, tallies, unit_kinds)
    summary = FacilityRow(TOTAL_LABEL, unit)
    for row in rows:
        summary.by_kind = _merge(summary.by_kind, row.by_kind)
    shown = [kind for kind in kinds if summary.tally(kind).eligible]
    return FacilityCoverage(unit=unit, on=on, kinds=shown, summary=summary, rows=rows)


def _rows(unit, place: PlaceThen, tree: TreeOn, tallies: dict, unit_kinds: dict) -> list[FacilityRow]:
    """本级 (when the unit itself is expected to have a facility), each area child, the host units."""
    rows = []
    own = tallies.get(place.path)
    if own:
        rows.append(FacilityRow(OWN_LEVEL_LABEL, unit, own))
    hosts = FacilityRow(HOST_GROUP_LABELS.get(unit_kinds[place.kind_id][0], "直属单位"), None)
    children = tree.children(unit, place).open_on(tree.day).order_by("then_path")
    for child in children:
        found = tallies.get(child.then_path, {})
        if unit_kinds[child.then_kind_id][1]:
            rows.append(FacilityRow(child.then_name, child, found))
        else:
            hosts.by_kind = _merge(hosts.by_kind, found)
    if hosts.by_kind:
        rows.append(hosts)
    return rows


def _merge(left: dict[int, Tally], right: dict[int, Tally]) -> dict[int, Tally]:
    merged = dict(left)
    for kind_id, tally in right.items():
        merged[kind_id] = merged.get(kind_id, Tally()) + tally
    return merged


def _kinds() -> tuple[list[FacilityKind], dict[int, set[int]]]:
    """The facility kinds in order, and the unit kinds each is expected in, in one query."""
    kinds: dict[int, FacilityKind] = {}
    expected: dict[int, set[int]] = {}
    for pk, code, name, sort_order, unit_kind in FacilityKind.objects.values_list(
        "pk", "code", "name", "sort_order", "expected_in"
    ):
        kinds.setdefault(pk, FacilityKind(pk=pk, code=code, name=name, sort_order=sort_order))
        expected.setdefault(pk, set()).update([unit_kind] if unit_kind else [])
    return list(kinds.values()), expected


def _tallies_by_branch(unit, place: PlaceThen, tree: TreeOn, kinds: list[FacilityKind], expected: dict):
    """{branch path: {facility kind id: Tally}} from one grouped query: units by branch and kind then,
    each joined (LEFT JOIN) to its facility of each kind open on the day. A unit has at most one open
    facility of a kind on a day (facilities.services), so a join adds no row and counts stay exact;
    the joins are hashed over a large subtree and probed by index over a small one."""
    wanted = set().union(*expected.values()) if expected else set()
    if not wanted:
        return {}
    day = tree.day
    units = tree.subtree(unit, place).open_on(day).filter(then_kind_id__in=wanted)
    joins, counts = {}, {}
    for kind in kinds:
        open_then = Q(facilities__kind_id=kind.pk, facilities__opened_on__lte=day) & (
            Q(facilities__closed_on__isnull=True) | Q(facilities__closed_on__gt=day)
        )
        joins[f"facility_{kind.pk}"] = FilteredRelation("facilities", condition=open_then)
        counts[f"has_{kind.pk}"] = Count(f"facility_{kind.pk}__id")
    rows = (
        units.annotate(**joins)
        .annotate(branch=tree.branch(place))
        .values("branch", "then_kind_id")
        .annotate(units=Count("pk"), **counts)
        .order_by()
    )
    return _tallies_from(rows, kinds, expected)


def _tallies_from(rows, kinds: list[FacilityKind], expected: dict[int, set[int]]) -> dict:
    found: dict[str, dict[int, Tally]] = defaultdict(dict)
    for row in rows:
        branch = found[row["branch"]]
        for kind in kinds:
            if row["then_kind_id"] in expected[kind.pk]:
                tally = Tally(row["units"], row[f"has_{kind.pk}"])
                branch[kind.pk] = branch.get(kind.pk, Tally()) + tally
    return found
