"""Indicators for a unit's subtree and a period, with the change on the year before."""

from dataclasses import dataclass
from decimal import Decimal

from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from stats.coverage import Coverage, coverage
from stats.expressions import Expression, Values
from stats.formatting import format_change, format_rate, printed_difference
from stats.models import DataElement, Indicator
from stats.periods import Period
from stats.services import SummedValues, subtree_values


@dataclass
class IndicatorValue:
    indicator: Indicator
    value: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """The difference of the two values as printed, as the report takes it: 48.7% → 48.8% is 0.1
        个百分点 whatever the digits behind them."""
        if self.value is None or self.previous is None:
            return None
        return printed_difference(self.value, self.previous, self.indicator.decimals)

    def _show(self, value: Decimal | None) -> str:
        return format_rate(value, self.indicator.decimals, self.indicator.suffix)

    @property
    def shown(self) -> str:
        return self._show(self.value)

    @property
    def shown_previous(self) -> str:
        return self._show(self.previous)

    @property
    def shown_change(self) -> str:
        unit = "个百分点" if self.indicator.suffix == "%" else self.indicator.suffix
        return format_change(self.change, self.indicator.decimals, unit)


def indicator_value(
    indicator: Indicator, values: Values, cover: Coverage | None, known: dict[str, bool]
) -> Decimal | None:
    if indicator.coverage_kind_id:
        return cover.summary.tally(indicator.coverage_kind).rate
    numerator = Expression.parse(indicator.numerator, known).evaluate(values)
    if numerator is None:
        return None
    if not indicator.denominator.strip():
        return numerator * indicator.factor
    denominator = Expression.parse(indicator.denominator, known).evaluate(values)
    if not denominator:
        return None
    return numerator / denominator * indicator.factor


@dataclass(frozen=True)
class PeriodSums:
    """The subtree's sums for a period and the same span a year earlier, each over the tree as it stood
    at its end (`now`, `before`): what the indicators and the element comparisons share."""

    now: TreeOn
    before: TreeOn
    values_now: SummedValues
    values_before: SummedValues


def period_sums(unit: OrgUnit, period: Period) -> PeriodSums:
    previous = period.previous()
    now, before = TreeOn.of(period.end), TreeOn.of(previous.end)
    return PeriodSums(now, before, subtree_values(unit, period, tree=now), subtree_values(unit, previous, tree=before))


def indicator_values(unit: OrgUnit, period: Period, indicators=None, *, sums=None) -> list[IndicatorValue]:
    """Every indicator at the end of the period and of the period before. A constant number of queries."""
    indicators = list(indicators if indicators is not None else Indicator.objects.select_related("coverage_kind"))
    known = dict(DataElement.objects.values_list("code", "has_female"))
    previous = period.previous()
    sums = sums or period_sums(unit, period)
    now, before, values_now, values_before = sums.now, sums.before, sums.values_now, sums.values_before
    needs_coverage = any(i.coverage_kind_id for i in indicators)
    cover_now = coverage(unit, period.end, tree=now) if needs_coverage else None
    cover_before = coverage(unit, previous.end, tree=before) if needs_coverage else None
    return [
        IndicatorValue(
            indicator,
            indicator_value(indicator, values_now, cover_now, known),
            indicator_value(indicator, values_before, cover_before, known),
        )
        for indicator in indicators
    ]
