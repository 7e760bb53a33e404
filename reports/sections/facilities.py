"""阵地建设: the facilities (妇女之家, 儿童之家, 巾帼书屋 …) and their coverage; left out without any."""

from reports.figures import SurveyFigures
from reports.sections.common import DocSection, whole
from stats.coverage import Tally
from stats.formatting import MISSING, format_rate
from stats.tables import Cell, Table

TOTAL_LABEL = "合计"


def _rate_clause(tally: Tally) -> str:
    verb = "达" if tally.established == tally.eligible else "为"
    return f"覆盖率{verb}{format_rate(tally.rate)}"


def coverage_sentence(figures: SurveyFigures) -> str:
    """全县已建成妇女之家6个，覆盖率为75%；儿童之家3个，覆盖率为37.5%；巾帼书屋尚未建成。"""
    cover = figures.facilities
    parts = []
    for kind in cover.kinds:
        tally = cover.total.get(kind.code, Tally())
        if tally.established:
            parts.append(f"{kind.name}{tally.established}个，{_rate_clause(tally)}")
        else:
            parts.append(f"{kind.name}尚未建成")
    if not parts:
        return ""
    return f"{whole(figures)}已建成" + "；".join(parts) + "。"


def _cell(tally: Tally) -> Cell:
    if not tally.eligible:
        return Cell(MISSING)
    return Cell(f"{tally.established}/{tally.eligible}（{format_rate(tally.rate)}）", tally.rate)


def coverage_table(figures: SurveyFigures) -> Table:
    cover = figures.facilities
    rows = [[Cell(line.label), *(_cell(line.tally(kind.code)) for kind in cover.kinds)] for line in cover.rows]
    rows.append([Cell(TOTAL_LABEL), *(_cell(cover.total.get(kind.code, Tally())) for kind in cover.kinds)])
    return Table(["单位", *(kind.name for kind in cover.kinds)], rows)


def section(figures: SurveyFigures) -> DocSection:
    made = DocSection("facilities", "阵地建设")
    if not any(tally.established for tally in figures.facilities.total.values()):
        return made
    made.say("coverage", coverage_sentence(figures))
    made.tables.append(("阵地覆盖情况（已建/应建）", coverage_table(figures)))
    return made
