"""The figures a survey report is written from (reports.figures), gathered once for a unit and a year.

A constant number of queries, whatever the size of the subtree.
"""

import datetime
from decimal import Decimal

from facilities.coverage import FacilityCoverage, facility_coverage
from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from reports.activity_figures import activity_figures
from reports.figures import (
    CoverageFigures,
    CoverageLine,
    ElementFigures,
    IndicatorFigures,
    KindFigures,
    OfficerFigures,
    SurveyFigures,
    UnitFigures,
)
from rosters.executive import ExecutiveStaffing, Staffing, executive_staffing
from rosters.models import Post
from rosters.profiles import (
    RosterStats,
    age_bands_of,
    default_age_bands,
    default_education_groups,
    education_groups_of,
    roster_stats,
)
from stats.conversion import conversions
from stats.coverage import OWN_LEVEL_LABEL, Coverage, coverage
from stats.expressions import Expression
from stats.indicators import indicator_value
from stats.models import DataElement, Indicator
from stats.periods import Period, period_of
from stats.services import subtree_values

# Rates are frozen to four places, so live figures compare equal to a snapshot of them.
RATE_PLACES = Decimal("0.0001")


def survey_figures(unit: OrgUnit, year: int, *, span: str = "", age_bands=None, education_groups=None) -> SurveyFigures:
    """The figures of the year, or of its `span` (stats.periods.SPAN_CHOICES: "C9" for 1–9月), against
    the same span a year earlier; organisations and officers as they stood at each span's end. Officers
    are counted by the bands and groups given (rosters.profiles.Band and Group), by default those of the
    default sets nearest the unit."""
    period = period_of(year, span)
    previous = period.previous()
    elements = list(DataElement.objects.all())
    # The tree as it stood at the end of each span: one query each, shared by every figure of that span.
    now, before = TreeOn.of(period.end), TreeOn.of(previous.end)
    values_now, values_before = subtree_values(unit, period, tree=now), subtree_values(unit, previous, tree=before)
    cover_now, cover_before = coverage(unit, period.end, tree=now), coverage(unit, previous.end, tree=before)
    profile = {
        "age_bands": default_age_bands(unit) if age_bands is None else age_bands,
        "education_groups": default_education_groups(unit) if education_groups is None else education_groups,
    }
    officers_now, officers_before = (
        roster_stats(unit, period.end, **profile, tree=now),
        roster_stats(unit, previous.end, **profile, tree=before),
    )
    post_order = list(Post.objects.values_list("name", flat=True))
    return SurveyFigures(
        unit=UnitFigures(unit.pk, unit.code, unit.name, unit.kind.code),
        year=year,
        on=period.end,
        coverage=_coverage(cover_now),
        coverage_previous=_coverage(cover_before),
        elements=tuple(ElementFigures(e.code, e.name, e.measure, e.has_female, e.group) for e in elements),
        values=_values(values_now),
        values_previous=_values(values_before),
        indicators=tuple(_indicators(values_now, values_before, elements)),
        officers=_officers(officers_now, post_order, executive_staffing(unit, period.end, tree=now)),
        officers_previous=_officers(officers_before, post_order),
        facilities=_facilities(facility_coverage(unit, period.end, tree=now)),
        activities=activity_figures(unit, period, trees=(now, before)),
        span=span,
        approximate=tuple(sorted(values_now.approximate)),
        approximate_previous=tuple(sorted(values_before.approximate)),
    )


def _facilities(result: FacilityCoverage) -> CoverageFigures:
    """The coverage per facility kind, in the shape of the organisations' (kinds are facility kinds);
    empty when no facility is counted, so that the section is left out."""
    if not result.built:
        return CoverageFigures((), {}, ())
    codes = {kind.pk: kind.code for kind in result.kinds}
    kinds = tuple(KindFigures(kind.code, kind.name) for kind in result.kinds)

    def by_code(row):
        return {codes[pk]: tally for pk, tally in row.by_kind.items() if pk in codes and tally.eligible}

    lines = tuple(
        CoverageLine(row.label, row.unit.pk if row.unit else None, _role(row, result), by_code(row))
        for row in result.rows
    )
    return CoverageFigures(kinds, by_code(result.summary), lines)


def _role(row, result: FacilityCoverage) -> str:
    if row.unit is None:
        return "hosts"
    return "own" if row.unit.pk == result.unit.pk else "area"


