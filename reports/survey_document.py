"""A survey report laid out once, for the page, the .html file and the .docx alike: numbered
sections of paragraphs, tables and charts, then the people-written sections."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from reports import narrative
from reports.charts import Chart
from rosters.models import AppointmentMode, Sex
from stats.formatting import format_count, format_rate, percent
from stats.tables import Cell, Table

NUMERALS = "一二三四五六七八九十"
# "1." "1、" "（1）" "(一)" "一是" "二、": a line that starts a numbered point.
POINT_START = re.compile(
    r"^\s*(\d+\s*[.、．)）]|[（(]\s*[\d一二三四五六七八九十]+\s*[）)]|[一二三四五六七八九十]+[是、])"
)


@dataclass
class Block:
    kind: str  # "paragraph" or "point"
    text: str


@dataclass
class DocSection:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # people-written text
    heading: str = ""


@dataclass
class SurveyDocument:
    title: str
    unit_name: str
    year: int
    dated: datetime.date
    sections: list[DocSection]

    @property
    def date_line(self) -> str:
        d = self.dated
        return f"{self.unit_name}妇联　{d.year}年{d.month}月{d.day}日"

    def section(self, key: str) -> DocSection | None:
        return next((s for s in self.sections if s.key == key), None)


def parse_written(text: str) -> list[Block]:
    """Blank lines separate paragraphs; a line starting with 1. / （1） / 一是 starts a numbered point.
    Other lines continue the paragraph or point above them. Plain text only: nothing is interpreted."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        current: Block | None = None
        for line in chunk.split("\n"):
            line = line.strip()
            if not line:
                continue
            if POINT_START.match(line):
                current = Block("point", line)
                blocks.append(current)
            elif current is None:
                current = Block("paragraph", line)
                blocks.append(current)
            else:
                current.text += line
    return blocks


def build_document(*, title: str, figures: dict, problems: str, measures: str, dated: datetime.date) -> SurveyDocument:
    sections = [
        section
        for section in (
            _basics(figures),
            _officers(figures),
            _politics(figures),
            _activities(figures),
            _changes(figures),
        )
        if section.paragraphs
    ]
    for key, heading, text in (("problems", "问题与挑战", problems), ("measures", "思考与对策", measures)):
        blocks = parse_written(text or "")
        if blocks:
            sections.append(DocSection(key, heading, blocks=blocks))
    for index, section in enumerate(sections):
        section.heading = f"{NUMERALS[index]}、{section.title}"
    return SurveyDocument(title, figures["unit"]["name"], figures["year"], dated, sections)


# ---------------------------------------------------------------- sections


def _basics(figures: dict) -> DocSection:
    section = DocSection("basics", "基本情况")
    coverage = narrative.coverage_sentences(figures)
    population = narrative.population_sentence(figures)
    section.paragraphs = [p for p in ("".join(coverage), population) if p]
    if coverage:
        section.tables.append(("妇女组织组建情况（按下级单位）", coverage_table(figures)))
        rows = [r for r in figures["coverage"]["rows"] if r["role"] != "own"]
        if len(rows) > 1:
            labels, values = [], []
            for row in rows:
                eligible, established = narrative.row_total(row["by_kind"])
                labels.append(row["label"])
                values.append(float(percent(established, eligible) or 0))
            section.charts.append(Chart("各下级单位妇女组织组建率", labels, values))
    return section


def coverage_table(figures: dict) -> Table:
    cov = figures["coverage"]
    kinds = cov["kinds"]
    headers = ["单位", *(f"{k['name']}（已建/应建）" for k in kinds), "合计（已建/应建）", "组建率"]
    rows = []
    for row in [*cov["rows"], {"label": "合计", "by_kind": cov["total"], "unit_id": None}]:
        cells = [Cell(row["label"], unit_id=row.get("unit_id"))]
        for kind in kinds:
            eligible, established = row["by_kind"].get(kind["code"], [0, 0])
            cells.append(Cell(f"{established}/{eligible}" if eligible else "—"))
        eligible, established = narrative.row_total(row["by_kind"])
        cells += [Cell(f"{established}/{eligible}"), Cell(format_rate(percent(established, eligible)))]
        rows.append(cells)
    return Table(headers, rows)


