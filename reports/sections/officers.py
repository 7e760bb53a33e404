"""二、干部队伍: the officers in post, by post, sex, mode, age, education and political status, the new
officers (新任), the chairs' profile, the village chairs in the committees (进两委) and 三位一体, and the
village 执委 against the norm (执委配备, left out where no village has 执委 seats or the figures predate it).

Age bands and education groups are whatever set the report counted by: their labels come with the
figures. Figures frozen before the groups existed have none, and read as they always did."""

from reports.charts import Chart
from reports.figures import Counts, OfficerFigures, SurveyFigures
from reports.sections.common import DocSection, whole
from rosters.models import AppointmentMode, Education, PoliticalStatus, Sex
from stats.formatting import count_text, format_share
from stats.tables import Cell, Table

UNKNOWN_AGE = {"未知": "出生日期不详的"}  # frozen in snapshots written before birth dates were required
EDUCATION_LABELS = [(e.value, e.label) for e in Education] + [("未填", "未填")]
POLITICAL_LABELS = [(p.value, p.label) for p in PoliticalStatus] + [("未填", "未填")]


def _counted(counts: dict, labels: list[tuple[str, str]], whole_count: int, unit: str, share: bool) -> str:
    parts = []
    for key, label in labels:
        n = counts.get(key, 0)
        if n:
            parts.append(f"{label}{n}{unit}" + (f"，占{format_share(n, whole_count)}" if share else ""))
    return "；".join(parts) if share else "、".join(parts)


def age_labels(counts: Counts) -> list[tuple[str, str]]:
    return [(band, UNKNOWN_AGE.get(band, f"{band}的")) for band, _n in counts]


def group_labels(counts: Counts) -> list[tuple[str, str]]:
    return [(group, "文化程度未填的" if group == "未填" else f"{group}文化程度的") for group, _n in counts]


def _new_clause(off: OfficerFigures, unit: str) -> str:
    new = off.new_officers
    return f"；新任的{new}{unit}，占{format_share(new, off.appointments)}" if new else ""


def _first_paragraph(figures: SurveyFigures, unit: str) -> str:
    off = figures.officers
    n = off.appointments
    first = f"{whole(figures)}各级妇女组织现有在任干部{off.people}人"
    first += f"，担任职务{n}个" if n != off.people else ""
    first += "。其中" + "、".join(f"{post}{count}{unit}" for post, count in off.by_post) + _new_clause(off, unit) + "。"
    female = dict(off.by_sex).get(Sex.FEMALE, 0)
    first += f"女性{female}{unit}，占{format_share(female, n)}。" if female else ""
    modes = _counted(dict(off.by_mode), [(m.value, m.label) for m in AppointmentMode], n, unit, share=False)
    return first + (f"专兼职情况：{modes}。" if modes else "")


def _education(off: OfficerFigures, unit: str) -> tuple[str, str]:
    """By group where the figures have groups ("大学以上文化程度的19人，占76%"), else by level."""
    n = off.appointments
    if off.by_education_group:
        return "", _counted(dict(off.by_education_group), group_labels(off.by_education_group), n, unit, True)
    return "文化程度", _counted(dict(off.by_education), EDUCATION_LABELS, n, unit, True)


def _structure_paragraph(off: OfficerFigures, unit: str) -> str:
    n = off.appointments
    structure = [
        ("年龄结构", _counted(dict(off.by_age_band), age_labels(off.by_age_band), n, unit, True)),
        _education(off, unit),
        ("政治面貌", _counted(dict(off.by_political_status), POLITICAL_LABELS, n, unit, True)),
    ]
    return "".join(f"{label}：{text}。" if label else f"{text}。" for label, text in structure if text)


def chairs_paragraph(off: OfficerFigures) -> str:
    """主席中，新任的20人，占80%；30岁以下的17人，占68%；大学以上文化程度的19人，占76%。"""
    chairs = off.chairs
    if not chairs:
        return ""
    parts = [f"新任的{off.new_chairs}人，占{format_share(off.new_chairs, chairs)}"] if off.new_chairs else []
    for counts, labels in (
        (off.chairs_by_age_band, age_labels(off.chairs_by_age_band)),
        (off.chairs_by_education_group, group_labels(off.chairs_by_education_group)),
    ):
        text = _counted(dict(counts), labels, chairs, "人", True)
        parts += [text] if text else []
    return f"担任主席（负责人）的{chairs}人。" + (f"主席中，{'；'.join(parts)}。" if parts else "")


