"""活动开展: the activities of the year (or of the report's span, such as 1–9月) by type, with 上年同期,
and the honours by level; left out when there are none. Written as the seed reports write them:
"全年举办各类培训120场次，比上年同期增长12.5%，培训妇女8500人次。", "5200余场次", "1.2万元"."""

from itertools import groupby

from activities.measures import format_change_rate
from reports.activity_figures import ActivityLineFigures
from reports.figures import SurveyFigures
from reports.sections.common import DocSection
from stats.formatting import format_measure
from stats.tables import Cell, Table

LEDGER = "据活动台账，"


def _figure(line: ActivityLineFigures) -> str:
    text = f"{line.phrase}{format_measure(line.value, line.unit, approximate=line.approximate)}"
    change = format_change_rate(line.value, line.previous)
    return f"{text}，{change}" if change else text


def activities_text(figures: SurveyFigures) -> str:
    sentences = [
        "，".join(_figure(line) for line in lines) + "。"
        for _type, lines in groupby(figures.activities.lines, key=lambda line: line.type_name)
    ]
    # 据活动台账: these are the records entered one by one, beside 工作开展's figures reported as totals
    # (共举办各级各类培训班5200场次): two sources, and the reader must be told which is which.
    return f"{LEDGER}{figures.period.span_label}{''.join(sentences)}" if sentences else ""


def honours_text(figures: SurveyFigures) -> str:
    honours = figures.activities.honours
    if not honours:
        return ""
    parts = []
    for level, found in groupby(honours, key=lambda honour: honour.level):
        found = list(found)
        titles = "、".join(f"“{honour.title}”{honour.count}个" for honour in found)
        parts.append(f"{level}{sum(honour.count for honour in found)}项（{titles}）")
    total = sum(honour.count for honour in honours)
    return f"{figures.period.span_label}共获得各级表彰{total}项，其中" + "，".join(parts) + "。"


def activities_table(figures: SurveyFigures) -> Table:
    rows = [
        [
            Cell(line.type_name),
            Cell(line.phrase),
            Cell(format_measure(line.value, line.unit, approximate=line.approximate)),
            Cell(format_measure(line.previous, line.unit, approximate=line.previous_approximate)),
            Cell(format_change_rate(line.value, line.previous).replace("比上年同期", "") or "—"),
        ]
        for line in figures.activities.lines
    ]
    return Table(["活动类型", "项目", figures.current_words, "上年同期", "变化"], rows)


def section(figures: SurveyFigures) -> DocSection:
    made = DocSection("activity_records", "活动开展")
    made.say("activities", activities_text(figures))
    made.say("honours", honours_text(figures))
    if figures.activities.lines:
        made.tables.append(("活动开展情况", activities_table(figures)))
    return made
