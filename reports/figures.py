"""The figures a survey report is written from, typed, and the snapshot a final report freezes them in.

Text, tables and charts are made from these alone, so a final report renders from its snapshot exactly
as it did when it was frozen. A snapshot is JSON: lists wherever order matters, because PostgreSQL's jsonb
does not keep the order of keys, and rates as decimal strings.

Version 1 snapshots were written from an untyped dict before the figures were typed; version 2 keeps
their layout, so both are read the same way. Version 3 adds the organisations by form and the officer
profiles (fields with defaults, so older snapshots read as before), and the final report's rendered text
beside the figures (reports.survey_text). Version 4 adds fields with defaults for organisation life
(会改联 conversions, the facilities' coverage, the activities and honours, the village 执委 against the
norm): older snapshots read them as empty. Version 5 adds the span of a report shorter than a year
(1–9月, a quarter, a month; empty for the year), so older snapshots read as yearly. Version 6 adds the
elements whose sums hold a figure given as approximate (5200余), so older snapshots read every figure as
exact. A later layout adds a reader and keeps the old ones.
"""

import datetime
from dataclasses import dataclass, fields, is_dataclass
from dataclasses import field as default_field
from decimal import Decimal

from reports import errors
from reports.activity_figures import ActivityFigures, activity_figures_from
from stats.coverage import Tally
from stats.periods import Period, period_of

FIGURES_VERSION = 6
READABLE_VERSIONS = (1, 2, 3, 4, 5, 6)

Pair = tuple[int | None, int | None]  # (total, female)
Counts = tuple[tuple[str, int], ...]  # (label, count), in the order the report lists them
NO_VALUE: Pair = (None, None)


@dataclass(frozen=True)
class UnitFigures:
    id: int
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class KindFigures:
    code: str
    name: str


@dataclass(frozen=True)
class CoverageLine:
    label: str
    unit_id: int | None
    role: str  # "own" (本级), "area" (a child area) or "hosts" (the host units directly under the unit)
    by_kind: dict[str, Tally]  # kind code -> tally, kinds with eligible units only

    @property
    def total(self) -> Tally:
        return sum(self.by_kind.values(), Tally())

    def tally(self, code: str) -> Tally:
        return self.by_kind.get(code, Tally())


@dataclass(frozen=True)
class CoverageFigures:
    kinds: tuple[KindFigures, ...]
    total: dict[str, Tally]
    rows: tuple[CoverageLine, ...]
    # (kind code, ((form label, organisations established), ...)) in kind order; empty before version 3
    forms: tuple[tuple[str, Counts], ...] = ()
    # (kind code, due, converted) for 会改联 (stats.conversion), in kind order; empty before version 4
    conversions: tuple[tuple[str, int, int], ...] = ()

    def all_total(self) -> Tally:
        """The 合计 of the table: every line, 本级 included."""
        return sum(self.total.values(), Tally())

    def line(self, role: str) -> CoverageLine | None:
        return next((line for line in self.rows if line.role == role), None)

    def below_own_level(self) -> list[tuple[KindFigures, Tally]]:
        """Each kind's tally below the unit itself (本级 left out), for the kinds that have any."""
        own = self.line("own")
        found = []
        for kind in self.kinds:
            total, mine = self.total.get(kind.code, Tally()), own.tally(kind.code) if own else Tally()
            tally = Tally(total.eligible - mine.eligible, total.established - mine.established)
            if tally.eligible:
                found.append((kind, tally))
        return found

    def below_own_total(self) -> Tally:
        return sum((tally for _kind, tally in self.below_own_level()), Tally())

    def lines_below(self, rate: Decimal) -> list[tuple[str, Decimal]]:
        """Child areas (and the host units together) whose coverage is below the rate."""
        rates = [(line.label, line.total.rate) for line in self.rows if line.role != "own"]
        return [(label, rate_of) for label, rate_of in rates if rate_of is not None and rate_of < rate]


@dataclass(frozen=True)
class ElementFigures:
    code: str
    name: str
    measure: str
    has_female: bool
    group: str = ""


@dataclass(frozen=True)
class IndicatorFigures:
    code: str
    name: str
    numerator: str
    denominator: str
    female_share: bool  # women among a total: cadres.female / cadres.total
    decimals: int
    suffix: str
    value: Decimal | None
    previous: Decimal | None


@dataclass(frozen=True)
class OfficerFigures:
    appointments: int = 0
    people: int = 0
    by_post: Counts = ()
    by_sex: Counts = ()
    by_age_band: Counts = ()
    by_education: Counts = ()
    by_political_status: Counts = ()
    by_mode: Counts = ()
    village_chairs: int = 0
    village_chairs_in_committees: int = 0
    village_chairs_three_in_one: int = 0
    # Added after version 2: a snapshot without them reads them as empty, and the text leaves them out.
    by_education_group: Counts = ()
    new_officers: int = 0
    chairs: int = 0
    new_chairs: int = 0
    chairs_by_age_band: Counts = ()
    chairs_by_education_group: Counts = ()
    # Added in version 4 (执委配备, rosters.executive): the village and community 妇联's 执委 in post, the
    # norm (their seats summed), the organisations counted and those at the norm, and one village's seats.
    village_executives: int = 0
    village_executive_norm: int = 0
    village_executive_organisations: int = 0
    village_executives_at_norm: int = 0
    village_executive_seats: int = 0