def officer_paragraphs(figures: SurveyFigures) -> list[tuple[str, str]]:
    """(item, text): the overview, the structure, the chairs' profile and the village chairs."""
    off = figures.officers
    if not off.appointments:
        return []
    unit = "人" if off.appointments == off.people else "人次"
    paragraphs = [("overview", _first_paragraph(figures, unit)), ("structure", _structure_paragraph(off, unit))]
    paragraphs.append(("chairs", chairs_paragraph(off)))
    chairs = off.village_chairs
    if chairs:
        in_committees, three = off.village_chairs_in_committees, off.village_chairs_three_in_one
        paragraphs.append(
            (
                "village_chairs",
                f"村（社区）妇联主席{chairs}人，其中进村（居）“两委”的{in_committees}人，进两委率"
                f"{format_share(in_committees, chairs)}；同时担任计育专干和妇幼保健员的{three}人，“三位一体”率"
                f"{format_share(three, chairs)}。",
            )
        )
    paragraphs.append(("village_executives", executive_paragraph(figures)))
    return [(item, text) for item, text in paragraphs if text]


def executive_paragraph(figures: SurveyFigures) -> str:
    """全县村（社区）妇联执委N人，按每村15人配备标准应配M人，配备率X%, and the organisations at the norm;
    people in 万 from 10,000 on, as every count of people: 执委19.2万人."""
    off = figures.officers
    if not off.village_executive_norm:
        return ""
    held, norm = off.village_executives, off.village_executive_norm
    at_norm, organisations = off.village_executives_at_norm, off.village_executive_organisations
    return (
        f"{whole(figures)}村（社区）妇联执委{count_text(held, '人')}人，"
        f"按每村{off.village_executive_seats}人配备标准应配{count_text(norm, '人')}人，"
        f"配备率{format_share(held, norm)}；{organisations}个村（社区）妇联中达到配备标准的{at_norm}个，"
        f"占{format_share(at_norm, organisations)}。"
    )


def officer_table(off: OfficerFigures) -> Table:
    rows = []
    for label, counts in (
        ("职务", off.by_post),
        ("性别", [(Sex(k).label, v) for k, v in off.by_sex]),
        ("任职方式", [(AppointmentMode(k).label, v) for k, v in off.by_mode]),
        ("年龄", off.by_age_band),
        ("文化程度", off.by_education),
        ("文化程度分组", off.by_education_group),
        ("政治面貌", off.by_political_status),
        ("新任", [("新任", off.new_officers)] if off.new_officers else []),
    ):
        for index, (item, n) in enumerate(dict(counts).items()):
            rows.append([Cell(label if index == 0 else ""), Cell(str(item)), Cell(str(n))])
            rows[-1].append(Cell(format_share(n, off.appointments)))
    rows += _chair_rows(off)
    chairs = off.village_chairs
    if chairs:
        for label, item, n in (
            ("村（社区）妇联主席", "进两委", off.village_chairs_in_committees),
            ("", "三位一体", off.village_chairs_three_in_one),
        ):
            rows.append([Cell(label), Cell(item), Cell(str(n)), Cell(format_share(n, chairs))])
    if off.village_executive_norm:
        held, norm = off.village_executives, off.village_executive_norm
        rows.append(
            [Cell("村（社区）妇联执委"), Cell("在任（占应配）"), Cell(str(held)), Cell(format_share(held, norm))]
        )
        rows.append([Cell(""), Cell("按标准应配"), Cell(str(norm)), Cell("")])
    return Table(["类别", "项目", "人数", "占比"], rows)


def _chair_rows(off: OfficerFigures) -> list[list[Cell]]:
    """The chairs' profile, as shares of the chairs."""
    if not off.chairs:
        return []
    items = [("人数", off.chairs), ("新任", off.new_chairs), *off.chairs_by_age_band]
    items += [
        (f"{group}文化程度" if group != "未填" else "文化程度未填", n) for group, n in off.chairs_by_education_group
    ]
    items = [(item, n) for item, n in items if n]
    return [
        [Cell("主席（负责人）" if index == 0 else ""), Cell(item), Cell(str(n)), Cell(format_share(n, off.chairs))]
        for index, (item, n) in enumerate(items)
    ]


def section(figures: SurveyFigures) -> DocSection:
    made = DocSection("officers", "干部队伍")
    for item, text in officer_paragraphs(figures):
        made.say(item, text)
    if not made.paragraphs:
        return made
    made.tables.append(("妇女组织干部构成", officer_table(figures.officers)))
    ages = [(band, n) for band, n in figures.officers.by_age_band if n]
    if len(ages) > 1:
        made.charts.append(Chart("妇女组织干部年龄结构", [a for a, _ in ages], [float(n) for _, n in ages], "人", None))
    return made
