"""一、基本情况: coverage below the unit, its gaps and the areas below its rate; the population.

"全县15个乡镇、651个行政村……都建立了妇联组织，组建率达100%。全县总人口81万，其中女性人口38.24万人。"
"""

from reports.charts import Chart
from reports.figures import CoverageFigures, SurveyFigures
from reports.sections.common import DocSection, unit_area, whole
from stats.coverage import Tally
from stats.formatting import format_count, format_rate
from stats.tables import Cell, CoverageLine, CoverageTable, Table, table_of

KIND_WORDS = {"township": "乡镇", "street": "街道", "village": "行政村", "community": "社区", "enterprise": "非公企业"}
DIRECT_HOST_WORDS = {"agency": "机关单位", "institution": "事业单位"}
CAPTION = "妇女组织组建情况（按下级单位）"
CHART_TITLE = "各下级单位妇女组织组建率"


def kind_word(code: str, name: str, area: str, direct: bool) -> str:
    """乡镇, 行政村, 县直机关单位 (when every agency counted hangs directly under the county)."""
    if code in DIRECT_HOST_WORDS:
        base = DIRECT_HOST_WORDS[code]
        return f"{area}直{base}" if direct and area in ("省", "市", "州", "县", "区", "旗") else base
    return KIND_WORDS.get(code, name)


def listed_coverage(figures: SurveyFigures) -> list[tuple[str, Tally]]:
    """(word, tally) for each kind below the unit itself (本级 left out)."""
    hosts = figures.coverage.line("hosts")
    listed = []
    for kind, tally in figures.coverage.below_own_level():
        direct = hosts is not None and hosts.tally(kind.code).eligible == tally.eligible
        listed.append((kind_word(kind.code, kind.name, unit_area(figures), direct), tally))
    return listed


def coverage_sentences(figures: SurveyFigures) -> list[str]:
    listed = listed_coverage(figures)
    sentences = []
    if listed:
        tally = sum((t for _word, t in listed), Tally())
        items = "、".join(f"{word}{t.eligible}个" for word, t in listed)
        if tally.established == tally.eligible:
            sentences.append(f"{whole(figures)}共有{items}，均已建立妇女组织，组建率达100%。")
        else:
            sentences += _gap_sentences(figures, listed, tally, items)
    own = figures.coverage.line("own")
    if own is not None and own.total.established < own.total.eligible:
        sentences.append(f"{figures.unit.name}本级尚未建立妇女组织。")
    return sentences


def _gap_sentences(figures: SurveyFigures, listed, tally: Tally, items: str) -> list[str]:
    missing = "、".join(f"{word}{t.eligible - t.established}个" for word, t in listed if t.established < t.eligible)
    rate, gap = format_rate(tally.rate), tally.eligible - tally.established
    sentences = [
        f"{whole(figures)}共有{items}，已建立妇女组织{tally.established}个，组建率为"
        f"{rate}，尚有{gap}个未建立妇女组织（{missing}）。"
    ]
    below = figures.coverage.lines_below(tally.rate)
    if below:
        names = "、".join(f"{label}（{format_rate(row_rate)}）" for label, row_rate in below)
        sentences.append(f"组建率低于{whole(figures)}水平（{rate}）的有{names}。")
    return sentences


def population_sentence(figures: SurveyFigures) -> str:
    total, female = figures.value("population")
    if not total:
        return ""
    total_text = format_count(total, wan=True)
    total_text += "" if total_text.endswith("万") else "人"
    sentence = f"{whole(figures)}总人口{total_text}"
    if female is not None:
        sentence += f"，其中女性人口{format_count(female, wan=True)}人"
    return sentence + "。"


def table_from_figures(coverage: CoverageFigures) -> CoverageTable:
    """The coverage table of stats.tables, from the figures rather than from the database."""
    rows = [
        CoverageLine(line.label, line.unit_id, tuple(line.tally(kind.code) for kind in coverage.kinds))
        for line in coverage.rows
    ]
    return table_of([kind.name for kind in coverage.kinds], rows)


def coverage_rows(table: CoverageTable) -> Table:
    """Each cell 已建/应建, the total, then the rate."""
    headers = ["单位", *(f"{name}（已建/应建）" for name in table.kinds), "合计（已建/应建）", "组建率"]
    rows = []
    for line in table.lines:
        cells = [Cell(line.label, unit_id=line.unit_id)]
        cells += [Cell(f"{t.established}/{t.eligible}" if t.eligible else "—") for t in line.by_kind]
        total = line.total
        rows.append([*cells, Cell(f"{total.established}/{total.eligible}"), Cell(format_rate(total.rate))])
    return Table(headers, rows)


def section(figures: SurveyFigures) -> DocSection:
    made = DocSection("basics", "基本情况")
    coverage = coverage_sentences(figures)
    made.paragraphs = [p for p in ("".join(coverage), population_sentence(figures)) if p]
    if coverage:
        made.tables.append((CAPTION, coverage_rows(table_from_figures(figures.coverage))))
        lines = [line for line in figures.coverage.rows if line.role != "own"]
        if len(lines) > 1:
            values = [float(line.total.rate or 0) for line in lines]
            made.charts.append(Chart(CHART_TITLE, [line.label for line in lines], values))
    return made