@dataclass(frozen=True)
class SurveyFigures:
    unit: UnitFigures
    year: int
    on: datetime.date
    coverage: CoverageFigures
    coverage_previous: CoverageFigures
    elements: tuple[ElementFigures, ...]
    values: dict[str, Pair]
    values_previous: dict[str, Pair]
    indicators: tuple[IndicatorFigures, ...]
    officers: OfficerFigures
    officers_previous: OfficerFigures
    # Added in version 4: coverage per facility kind (kinds: the facility kinds; rows: 本级, areas, hosts).
    facilities: CoverageFigures = CoverageFigures((), {}, ())
    activities: ActivityFigures = default_field(default_factory=ActivityFigures)  # version 4
    span: str = ""  # version 5: stats.periods.SPAN_CHOICES; "" for the whole year
    # version 6: the element codes whose sum holds a figure given as approximate, written 5200余场次
    approximate: tuple[str, ...] = ()
    approximate_previous: tuple[str, ...] = ()

    @property
    def period(self) -> Period:
        return period_of(self.year, self.span)

    @property
    def current_words(self) -> str:
        """The column of this report's figures: 本年, or 本期 for a shorter span."""
        return "本年" if self.period.is_year else "本期"

    @property
    def same_period_words(self) -> str:
        """What the figures are compared with: 上年 for a year, 上年同期 for a shorter span."""
        return "上年" if self.period.is_year else "上年同期"

    def element(self, code: str) -> ElementFigures:
        found = next((e for e in self.elements if e.code == code), None)
        return found or ElementFigures(code, code, "人", True)

    def value(self, code: str) -> Pair:
        return self.values.get(code, NO_VALUE)

    def is_approximate(self, code: str, *, previous: bool = False) -> bool:
        return code in (self.approximate_previous if previous else self.approximate)


# ---------------------------------------------------------------- snapshot


def to_snapshot(figures: SurveyFigures) -> dict:
    return {"version": FIGURES_VERSION, **_plain(figures)}


def _plain(value):
    """JSON of the figures: a tally as [eligible, established], a rate as its decimal string."""
    if isinstance(value, Tally):
        return [value.eligible, value.established]
    if is_dataclass(value):
        return {field.name: _plain(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value


def from_snapshot(data: dict) -> SurveyFigures:
    if data.get("version") not in READABLE_VERSIONS:
        raise ValueError(errors.SNAPSHOT_VERSION.format(version=data.get("version"), readable=READABLE_VERSIONS))
    return SurveyFigures(
        unit=UnitFigures(**data["unit"]),
        year=data["year"],
        on=datetime.date.fromisoformat(data["on"]),
        coverage=_coverage(data["coverage"]),
        coverage_previous=_coverage(data["coverage_previous"]),
        elements=tuple(ElementFigures(**element) for element in data["elements"]),
        values=_values(data["values"]),
        values_previous=_values(data["values_previous"]),
        indicators=tuple(_indicator(indicator) for indicator in data["indicators"]),
        officers=_officers(data["officers"]),
        officers_previous=_officers(data["officers_previous"]),
        **({"facilities": _coverage(data["facilities"])} if "facilities" in data else {}),
        activities=activity_figures_from(data.get("activities")),
        span=data.get("span", ""),
        approximate=tuple(data.get("approximate", ())),
        approximate_previous=tuple(data.get("approximate_previous", ())),
    )


def _tallies(data: dict) -> dict[str, Tally]:
    return {code: Tally(eligible, established) for code, (eligible, established) in data.items()}


def _coverage(data: dict) -> CoverageFigures:
    lines = tuple(
        CoverageLine(row["label"], row["unit_id"], row["role"], _tallies(row["by_kind"])) for row in data["rows"]
    )
    kinds = tuple(KindFigures(kind["code"], kind["name"]) for kind in data["kinds"])
    forms = tuple((code, tuple((form, n) for form, n in counts)) for code, counts in data.get("forms", ()))
    conversions = tuple(tuple(item) for item in data.get("conversions", ()))
    return CoverageFigures(kinds, _tallies(data["total"]), lines, forms, conversions)


def _values(data: dict) -> dict[str, Pair]:
    return {code: tuple(pair) for code, pair in data.items()}


def _indicator(data: dict) -> IndicatorFigures:
    rates = {key: None if data[key] is None else Decimal(data[key]) for key in ("value", "previous")}
    return IndicatorFigures(**{**data, **rates})


COUNT_FIELDS = (
    "by_post",
    "by_sex",
    "by_age_band",
    "by_education",
    "by_political_status",
    "by_mode",
    "by_education_group",
    "chairs_by_age_band",
    "chairs_by_education_group",
)


def _officers(data: dict) -> OfficerFigures:
    counts = {name: tuple((label, n) for label, n in data[name]) for name in COUNT_FIELDS if name in data}
    return OfficerFigures(**{**data, **counts})