def _officers(figures: dict) -> DocSection:
    section = DocSection("officers", "干部队伍")
    section.paragraphs = narrative.officer_paragraphs(figures)
    if not section.paragraphs:
        return section
    off = figures["officers"]
    whole = off["appointments"]
    rows = []
    for label, counts in (
        ("职务", narrative.counts(off, "by_post")),
        ("性别", {Sex(k).label: v for k, v in off["by_sex"]}),
        ("任职方式", {AppointmentMode(k).label: v for k, v in off["by_mode"]}),
        ("年龄", narrative.counts(off, "by_age_band")),
        ("文化程度", narrative.counts(off, "by_education")),
        ("政治面貌", narrative.counts(off, "by_political_status")),
    ):
        for index, (item, n) in enumerate(counts.items()):
            rows.append([Cell(label if index == 0 else ""), Cell(str(item)), Cell(str(n)), Cell(_rate(n, whole))])
    chairs = off["village_chairs"]
    if chairs:
        rows.append([Cell("村（社区）妇联主席"), Cell("进两委"), Cell(str(off["village_chairs_in_committees"]))])
        rows[-1].append(Cell(_rate(off["village_chairs_in_committees"], chairs)))
        rows.append([Cell(""), Cell("三位一体"), Cell(str(off["village_chairs_three_in_one"]))])
        rows[-1].append(Cell(_rate(off["village_chairs_three_in_one"], chairs)))
    section.tables.append(("妇女组织干部构成", Table(["类别", "项目", "人数", "占比"], rows)))
    ages = [(band, n) for band, n in off["by_age_band"] if n]
    if len(ages) > 1:
        section.charts.append(
            Chart("妇女组织干部年龄结构", [a for a, _ in ages], [float(n) for _, n in ages], "人", None)
        )
    return section


def _rate(part: int, whole: int) -> str:
    return format_rate(percent(part, whole))


def _politics(figures: dict) -> DocSection:
    section = DocSection("politics", "妇女参政")
    section.paragraphs = ["".join(narrative.politics_sentences(figures))] if narrative.female_shares(figures) else []
    section.paragraphs = [p for p in section.paragraphs if p]
    if not section.paragraphs:
        return section
    rows, labels, values = [], [], []
    for code, indicator in narrative.female_shares(figures).items():
        if code in narrative.ELSEWHERE:
            continue
        total, female = figures["values"][code]
        name = narrative.element_of(figures, code)["name"]
        rate = Decimal(indicator["value"])
        rows.append([Cell(name), Cell(str(total)), Cell(str(female)), Cell(format_rate(rate))])
        labels.append(indicator["name"])
        values.append(float(rate))
    section.tables.append(("妇女参政情况", Table(["项目", "总数", "其中女性", "女性占比"], rows)))
    if len(values) > 1:
        section.charts.append(Chart("女性占比", labels, values))
    return section


ACTIVITY_CODES = ("training_sessions", "trainees", "complaints_received", "complaints_resolved")


def _activities(figures: dict) -> DocSection:
    section = DocSection("activities", "工作开展")
    sentences = narrative.activity_sentences(figures)
    section.paragraphs = ["".join(sentences)] if sentences else []
    if not sentences:
        return section
    rows = []
    for code in ACTIVITY_CODES:
        value = figures["values"].get(code)
        if value:
            element = narrative.element_of(figures, code)
            female = "—" if value[1] is None else format_count(value[1])
            rows.append([Cell(element["name"]), Cell(f"{value[0]}{element['measure']}"), Cell(female)])
    received = figures["values"].get("complaints_received", [None])[0]
    resolved = figures["values"].get("complaints_resolved", [None])[0]
    if received and resolved is not None:
        rows.append([Cell("办结率"), Cell(_rate(resolved, received)), Cell("—")])
    section.tables.append(("工作开展情况", Table(["项目", "数量", "其中女性"], rows)))
    return section


def _changes(figures: dict) -> DocSection:
    section = DocSection("changes", "同比变化")
    section.paragraphs = narrative.change_sentences(figures)
    items = narrative.change_items(figures)
    if items:
        rows = [
            [
                Cell(i["label"]),
                Cell(f"{i['now_text']}{i['measure']}"),
                Cell(f"{i['before_text']}{i['measure']}"),
                Cell(_signed(i["now"] - i["before"])),
                Cell(format_rate(Decimal(i["now"] - i["before"]) * 100 / i["before"]) if i["before"] else "—"),
            ]
            for i in items
        ]
        section.tables.append(
            (f"{figures['year']}年与上年对比", Table(["项目", "本年", "上年", "增减", "增减幅度"], rows))
        )
    return section


def _signed(diff: int) -> str:
    return f"+{diff}" if diff > 0 else ("0" if diff == 0 else f"−{-diff}")
