"""五、同比变化: every count against the year before, then every rate in percentage points."""

from dataclasses import dataclass
from decimal import Decimal

from reports.figures import SurveyFigures
from reports.sections.common import DocSection, join
from stats.formatting import format_count, format_number, format_rate, format_share
from stats.tables import Cell, Table

WAN_CODES = ("population", "trainees")


def change_phrase(now: int, before: int, measure: str) -> str:
    """比上年增加3个（上升2.3%）, 比上年减少5人（下降10%）, 与上年持平."""
    diff = now - before
    if diff == 0:
        return "与上年持平"
    verb, trend = ("增加", "上升") if diff > 0 else ("减少", "下降")
    text = f"比上年{verb}{abs(diff)}{measure}"
    return text + (f"（{trend}{format_share(abs(diff), before)}）" if before else "")


def points_phrase(now: Decimal, before: Decimal) -> str:
    diff = now - before
    shown = format_number(abs(diff), 1)
    if shown == "0":
        return "与上年持平"
    return f"比上年{'提高' if diff > 0 else '降低'}{shown}个百分点"


@dataclass(frozen=True)
class ChangeItem:
    label: str
    now: int
    before: int
    measure: str
    wan: bool = False

    @property
    def now_text(self) -> str:
        return format_count(self.now, wan=self.wan)

    @property
    def before_text(self) -> str:
        return format_count(self.before, wan=self.wan)

    @property
    def phrase(self) -> str:
        return change_phrase(self.now, self.before, self.measure)


def _element_items(figures: SurveyFigures) -> list[ChangeItem]:
    items = []
    for element in figures.elements:
        now, before = figures.values.get(element.code), figures.values_previous.get(element.code)
        if now is None or before is None:
            continue
        wan = element.code in WAN_CODES
        items.append(ChangeItem(element.name, now[0], before[0], element.measure, wan))
        if element.has_female:
            items.append(ChangeItem(f"{element.name}中女性", now[1], before[1], element.measure, wan))
    return items


def change_items(figures: SurveyFigures) -> list[ChangeItem]:
    """Every count with a value this year and last."""
    items = []
    if figures.coverage.below_own_level() and figures.coverage_previous.below_own_level():
        now, before = figures.coverage.below_own_total(), figures.coverage_previous.below_own_total()
        items.append(ChangeItem("已建立妇女组织", now.established, before.established, "个"))
    people_now, people_before = figures.officers.people, figures.officers_previous.people
    if people_now or people_before:
        items.append(ChangeItem("在任妇女组织干部", people_now, people_before, "人"))
    return [item for item in items + _element_items(figures) if item.now is not None and item.before is not None]


def _rates(figures: SurveyFigures) -> list[str]:
    rates = []
    if figures.coverage_previous.total:
        now_rate, before_rate = (
            figures.coverage.below_own_total().rate,
            figures.coverage_previous.below_own_total().rate,
        )
        if now_rate is not None and before_rate is not None:
            rates.append(f"组建率{format_rate(now_rate)}，{points_phrase(now_rate, before_rate)}")
    for indicator in figures.indicators:
        if indicator.value is not None and indicator.previous is not None and indicator.suffix == "%":
            phrase = points_phrase(indicator.value, indicator.previous)
            rates.append(f"{indicator.name}{format_rate(indicator.value)}，{phrase}")
    return rates


def change_sentences(figures: SurveyFigures) -> list[str]:
    items = change_items(figures)
    sentences = [join([f"{i.label}{i.now_text}{i.measure}，{i.phrase}" for i in items])] if items else []
    rates = _rates(figures)
    return sentences + ([join(rates)] if rates else [])


def _signed(diff: int) -> str:
    return f"+{diff}" if diff > 0 else ("0" if diff == 0 else f"−{-diff}")


def change_table(items: list[ChangeItem]) -> Table:
    rows = [
        [
            Cell(i.label),
            Cell(f"{i.now_text}{i.measure}"),
            Cell(f"{i.before_text}{i.measure}"),
            Cell(_signed(i.now - i.before)),
            Cell(format_share(i.now - i.before, i.before)),
        ]
        for i in items
    ]
    return Table(["项目", "本年", "上年", "增减", "增减幅度"], rows)


def section(figures: SurveyFigures) -> DocSection:
    made = DocSection("changes", "同比变化", change_sentences(figures))
    items = change_items(figures)
    if items:
        made.tables.append((f"{figures.year}年与上年对比", change_table(items)))
    return made
