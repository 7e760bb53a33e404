"""Totals of activities for a unit's subtree and a span of dates, per type and per child area, with the
same span a year earlier (上年同期).

The subtree is the one that stood on the span's last day (orgunits.as_of), so totals after a division
change still add up the areas as they were. An activity counts in the span it started in. The span
and 上年同期 are one grouped query over the subtree, whatever its size (two when a division change
came after either day, or the span is longer than a year); honours one more.
"""

import datetime
import operator
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, When

from activities.measures import format_change_rate
from activities.models import COUNT_FIELDS, ActivityType, HonourLevel
from orgunits.as_of import PlaceThen, TreeOn
from orgunits.dates import shift_years
from orgunits.models import OrgUnit, UnitKind
from stats.coverage import HOST_GROUP_LABELS, OWN_LEVEL_LABEL
from stats.formatting import format_measure


@dataclass(frozen=True)
class Counts:
    sessions: int = 0
    participants: int = 0
    served: int = 0
    households: int = 0
    cases: int = 0
    amount: Decimal = Decimal(0)
    records: int = 0
    approximate: int = 0  # records whose figures were given as approximate (余)

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*map(operator.add, _count_values(self), _count_values(other)))

    def get(self, name: str):
        return getattr(self, name)


_count_values = operator.attrgetter(*(f.name for f in fields(Counts)))


@dataclass
class TotalsRow:
    label: str  # the area's name on the span's last day, 本级, or the host units' group
    unit: OrgUnit | None
    by_type: dict[int, Counts] = field(default_factory=dict)

    def counts(self, activity_type: ActivityType) -> Counts:
        return self.by_type.get(activity_type.pk, Counts())


@dataclass(frozen=True)
class Line:
    """One figure of one type: 培训 · 举办各类培训 · 场次."""

    type: ActivityType
    name: str  # the count column
    phrase: str
    unit: str

    def shown(self, counts: Counts) -> str:
        return format_measure(counts.get(self.name), self.unit, approximate=bool(counts.approximate))


@dataclass
class ActivityTotals:
    unit: OrgUnit
    start: datetime.date
    end: datetime.date
    types: list[ActivityType]  # types with records in either span, in type order
    by_type: dict[int, Counts]
    previous: dict[int, Counts]
    rows: list[TotalsRow]

    def counts(self, activity_type: ActivityType) -> Counts:
        return self.by_type.get(activity_type.pk, Counts())

    def previous_counts(self, activity_type: ActivityType) -> Counts:
        return self.previous.get(activity_type.pk, Counts())

    def lines(self) -> list[Line]:
        """The figures with data now or a year earlier, type by type."""
        found = []
        for activity_type in self.types:
            now, before = self.counts(activity_type), self.previous_counts(activity_type)
            for name, phrase, unit in activity_type.measures():
                if now.get(name) or before.get(name):
                    found.append(Line(activity_type, name, phrase, unit))
        return found

    def change(self, line: Line) -> str:
        return format_change_rate(self.counts(line.type).get(line.name), self.previous_counts(line.type).get(line.name))

    @property
    def empty(self) -> bool:
        return not self.by_type


