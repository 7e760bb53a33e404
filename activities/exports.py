"""The 活动统计 table as rows: the totals per type with 上年同期, then each area's figures."""

from activities.totals import ActivityTotals

HEADERS = ["区域", "活动类型", "项目", "计量单位", "本期", "上年同期", "比上年同期"]


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
                now.get(line.name),
                before.get(line.name),
                totals.change(line),
            ]
        )
    for row in totals.rows:
        for line in totals.lines():
            value = row.counts(line.type).get(line.name)
            if value:
                rows.append([row.label, line.type.name, line.phrase, line.unit, value, None, ""])
    return rows


def title_of(totals: ActivityTotals) -> str:
    return f"{totals.unit.name}活动统计（{totals.start.isoformat()}至{totals.end.isoformat()}）"