def report_figures(report) -> SurveyFigures:
    """A report's live figures, its officers counted by the sets it chose (or the defaults)."""
    return survey_figures(
        report.unit,
        report.year,
        span=report.span,
        age_bands=age_bands_of(report.age_band_set_id) if report.age_band_set_id else None,
        education_groups=education_groups_of(report.education_group_set_id) if report.education_group_set_id else None,
    )


def _coverage(result: Coverage) -> CoverageFigures:
    kinds = {kind.pk: kind for kind in result.kinds}

    def tallies(row) -> dict:
        return {
            kinds[kind_id].code: tally for kind_id, tally in row.by_kind.items() if kind_id in kinds and tally.eligible
        }

    lines = []
    for row in result.rows:
        if row.unit is None:
            role = "hosts"
        elif row.unit.pk == result.unit.pk and row.label == OWN_LEVEL_LABEL:
            role = "own"
        else:
            role = "area"
        lines.append(CoverageLine(row.label, row.unit.pk if row.unit else None, role, tallies(row)))
    kinds_shown = tuple(KindFigures(k.code, k.name) for k in result.kinds)
    forms = tuple((k.code, tuple(result.forms_of(k))) for k in result.kinds if result.forms_of(k))
    converted = tuple((c.kind.code, c.due, c.converted) for c in conversions(result))
    return CoverageFigures(kinds_shown, tallies(result.summary), tuple(lines), forms, converted)


def _values(values) -> dict:
    return {code: (total, female) for code, (total, female) in sorted(values.items())}


def _rate(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(RATE_PLACES)


def _indicators(values_now, values_before, elements) -> list[IndicatorFigures]:
    known = {e.code: e.has_female for e in elements}
    found = []
    for indicator in Indicator.objects.filter(coverage_kind__isnull=True):
        value = indicator_value(indicator, values_now, None, known)
        previous = indicator_value(indicator, values_before, None, known)
        if value is None and previous is None:
            continue
        found.append(
            IndicatorFigures(
                code=indicator.code,
                name=indicator.name,
                numerator=indicator.numerator,
                denominator=indicator.denominator,
                female_share=_is_female_share(indicator, known),
                decimals=indicator.decimals,
                suffix=indicator.suffix,
                value=_rate(value),
                previous=_rate(previous),
            )
        )
    return found


def _is_female_share(indicator: Indicator, known) -> bool:
    """cadres.female / cadres.total or section_cadres.female / cadres.total: women among a total."""
    numerator, denominator = indicator.numerator.strip(), indicator.denominator.strip()
    if not numerator.endswith(".female") or not denominator.endswith(".total") or indicator.suffix != "%":
        return False
    try:
        Expression.parse(numerator, known)
        Expression.parse(denominator, known)
    except Exception:  # an indicator broken after its elements changed is simply not quoted
        return False
    return numerator.count(".") == 1 and denominator.count(".") == 1


def _officers(stats: RosterStats, post_order: list[str], staffing: ExecutiveStaffing | None = None) -> OfficerFigures:
    """The officers; with `staffing`, the village 执委 against the norm (the report's year only)."""
    rank = {name: index for index, name in enumerate(post_order)}
    villages = staffing.of_kinds() if staffing else Staffing()
    return OfficerFigures(
        appointments=stats.appointments,
        people=stats.people,
        by_post=tuple(sorted(stats.by_post.items(), key=lambda item: rank.get(item[0], len(rank)))),
        by_sex=tuple(sorted(stats.by_sex.items())),
        by_age_band=tuple(stats.by_age_band.items()),
        by_education=tuple(stats.by_education.most_common()),
        by_political_status=tuple(stats.by_political_status.most_common()),
        by_mode=tuple(sorted(stats.by_mode.items())),
        village_chairs=stats.village_chairs,
        village_chairs_in_committees=stats.village_chairs_in_committees,
        village_chairs_three_in_one=stats.village_chairs_three_in_one,
        by_education_group=tuple(stats.by_education_group.items()),
        new_officers=stats.new_officers,
        chairs=stats.chairs,
        new_chairs=stats.new_chairs,
        chairs_by_age_band=tuple(stats.chairs_by_age_band.items()),
        chairs_by_education_group=tuple(stats.chairs_by_education_group.items()),
        village_executives=villages.in_post,
        village_executive_norm=villages.norm,
        village_executive_organisations=villages.organisations,
        village_executives_at_norm=villages.at_norm,
        village_executive_seats=staffing.seats_of("village") if staffing else 0,
    )


def year_end(year: int) -> datetime.date:
    return Period(year).end
