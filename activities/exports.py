"""The 活动统计 table as rows: the totals per type with 上年同期, then each area's figures.

A figure holding one given as approximate goes out as the statistics export writes it (stats.services
.figure_text): a text cell "5200余", the others as numbers."""

from decimal import Decimal

from activities.totals import ActivityTotals, Counts
from stats.formatting import format_count

HEADERS = ["区域", "活动类型", "项目", "计量单位", "本期", "上年同期", "比上年同期"]


def figure_cell(counts: Counts, name: str) -> int | Decimal | str:
    """The count as a number, or "5200余" (12000余 for 金额) when it holds an approximate figure."""
    value = counts.get(name)
    return format_count(value, approximate=True) if value and counts.approximate else value


def totals_rows(totals: ActivityTotals) -> list[list]:
    rows = []
    for line in totals.lines():
        now, before = totals.counts(line.type), totals.previous_counts(line.type)
        rows.append(
            [
                "合计",
                line.type.name,
                line.phrase,
                line.unit,
                figure_cell(now, line.name),
                figure_cell(before, line.name),
                totals.change(line),
            ]
        )
    for row in totals.rows:
        for line in totals.lines():
            counts = row.counts(line.type)
            if counts.get(line.name):
                rows.append(
                    [row.label, line.type.name, line.phrase, line.unit, figure_cell(counts, line.name), None, ""]
                )
    return rows


def title_of(totals: ActivityTotals) -> str:
    return f"{totals.unit.name}活动统计（{totals.start.isoformat()}至{totals.end.isoformat()}）"
