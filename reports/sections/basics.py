"""一、基本情况: coverage of the unit's whole area, 本级 included, kind by kind; the organisations by form;
the areas below the unit's rate; the population.

The text states the same totals as the table below it and the 组建率 page: the unit's own organisation
(本级) is one of the organisations counted. In the register of the seed reports:
"全县898个行政村和28个居委会的妇代会组建率达到100%"; "共建有乡镇、街道妇女联合会13个，村社妇代会310个".
"""

from reports.charts import Chart
from reports.figures import CoverageFigures, SurveyFigures
from reports.sections.common import DocSection, unit_area, whole
from stats.coverage import Tally
from stats.formatting import count_text, format_rate, percent
from stats.tables import Cell, CoverageLine, CoverageTable, Table, table_of

KIND_WORDS = {
    "township": "乡镇",
    "street": "街道",
    "devzone": "开发区",
    "village": "行政村",
    "community": "社区",
    "enterprise": "非公企业",
}
DIRECT_HOST_WORDS = {"agency": "机关单位", "institution": "事业单位"}
OWN_WORD = "本级"
CAPTION = "妇女组织组建情况（按下级单位）"
CHART_TITLE = "各下级单位妇女组织组建率"


def kind_word(code: str, name: str, area: str, direct: bool) -> str:
    """乡镇, 行政村, 县直机关单位 (when every agency counted hangs directly under the county)."""
    if code in DIRECT_HOST_WORDS:
        base = DIRECT_HOST_WORDS[code]
        return f"{area}直{base}" if direct and area in ("省", "市", "州", "县", "区", "旗") else base
    return KIND_WORDS.get(code, name)


def listed_coverage(figures: SurveyFigures) -> list[tuple[str, str, Tally]]:
    """(kind code, word, tally) for each kind below the unit itself; 本级 is counted on its own."""
    hosts = figures.coverage.line("hosts")
    listed = []
    for kind, tally in figures.coverage.below_own_level():
        direct = hosts is not None and hosts.tally(kind.code).eligible == tally.eligible
        listed.append((kind.code, kind_word(kind.code, kind.name, unit_area(figures), direct), tally))
    return listed


def _own(figures: SurveyFigures) -> Tally:
    own = figures.coverage.line("own")
    return own.total if own else Tally()


def _kind_clauses(listed) -> list[str]:
    """Kinds all established together ("行政村30个、社区3个均已建立妇女组织"), then each other kind's rate."""
    complete = [f"{word}{t.eligible}个" for _code, word, t in listed if t.established == t.eligible]
    clauses = [f"{'、'.join(complete)}均已建立妇女组织，组建率达100%"] if complete else []
    for _code, word, t in listed:
        if t.established < t.eligible:
            clauses.append(f"{word}{t.eligible}个，已建{t.established}个，{word}组建率为{format_rate(t.rate)}")
    return clauses


def coverage_sentences(figures: SurveyFigures) -> list[str]:
    listed, own = listed_coverage(figures), _own(figures)
    total = sum((t for _code, _word, t in listed), own)
    if not total.eligible:
        return []
    if total.established == total.eligible:
        items = "、".join(f"{word}{t.eligible}个" for _code, word, t in listed)
        with_own = f"，连同{OWN_WORD}共{total.eligible}个单位" if own.eligible and listed else ""
        sentences = [
            f"{whole(figures)}{'共有' + items if items else OWN_WORD}{with_own}，均已建立妇女组织，组建率达100%。"
        ]
    else:
        sentences = [_gap_sentence(figures, listed, own, total)]
        if listed:
            sentences.append(f"其中，{'；'.join(_kind_clauses(listed))}。")
    sentences += _form_sentences(figures, listed)
    sentences += _conversion_sentences(figures, listed)
    sentences += _below_sentences(figures, total)
    return sentences


def _gap_sentence(figures: SurveyFigures, listed, own: Tally, total: Tally) -> str:
    """全县应建立妇女组织的单位47个（含本级），已建立40个，组建率为85.1%，尚有7个未建立（行政村2个、社区5个）。"""
    with_own = f"（含{OWN_WORD}）" if own.eligible else ""
    missing = [(OWN_WORD, own)] if own.established < own.eligible else []
    missing += [(word, t) for _code, word, t in listed if t.established < t.eligible]
    gaps = "、".join(f"{word}{t.eligible - t.established}个" for word, t in missing)
    return (
        f"{whole(figures)}应建立妇女组织的单位{total.eligible}个{with_own}，已建立{total.established}个，"
        f"组建率为{format_rate(total.rate)}，尚有{total.eligible - total.established}个未建立（{gaps}）。"
    )


def _form_sentences(figures: SurveyFigures, listed) -> list[str]:
    """共建有乡镇妇联15个、行政村妇代会3个……: the organisations established, by the form each has."""
    words = {code: word for code, word, _t in listed}
    # The unit's own organisation is named by its area: 县妇联, 镇妇联; an agency's by its name.
    own_word = unit_area(figures) or figures.unit.name
    parts = []
    for code, counts in figures.coverage.forms:
        for form, n in counts:
            word = own_word if code == figures.unit.kind and code not in words else words.get(code, "")
            parts.append(f"{word}{form}{n}个")
    return [f"共建有{'、'.join(parts)}。"] if parts else []


def _conversion_sentences(figures: SurveyFigures, listed) -> list[str]:
    """700个村完成了妇代会改建妇联工作，完成率100%；156个社区完成了……，完成率87.2%。(Wuhu)"""
    words = {kind.code: kind.name for kind in figures.coverage.kinds} | {code: word for code, word, _t in listed}
    clauses = [
        f"{converted}个{words.get(code, code)}完成了妇代会改建妇联工作，完成率{format_rate(percent(converted, due))}"
        for code, due, converted in figures.coverage.conversions
        if due
    ]
    return [f"{'；'.join(clauses)}。"] if clauses else []


def _below_sentences(figures: SurveyFigures, total: Tally) -> list[str]:
    below = figures.coverage.lines_below(total.rate)
    if not below:
        return []
    names = "、".join(f"{label}（{format_rate(row_rate)}）" for label, row_rate in below)
    return [f"组建率低于{whole(figures)}水平（{format_rate(total.rate)}）的有{names}。"]


def population_sentence(figures: SurveyFigures) -> str:
    total, female = figures.value("population")
    if not total:
        return ""
    about = figures.is_approximate("population")
    total_text = count_text(total, "人", approximate=about)
    total_text += "" if total_text.endswith("万") else "人"
    sentence = f"{whole(figures)}总人口{total_text}"
    if female is not None:
        sentence += f"，其中女性人口{count_text(female, '人', approximate=about)}人"
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
    made.say("coverage", "".join(coverage))
    made.say("population", population_sentence(figures))
    if coverage:
        made.tables.append((CAPTION, coverage_rows(table_from_figures(figures.coverage))))
        # An area with nothing eligible has no rate: it is not drawn as 0%.
        lines = [line for line in figures.coverage.rows if line.role != "own" and line.total.rate is not None]
        if len(lines) > 1:
            values = [float(line.total.rate or 0) for line in lines]
            made.charts.append(Chart(CHART_TITLE, [line.label for line in lines], values))
    return made
