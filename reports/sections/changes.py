"""五、同比变化: the counts against the year before (上年同期 in a report on part of a year), theme by
theme, then the rates in percentage points.

In the register of the seed reports: "不稳定因素5起，矛盾纠纷756起，分别比上年同期上升150%、20%". Items of a
theme that moved the same way share one clause. A rate's change is the difference of the two rates as
printed, so 48.7% → 48.8% reads 上升0.1个百分点 whatever the digits behind them.
"""

from dataclasses import dataclass
from decimal import Decimal

from reports.figures import SurveyFigures
from reports.sections.common import DocSection
from stats.formatting import (
    format_change,
    format_change_percent,
    format_measure,
    format_number,
    format_rate,
    format_signed_change_percent,
    percent,
    printed_difference,
)
from stats.tables import Cell, Table

THEMES = (  # (element group, words before the theme's clauses); "organisation" also holds the coverage
    ("organisation", "组织建设方面"),
    ("population", "人口方面"),
    ("cadres", "干部队伍方面"),
    ("politics", "参政议政方面"),
    ("grassroots", "基层组织方面"),
    ("training", "教育培训方面"),
    ("rights", "维权服务方面"),
)
RISING, FALLING, FLAT, FROM_NONE = "rising", "falling", "flat", "from_none"


@dataclass(frozen=True)
class ChangeItem:
    label: str
    now: int
    before: int
    measure: str
    theme: str = "organisation"  # an element group of THEMES
    approximate: bool = False  # given as approximate this year (5200余场次)
    approximate_before: bool = False

    @property
    def now_text(self) -> str:
        return format_measure(self.now, self.measure, approximate=self.approximate)

    @property
    def before_text(self) -> str:
        return format_measure(self.before, self.measure, approximate=self.approximate_before)

    @property
    def diff(self) -> int:
        return self.now - self.before

    @property
    def relative(self) -> Decimal | None:
        """The change as a percentage of last year's count; none from nothing."""
        return percent(self.diff, self.before)

    @property
    def direction(self) -> str:
        if self.diff == 0:
            return FLAT
        if not self.before:
            return FROM_NONE
        return RISING if self.diff > 0 else FALLING


@dataclass(frozen=True)
class RateItem:
    label: str
    now: Decimal
    before: Decimal
    decimals: int = 1

    @property
    def points(self) -> Decimal:
        return printed_difference(self.now, self.before, self.decimals)

    @property
    def now_text(self) -> str:
        return format_rate(self.now, self.decimals)

    @property
    def direction(self) -> str:
        return FLAT if self.points == 0 else (RISING if self.points > 0 else FALLING)


