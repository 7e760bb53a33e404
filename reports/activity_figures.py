"""The figures of 活动开展 (activities.totals) as the report keeps them: typed, and read back from a
snapshot. Reports frozen before they existed read them as empty, and the section is left out."""

from dataclasses import dataclass
from decimal import Decimal

from activities.totals import activity_totals, honour_counts
from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from stats.periods import Period


@dataclass(frozen=True)
class ActivityLineFigures:
    type_name: str
    phrase: str  # 举办各类培训
    unit: str  # 场次
    value: Decimal
    previous: Decimal | None
    approximate: bool = False  # this span's figure holds one given as approximate: 5200余场次
    previous_approximate: bool = False  # and 上年同期's: 30余场次 (snapshots without it read as exact)


@dataclass(frozen=True)
class HonourFigures:
    level: str  # 国家级
    title: str
    count: int


@dataclass(frozen=True)
class ActivityFigures:
    lines: tuple[ActivityLineFigures, ...] = ()
    honours: tuple[HonourFigures, ...] = ()


def activity_figures(unit: OrgUnit, period: Period, *, trees: tuple[TreeOn, TreeOn] | None = None) -> ActivityFigures:
    """trees: the tree at the period's end and a year earlier, shared with the report's other figures."""
    totals = activity_totals(unit, period.start, period.end, trees=trees, by_area=False)
    lines = []
    for line in totals.lines():
        now, before = totals.counts(line.type), totals.previous_counts(line.type)
        value = now.get(line.name)
        if value:
            previous = before.get(line.name) or None
            figures = ActivityLineFigures(
                line.type.name,
                line.phrase,
                line.unit,
                Decimal(value),
                previous and Decimal(previous),
                bool(now.approximate),
                bool(previous and before.approximate),
            )
            lines.append(figures)
    honours = [
        HonourFigures(h.level_label, h.title, h.count)
        for h in honour_counts(unit, period.start, period.end, tree=trees and trees[0])
    ]
    return ActivityFigures(tuple(lines), tuple(honours))


def activity_figures_from(data: dict | None) -> ActivityFigures:
    if not data:
        return ActivityFigures()
    lines = tuple(
        ActivityLineFigures(**{**line, "value": Decimal(line["value"]), "previous": _decimal(line["previous"])})
        for line in data["lines"]
    )
    return ActivityFigures(lines, tuple(HonourFigures(**honour) for honour in data["honours"]))


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
