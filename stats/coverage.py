"""组建率: how many eligible host units in a subtree have a women's organisation, as of a date.

Everything is answered by one grouped query over the subtree (plus the kinds, the rules and the
children), so the cost does not grow with the number of children.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Sum, When

from orgunits.as_of import PlaceThen, TreeOn
from orgunits.dates import shift_years
from orgunits.models import OrgForm, OrgUnit, UnitKind
from stats.formatting import percent
from stats.models import DataValue, EligibilityRule
from stats.periods import YEAR_TEXT, Period

OWN_LEVEL_LABEL = "本级"
CONVERTED = "converted"  # in Coverage.forms beside the forms: the recorded 妇代会 → 妇联 changes
HOST_GROUP_LABELS = {
    "nation": "中央和国家机关直属单位",
    "province": "省直单位",
    "city": "市直单位",
    "county": "县直单位",
    "township": "乡镇直属单位",
    "street": "街道直属单位",
}


@dataclass(frozen=True)
class Tally:
    eligible: int = 0
    established: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.eligible + other.eligible, self.established + other.established)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.established, self.eligible)


@dataclass
class CoverageRow:
    label: str  # the unit's name on the coverage's date
    unit: OrgUnit | None  # None for the group of host units directly under the unit
    by_kind: dict[int, Tally] = field(default_factory=dict)

    @property
    def total(self) -> Tally:
        return sum(self.by_kind.values(), Tally())

    def tally(self, kind: UnitKind) -> Tally:
        return self.by_kind.get(kind.pk, Tally())

    @property
    def key(self) -> int | str:
        """The same row a year earlier: the same unit, whatever its code or name was then."""
        return self.unit.pk if self.unit else self.label


@dataclass
class Coverage:
    unit: OrgUnit
    on: datetime.date
    kinds: list[UnitKind]  # kinds with eligible units here, in kind order
    summary: CoverageRow
    rows: list[CoverageRow]  # 本级, one per area child, one for the host units together
    forms: dict[int, Counter] = field(default_factory=dict)  # kind id -> organisations established by form

    def forms_of(self, kind: UnitKind) -> list[tuple[str, int]]:
        """(form label, organisations) for the kind, in the order of OrgForm."""
        counts = self.forms.get(kind.pk, Counter())
        return [(str(form.label), counts[form.value]) for form in OrgForm if counts[form.value]]

    def converted(self, kind: UnitKind) -> int:
        """Organisations of the kind recorded turning from 妇代会 into 妇联 by the date (会改联)."""
        return self.forms.get(kind.pk, Counter())[CONVERTED]


def coverage(unit: OrgUnit, on: datetime.date, *, tree: TreeOn | None = None) -> Coverage:
    """The coverage of `unit`'s subtree as it stood on `on`: the units open then, with the kind and
    the place they had then, in rows named as they were then."""
    kinds = list(UnitKind.objects.all())
    kinds_by_id = {kind.pk: kind for kind in kinds}
    if tree is None:
        tree, place = TreeOn.around(unit, on)
    else:
        place = tree.place(unit)
    tallies, forms = _tallies_by_branch(unit, place, tree, kinds)
    children = tree.children(unit, place).open_on(on).select_related("kind").order_by("then_path")
    rows = []
    own = tallies.get(place.path)
    if own:
        rows.append(CoverageRow(OWN_LEVEL_LABEL, unit, own))
    hosts = CoverageRow(HOST_GROUP_LABELS.get(kinds_by_id[place.kind_id].code, "直属单位"), None)
    for child in children:
        found = tallies.get(child.then_path, {})
        if kinds_by_id[child.then_kind_id].is_area:
            rows.append(CoverageRow(child.then_name, child, found))
        else:
            hosts.by_kind = _merge(hosts.by_kind, found)
    if hosts.by_kind:
        rows.append(hosts)
    summary = CoverageRow("合计", unit)
    for row in rows:
        summary.by_kind = _merge(summary.by_kind, row.by_kind)
    shown = [kind for kind in kinds if summary.tally(kind).eligible]
    return Coverage(unit=unit, on=on, kinds=shown, summary=summary, rows=rows, forms=forms)


def _merge(left: dict[int, Tally], right: dict[int, Tally]) -> dict[int, Tally]:
    merged = dict(left)
    for kind_id, tally in right.items():
        merged[kind_id] = merged.get(kind_id, Tally()) + tally
    return merged


def _tallies_by_branch(unit: OrgUnit, place: PlaceThen, tree: TreeOn, kinds: list[UnitKind]):
    """Tallies by branch and kind, and the organisations established by kind and form."""
    on = tree.day
    units = tree.subtree(unit, place).open_on(on)
    eligible_cases = [
        When(eligibility=OrgUnit.Eligibility.INCLUDED, then=1),
        When(eligibility=OrgUnit.Eligibility.EXCLUDED, then=0),
    ]
    for rule in EligibilityRule.objects.all():
        alias = f"figure_for_kind_{rule.kind_id}"
        latest = (
            # Yearly figures only: a quarter's staff count is not the year's.
            DataValue.objects.filter(unit=OuterRef("pk"), element_id=rule.element_id, period__lte=Period.containing(on))
            .filter(period__regex=YEAR_TEXT)
            .order_by("-period")
            .values(rule.part)[:1]
        )
        units = units.alias(**{alias: Subquery(latest)})
        # Nested, so the figure is looked up only for units of the rule's kind.
        meets = Case(When(**{f"{alias}__gte": rule.minimum}, then=1), default=0)
        eligible_cases.append(When(then_kind_id=rule.kind_id, then=meets))
    eligible_cases.append(When(then_kind_id__in=[k.pk for k in kinds if k.eligible_by_default], then=1))
    is_eligible = Case(*eligible_cases, default=0, output_field=IntegerField())
    is_established = Case(
        When(OrgUnit.org_exists_q(on), then=1),
        default=0,
        output_field=IntegerField(),
    )
    counted = F("is_eligible") * F("is_established")
    sums = {"eligible": Sum("is_eligible"), "established": Sum(counted)}
    if tree.forms_recorded:
        # From the unit's row (org_forms.form_summary): an organisation converts once.
        sums["converted"] = Sum(counted * Case(When(form_converted_on__lte=on, then=1), default=0))
    units = units.alias(is_eligible=is_eligible, is_established=is_established)
    rows = (
        units.annotate(branch=tree.branch(place))
        .values("branch", "then_kind_id", "then_form")
        .annotate(**sums)
        .order_by()
    )
    default_form = {kind.pk: kind.org_form for kind in kinds}
    found: dict[str, dict[int, Tally]] = defaultdict(dict)
    forms: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        if row["eligible"]:
            branch, kind_id = found[row["branch"]], row["then_kind_id"]
            branch[kind_id] = branch.get(kind_id, Tally()) + Tally(row["eligible"], row["established"])
            forms[kind_id][row["then_form"] or default_form[kind_id]] += row["established"]
            forms[kind_id][CONVERTED] += row.get("converted") or 0
    return found, forms


def one_year_earlier(day: datetime.date) -> datetime.date:
    return shift_years(day, -1)


@dataclass
class Change:
    now: Tally
    before: Tally

    @property
    def eligible(self) -> int:
        return self.now.eligible - self.before.eligible

    @property
    def established(self) -> int:
        return self.now.established - self.before.established

    @property
    def points(self) -> Decimal | None:
        if self.now.rate is None or self.before.rate is None:
            return None
        return self.now.rate - self.before.rate


@dataclass
class CoverageComparison:
    current: Coverage
    previous: Coverage

    def summary_change(self, kind: UnitKind | None = None) -> Change:
        now, before = self.current.summary, self.previous.summary
        if kind is None:
            return Change(now.total, before.total)
        return Change(now.tally(kind), before.tally(kind))

    def row_change(self, row: CoverageRow) -> Change:
        before = self._previous_row(row) or CoverageRow(row.label, row.unit)
        return Change(row.total, before.total)

    def is_new(self, row: CoverageRow) -> bool:
        """A row with no counterpart a year earlier (新设, e.g. a township created by a merger): its
        figures are not an increase."""
        return self._previous_row(row) is None

    def _previous_row(self, row: CoverageRow) -> CoverageRow | None:
        return next((r for r in self.previous.rows if r.key == row.key), None)


def current_of(result: Coverage | CoverageComparison) -> Coverage:
    """The coverage at the chosen date, whether or not it comes with last year's."""
    return result.current if isinstance(result, CoverageComparison) else result


def coverage_with_previous_year(unit: OrgUnit, on: datetime.date) -> CoverageComparison:
    earlier = TreeOn.of(one_year_earlier(on))
    # Nothing changed after the earlier day: nor after the later one.
    unchanged = not (earlier.changed or earlier.forms_changed)
    later = TreeOn(on, changed=False, forms_changed=False, forms_recorded=earlier.forms_recorded)
    later = later if unchanged else TreeOn.of(on)
    return CoverageComparison(
        current=coverage(unit, on, tree=later), previous=coverage(unit, earlier.day, tree=earlier)
    )
