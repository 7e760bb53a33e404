"""三、妇女参政: women among cadres, deputies, party members and village committees, in the order and the
words of the seed reports.

"现有党政机关女干部458人，占总数的19.7%。其中女科级干部139人，占总数的6%。"
"""

from reports.charts import Chart
from reports.figures import IndicatorFigures, SurveyFigures
from reports.sections.common import DocSection, join, unit_area
from stats.formatting import APPROXIMATE_MARK, format_rate
from stats.tables import Cell, Table

# How the reports name the women of a figure ({area}: 县, 市…), keyed by the numerator's element.
FEMALE_NOUNS = {
    "cadres": "党政机关女干部",
    "section_cadres": "女科级干部",
    "township_leaders": "乡镇党政女正职",
    "party_delegates": "{area}党代会女代表",
    "npc_deputies": "{area}人大女代表",
    "cppcc_members": "{area}政协女委员",
    "party_members": "女党员",
}
MEASURE_WORDS = {"party_members": "名"}
# Figures written as one chain: "现有…。其中…。"
CHAIN = ("cadres", "section_cadres", "township_leaders")
# Figures written together: "…27人，…25人，分别占总数的10%、11%。"
TOGETHER = (("party_delegates", "npc_deputies", "cppcc_members"), ("party_members",))
# Village committees: "村党组织委员1971人，其中女委员317人（占16.1%），女支部书记28人"
COMMITTEES = {
    "village_party_committee": ("branch_secretaries", "女支部书记"),
    "village_committee": ("village_heads", "女村主任"),
}
# Quoted in 基本情况 instead.
ELSEWHERE = ("population",)
KNOWN = set(CHAIN) | {code for group in TOGETHER for code in group} | set(COMMITTEES) | set(ELSEWHERE)


def female_shares(figures: SurveyFigures) -> dict[str, IndicatorFigures]:
    """Female-share indicators with a value this year, keyed by their numerator's element code."""
    found = {}
    for indicator in figures.indicators:
        if indicator.female_share and indicator.value is not None:
            code = indicator.numerator.strip().removesuffix(".female")
            if figures.value(code)[1] is not None:
                found.setdefault(code, indicator)
    return found


def _share(indicator: IndicatorFigures) -> str:
    """The indicator's value to its own decimals: 26.82% where the indicator keeps two."""
    return format_rate(indicator.value, indicator.decimals)


def _more(figures: SurveyFigures, code: str) -> str:
    """余 after both of the figure's numbers where it was given as approximate (约数)."""
    return APPROXIMATE_MARK if figures.is_approximate(code) else ""


def _female_phrase(figures: SurveyFigures, code: str) -> str:
    element = figures.element(code)
    noun = FEMALE_NOUNS.get(code, f"{element.name}中女性").format(area=unit_area(figures))
    return f"{noun}{figures.value(code)[1]}{_more(figures, code)}{MEASURE_WORDS.get(code, element.measure)}"


def _together(figures: SurveyFigures, shares: dict) -> list[str]:
    sentences = []
    for group in TOGETHER:
        present = [code for code in group if code in shares]
        if len(present) == 1:
            sentences.append(f"{_female_phrase(figures, present[0])}，占总数的{_share(shares[present[0]])}。")
        elif present:
            phrases = "，".join(_female_phrase(figures, code) for code in present)
            rates = "、".join(_share(shares[code]) for code in present)
            sentences.append(f"{phrases}，分别占总数的{rates}。")
    return sentences


def _committees(figures: SurveyFigures, shares: dict) -> list[str]:
    committees = []
    for code, (companion, noun) in COMMITTEES.items():
        if code in shares:
            total, female = figures.value(code)
            more = _more(figures, code)
            text = (
                f"{figures.element(code).name}{total}{more}人，其中女委员{female}{more}人（占{_share(shares[code])}）"
            )
            companion_female = figures.value(companion)[1]
            committees.append(text + (f"，{noun}{companion_female}人" if companion_female is not None else ""))
    return [join(committees)] if committees else []


def _others(figures: SurveyFigures, shares: dict) -> list[str]:
    sentences = []
    for code, indicator in shares.items():
        if code not in KNOWN:
            denominator = indicator.denominator.strip().removesuffix(".total")
            of = "" if denominator == code else figures.element(denominator).name
            sentences.append(f"{_female_phrase(figures, code)}，占{of}总数的{_share(indicator)}。")
    return sentences


def politics_sentences(figures: SurveyFigures) -> list[str]:
    shares = female_shares(figures)
    chain = [code for code in CHAIN if code in shares]
    sentences = [
        f"{'现有' if index == 0 else '其中'}{_female_phrase(figures, code)}，占总数的{_share(shares[code])}。"
        for index, code in enumerate(chain)
    ]
    return sentences + _together(figures, shares) + _committees(figures, shares) + _others(figures, shares)


def section(figures: SurveyFigures) -> DocSection:
    made = DocSection("politics", "妇女参政")
    shares = female_shares(figures)
    if shares:
        made.say("shares", "".join(politics_sentences(figures)))
    if not made.paragraphs:
        return made
    rows, labels, values = [], [], []
    for code, indicator in shares.items():
        if code not in ELSEWHERE:
            total, female = figures.value(code)
            more = _more(figures, code)
            rows.append([Cell(figures.element(code).name), Cell(f"{total}{more}"), Cell(f"{female}{more}")])
            rows[-1].append(Cell(_share(indicator)))
            labels.append(indicator.name)
            values.append(float(indicator.value))
    made.tables.append(("妇女参政情况", Table(["项目", "总数", "其中女性", "女性占比"], rows)))
    if len(values) > 1:
        made.charts.append(Chart("女性占比", labels, values))
    return made