def _grouped(items: list) -> list[tuple[str, list]]:
    """The items by direction, in the order the first of each appears."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.direction, []).append(item)
    return list(groups.items())


def _both(items: list, single: str, several: str) -> str:
    return several if len(items) > 1 else single


def count_clause(direction: str, items: list[ChangeItem], before: str = "上年") -> str:
    """已建立妇女组织40个、在任干部5人，分别比上年上升3.1%、25%; `before` is 上年同期 in a report on
    part of a year: 不稳定因素5起、矛盾纠纷756起，分别比上年同期上升150%、20%"""
    listed = "、".join(f"{item.label}{item.now_text}" for item in items)
    if direction == FLAT:
        return f"{listed}，{_both(items, f'与{before}持平', f'均与{before}持平')}"
    if direction == FROM_NONE:
        return f"{listed}，{_both(items, f'{before}为0', f'{before}均为0')}"
    verb = "上升" if direction == RISING else "下降"
    amounts = "、".join(format_change_percent(item.relative) for item in items)
    return f"{listed}，{_both(items, f'比{before}', f'分别比{before}')}{verb}{amounts}"


def rate_clause(direction: str, items: list[RateItem], before: str = "上年") -> str:
    """组建率85.1%、女性人口占比49.2%，分别比上年提高0.5、0.1个百分点"""
    listed = "、".join(f"{item.label}{item.now_text}" for item in items)
    if direction == FLAT:
        return f"{listed}，{_both(items, f'与{before}持平', f'均与{before}持平')}"
    verb = "提高" if direction == RISING else "降低"
    amounts = "、".join(format_number(abs(item.points), item.decimals) for item in items)
    return f"{listed}，{_both(items, f'比{before}', f'分别比{before}')}{verb}{amounts}个百分点"


def _element_items(figures: SurveyFigures) -> list[ChangeItem]:
    items = []
    for element in figures.elements:
        now, before = figures.values.get(element.code), figures.values_previous.get(element.code)
        if now is None or before is None:
            continue
        theme = element.group if element.group in dict(THEMES) else "organisation"
        about = {
            "approximate": figures.is_approximate(element.code),
            "approximate_before": figures.is_approximate(element.code, previous=True),
        }
        items.append(ChangeItem(element.name, now[0], before[0], element.measure, theme=theme, **about))
        if element.has_female and now[1] is not None and before[1] is not None:
            label = f"{element.name}中女性"
            items.append(ChangeItem(label, now[1], before[1], element.measure, theme=theme, **about))
    return items


def change_items(figures: SurveyFigures) -> list[ChangeItem]:
    """Every count with a value this year and last, theme by theme."""
    items = []
    now, before = figures.coverage.all_total(), figures.coverage_previous.all_total()
    if now.eligible and before.eligible:
        items.append(ChangeItem("已建立妇女组织", now.established, before.established, "个"))
    people_now, people_before = figures.officers.people, figures.officers_previous.people
    if people_now or people_before:
        items.append(ChangeItem("在任妇女组织干部", people_now, people_before, "人"))
    items += [item for item in _element_items(figures) if item.now is not None and item.before is not None]
    order = [theme for theme, _words in THEMES]
    return sorted(items, key=lambda item: order.index(item.theme))


def rate_items(figures: SurveyFigures) -> list[RateItem]:
    items = []
    now, before = figures.coverage.all_total().rate, figures.coverage_previous.all_total().rate
    if now is not None and before is not None:
        items.append(RateItem("组建率", now, before))
    for indicator in figures.indicators:
        if indicator.value is not None and indicator.previous is not None and indicator.suffix == "%":
            items.append(RateItem(indicator.name, indicator.value, indicator.previous, indicator.decimals))
    return items


def change_sentences(figures: SurveyFigures) -> list[tuple[str, str]]:
    """(theme, sentence): one short sentence per theme with changes, then one for the rates."""
    items, sentences, before = change_items(figures), [], figures.same_period_words
    for theme, words in THEMES:
        themed = [item for item in items if item.theme == theme]
        if themed:
            clauses = "；".join(count_clause(direction, group, before) for direction, group in _grouped(themed))
            sentences.append((theme, f"{words}，{clauses}。"))
    rates = rate_items(figures)
    if rates:
        clauses = "；".join(rate_clause(direction, group, before) for direction, group in _grouped(rates))
        sentences.append(("rates", f"{clauses}。"))
    return sentences


def change_table(items: list[ChangeItem], rates: list[RateItem], columns: tuple[str, str] = ("本年", "上年")) -> Table:
    rows = [
        [
            Cell(item.label),
            Cell(item.now_text),
            Cell(item.before_text),
            Cell(format_change(Decimal(item.diff), 0)),
            Cell(format_signed_change_percent(item.relative)),
        ]
        for item in items
    ]
    for item in rates:
        points = format_change(item.points, item.decimals, "个百分点")
        rows.append([Cell(item.label), Cell(item.now_text), Cell(format_rate(item.before, item.decimals))])
        rows[-1] += [Cell(points), Cell("—")]
    return Table(["项目", *columns, "增减", "增减幅度"], rows)


def section(figures: SurveyFigures) -> DocSection:
    made = DocSection("changes", "同比变化")
    for theme, sentence in change_sentences(figures):
        made.say(theme, sentence)
    items, rates = change_items(figures), rate_items(figures)
    if items or rates:
        title = f"{figures.period.label}与{figures.same_period_words}对比"
        made.tables.append((title, change_table(items, rates, (figures.current_words, figures.same_period_words))))
    return made