def previous_span(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    return shift_years(start, -1), shift_years(end, -1)


def activity_totals(
    unit: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    *,
    trees: tuple[TreeOn, TreeOn] | None = None,
    by_area: bool = True,
) -> ActivityTotals:
    """Totals of `unit`'s subtree as it stood on `end`, for activities started in [start, end]. `trees`:
    the trees on `end` and a year earlier when the caller has them; by_area=False skips the area rows."""
    before_start, before_end = previous_span(start, end)
    if trees is None:
        trees = TreeOn.both(end, before_end)
    (tree, earlier), place = trees, trees[0].place(unit)
    if tree.changed or earlier.changed or before_end >= start:
        grouped = _grouped(unit, place, tree, [(start, end)], by_branch=by_area)[0]
        before = _grouped(unit, earlier.place(unit), earlier, [(before_start, before_end)], by_branch=False)[0]
    else:  # one tree for both, and spans apart: one query
        grouped, before = _grouped(unit, place, tree, [(start, end), (before_start, before_end)], by_branch=by_area)
    rows = _rows(unit, place, tree, grouped) if by_area else []
    by_type, previous = _sum_branches(grouped), _sum_branches(before)
    present = set(by_type) | set(previous)
    types = [t for t in ActivityType.objects.all() if t.pk in present] if present else []
    return ActivityTotals(unit, start, end, types, by_type, previous, rows)


def activity_totals_for(unit: OrgUnit, period) -> ActivityTotals:
    """For a stats.periods.Period: its span, whatever its length."""
    return activity_totals(unit, period.start, period.end)


def _grouped(unit, place: PlaceThen, tree: TreeOn, spans: list, *, by_branch: bool) -> list[dict[str | None, dict]]:
    """For each of the (disjoint) spans: {branch path: {type id: Counts}}, from one grouped query;
    by_branch=False: everything under None (a previous span needs no areas)."""
    sums = {name: Sum(f"activities__{name}") for name in COUNT_FIELDS}
    approximate = Case(When(activities__approximate=True, then=1), default=0, output_field=IntegerField())
    started = Q()
    for span in spans:
        started |= Q(activities__started_on__range=span)
    units, keys = tree.subtree(unit, place).filter(started), ["activities__type_id"]
    if by_branch:
        units, keys = units.annotate(branch=tree.branch(place)), ["branch", *keys]
    if len(spans) > 1:
        which = [When(activities__started_on__range=span, then=n) for n, span in enumerate(spans[:-1])]
        units, keys = units.annotate(span=Case(*which, default=len(spans) - 1)), ["span", *keys]
    rows = units.values(*keys).annotate(records=Count("activities"), approximate=Sum(approximate), **sums)
    found: list[dict[str | None, dict[int, Counts]]] = [{} for _ in spans]
    for row in rows.order_by():
        values = {name: row[name] or 0 for name in COUNT_FIELDS}
        values["amount"] = Decimal(values["amount"])
        counts = Counts(**values, records=row["records"], approximate=row["approximate"] or 0)
        found[row.get("span", 0)].setdefault(row.get("branch"), {})[row["activities__type_id"]] = counts
    return found


def _sum_branches(grouped: dict[str, dict[int, Counts]]) -> dict[int, Counts]:
    total: dict[int, Counts] = {}
    for by_type in grouped.values():
        for type_id, counts in by_type.items():
            total[type_id] = total.get(type_id, Counts()) + counts
    return total


def _rows(unit, place: PlaceThen, tree: TreeOn, grouped) -> list[TotalsRow]:
    """本级, one row per child area (open on the day, or with records), the host units together."""
    kinds = {kind.pk: kind for kind in UnitKind.objects.all()}
    rows = []
    if place.path in grouped:
        rows.append(TotalsRow(OWN_LEVEL_LABEL, unit, grouped[place.path]))
    hosts = TotalsRow(HOST_GROUP_LABELS.get(kinds[place.kind_id].code, "直属单位"), None)
    for child in tree.children(unit, place).order_by("then_path"):
        found = grouped.get(child.then_path, {})
        if not kinds[child.then_kind_id].is_area:
            hosts.by_type = _merge(hosts.by_type, found)
        elif found or child.is_open_on(tree.day):
            rows.append(TotalsRow(child.then_name, child, found))
    if hosts.by_type:
        rows.append(hosts)
    return rows


def _merge(left: dict[int, Counts], right: dict[int, Counts]) -> dict[int, Counts]:
    merged = dict(left)
    for type_id, counts in right.items():
        merged[type_id] = merged.get(type_id, Counts()) + counts
    return merged


# ---- honours


@dataclass(frozen=True)
class HonourCount:
    level: str
    level_label: str
    title: str
    count: int


def honour_counts(
    unit: OrgUnit, start: datetime.date, end: datetime.date, *, tree: TreeOn | None = None
) -> list[HonourCount]:
    """Honours awarded in [start, end] in the subtree as it stood on `end`, by level (国家级 first) and title."""
    tree, place = TreeOn.around(unit, end) if tree is None else (tree, tree.place(unit))
    rows = (
        tree.subtree(unit, place)
        .filter(honours__awarded_on__gte=start, honours__awarded_on__lte=end)
        .values("honours__level", "honours__title")
        .annotate(count=Count("honours"))
        .order_by()
    )
    order = {level: index for index, level in enumerate(HonourLevel.values)}
    labels = dict(HonourLevel.choices)
    found = [
        HonourCount(row["honours__level"], str(labels[row["honours__level"]]), row["honours__title"], row["count"])
        for row in rows
    ]
    return sorted(found, key=lambda h: (order[h.level], -h.count, h.title))
