"""组建率: how many eligible host units in a subtree have a women's organisation, as of a date.

Everything is answered by one grouped query over the subtree (plus the kinds, the rules and the
children), so the cost does not grow with the number of children.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Sum, When

from orgunits.dates import shift_years
from orgunits.models import OrgForm, OrgUnit, UnitKind
from stats.formatting import percent
from stats.models import DataValue, EligibilityRule
from stats.periods import Period

OWN_LEVEL_LABEL = "本级"
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
    label: str
    unit: OrgUnit | None  # None for the group of host units directly under the unit
    by_kind: dict[int, Tally] = field(default_factory=dict)

    @property
    def total(self) -> Tally:
        return sum(self.by_kind.values(), Tally())

    def tally(self, kind: UnitKind) -> Tally:
        return self.by_kind.get(kind.pk, Tally())

    @property
    def key(self) -> str:
        return self.unit.branch_key if self.unit else self.label


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


def coverage(unit: OrgUnit, on: datetime.date) -> Coverage:
    kinds = list(UnitKind.objects.all())
    tallies, forms = _tallies_by_branch(unit, on, kinds)
    children = list(OrgUnit.objects.children_of(unit).open_on(on).select_related("kind"))
    rows = []
    own = tallies.get(unit.branch_key)
    if own:
        rows.append(CoverageRow(OWN_LEVEL_LABEL, unit, own))
    hosts = CoverageRow(HOST_GROUP_LABELS.get(unit.kind.code, "直属单位"), None)
    for child in children:
        found = tallies.get(child.branch_key, {})
        if child.kind.is_area:
            rows.append(CoverageRow(child.name, child, found))
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


def _tallies_by_branch(unit: OrgUnit, on: datetime.date, kinds: list[UnitKind]):
    """Tallies by branch and kind, and the organisations established by kind and form."""
    units = OrgUnit.objects.subtree(unit).open_on(on)
    eligible_cases = [
        When(eligibility=OrgUnit.Eligibility.INCLUDED, then=1),
        When(eligibility=OrgUnit.Eligibility.EXCLUDED, then=0),
    ]
    for rule in EligibilityRule.objects.all():
        alias = f"figure_for_kind_{rule.kind_id}"
        latest = (
            DataValue.objects.filter(unit=OuterRef("pk"), element_id=rule.element_id, period__lte=Period.containing(on))
            .order_by("-period")
            .values(rule.part)[:1]
        )
        units = units.alias(**{alias: Subquery(latest)})
        # Nested, so the figure is looked up only for units of the rule's kind.
        meets = Case(When(**{f"{alias}__gte": rule.minimum}, then=1), default=0)
        eligible_cases.append(When(kind_id=rule.kind_id, then=meets))
    eligible_cases.append(When(kind_id__in=[k.pk for k in kinds if k.eligible_by_default], then=1))
    is_eligible = Case(*eligible_cases, default=0, output_field=IntegerField())
    is_established = Case(
        When(OrgUnit.org_exists_q(on), then=1),
        default=0,
        output_field=IntegerField(),
    )
    rows = (
        units.alias(is_eligible=is_eligible, is_established=is_established)
        .annotate(branch=OrgUnit.branch_of(unit))
        .values("branch", "kind_id", "org_form")
        .annotate(eligible=Sum("is_eligible"), established=Sum(F("is_eligible") * F("is_established")))
        .order_by()
    )
    default_form = {kind.pk: kind.org_form for kind in kinds}
    found: dict[str, dict[int, Tally]] = defaultdict(dict)
    forms: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        if row["eligible"]:
            branch, kind_id = found[row["branch"]], row["kind_id"]
            branch[kind_id] = branch.get(kind_id, Tally()) + Tally(row["eligible"], row["established"])
            forms[kind_id][row["org_form"] or default_form[kind_id]] += row["established"]
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
        before = next((r for r in self.previous.rows if r.key == row.key), CoverageRow(row.label, row.unit))
        return Change(row.total, before.total)


def current_of(result: Coverage | CoverageComparison) -> Coverage:
    """The coverage at the chosen date, whether or not it comes with last year's."""
    return result.current if isinstance(result, CoverageComparison) else result


def coverage_with_previous_year(unit: OrgUnit, on: datetime.date) -> CoverageComparison:
    return CoverageComparison(current=coverage(unit, on), previous=coverage(unit, one_year_earlier(on)))
