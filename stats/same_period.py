"""Figures against the same span of the year before (上年同期), the way reports write them.

Report 4: "1–9月……不稳定因素5起，矛盾纠纷756起，分别比上年同期上升150%、20%" (from 2 and 628). The
change is printed with the figure's own decimals: the counts are whole numbers, so 756/628 = +20.4%
reads 20%.
"""

from dataclasses import dataclass
from decimal import Decimal

from orgunits.models import OrgUnit
from stats.formatting import MISSING, format_change_percent, format_measure
from stats.indicators import period_sums
from stats.models import DataElement
from stats.periods import Period

FIGURE_DECIMALS = 0  # figures are whole numbers (DataValue.total)
RISE, FALL, SAME = "上升", "下降", "持平"


@dataclass(frozen=True)
class ElementChange:
    element: DataElement
    now: int | None
    before: int | None
    approximate: bool = False  # this span's sum holds a figure given as approximate: 5200余场次
    approximate_before: bool = False

    @property
    def percent(self) -> Decimal | None:
        if self.now is None or not self.before:
            return None
        return (Decimal(self.now) - self.before) * 100 / self.before

    @property
    def shown_now(self) -> str:
        """The figure as the report writes it: 756起, 89.8万人, 8万余人次."""
        return format_measure(self.now, self.element.measure, approximate=self.approximate)

    @property
    def shown_before(self) -> str:
        return format_measure(self.before, self.element.measure, approximate=self.approximate_before)

    @property
    def direction(self) -> str:
        return SAME if self.percent == 0 else RISE if self.percent > 0 else FALL

    @property
    def shown_percent(self) -> str:
        """The size of the change, no sign (the direction says it): 150%, 20%, 0.4%."""
        return MISSING if self.percent is None else format_change_percent(self.percent, FIGURE_DECIMALS)

    @property
    def shown_change(self) -> str:
        return (
            MISSING
            if self.percent is None
            else f"{self.direction}{'' if self.direction == SAME else self.shown_percent}"
        )


def element_changes(unit: OrgUnit, period: Period, *, sums=None) -> list[ElementChange]:
    """Each element with a figure in either span, summed over the subtree as it stood at each span's end
    (`sums`: stats.indicators.period_sums, when the caller has them)."""
    sums = sums or period_sums(unit, period)
    now, before = sums.values_now, sums.values_before
    elements = DataElement.objects.filter(code__in=set(now) | set(before))
    return [
        ElementChange(
            element,
            now.get(element.code, (None,))[0],
            before.get(element.code, (None,))[0],
            approximate=element.code in now.approximate,
            approximate_before=element.code in before.approximate,
        )
        for element in elements
    ]


def compared_sentence(period: Period, changes: list[ElementChange]) -> str:
    """ "1–9月，不稳定因素5起，矛盾纠纷756起，分别比上年同期上升150%、20%。" One direction for all: one
    clause; mixed directions: one clause each."""
    shown = [change for change in changes if change.now is not None and change.percent is not None]
    if not shown:
        return ""
    figures = "，".join(_named_figure(c) for c in shown)
    directions = {change.direction for change in shown}
    if len(directions) == 1 and SAME not in directions and len(shown) > 1:
        tail = f"分别比上年同期{shown[0].direction}{'、'.join(c.shown_percent for c in shown)}"
        return f"{period.span_label}，{figures}，{tail}。"
    clauses = [f"{_named_figure(c)}，{_compared(c)}" for c in shown]
    return f"{period.span_label}，{'；'.join(clauses)}。"


def _named_figure(change: ElementChange) -> str:
    """受训8万余人次, not 受训人次8万余人次: a name that ends in its measure word leaves it to the figure."""
    name, measure = change.element.name, change.element.measure
    if measure and name.endswith(measure) and len(name) > len(measure):
        name = name[: -len(measure)]
    return f"{name}{change.shown_now}"


def _compared(change: ElementChange) -> str:
    return f"与上年同期{SAME}" if change.direction == SAME else f"比上年同期{change.shown_change}"
