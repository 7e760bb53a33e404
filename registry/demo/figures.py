"""Two years of 双峰县's statistics, in the proportions of the seed reports, saved the way a clerk saves
them (datavalues_save, one unit and year at a time).

The county's own figures are what only the county has (its cadres, deputies, party members, and the
county federation's own trainings and complaints); the townships report their population, their
villages' committees, their leaders and their own work, and the county's totals are the sums. The
agencies report their staff, which decides whether they must have a 妇委会 (ensure_agency_rule).
"""

import random
from decimal import ROUND_FLOOR, Decimal

from orgunits.models import OrgUnit
from registry.demo.dates import FIGURE_YEARS, seeded
from registry.demo.organisations import CountyPlan
from stats.periods import period_of
from stats.services import datavalues_save, figure_text

COUNTY_OWN = {
    2024: {
        "cadres": (2410, 482),
        "section_cadres": (640, 131),
        "party_delegates": (298, 53),
        "npc_deputies": (281, 74),
        "cppcc_members": (239, 43),
        "party_members": (30_150, 4_520),
        "training_sessions": (310, None),
        "trainees": (9_600, 9_600),
        "complaints_received": (46, None),
        "complaints_resolved": (45, None),
    },
    2025: {
        "cadres": (2395, 491),
        "section_cadres": (636, 140),
        "party_delegates": (298, 54),
        "npc_deputies": (281, 76),
        "cppcc_members": (239, 44),
        "party_members": (30_420, 4_690),
        "training_sessions": (340, None),
        "trainees": (10_400, 10_400),
        "complaints_received": (52, None),
        "complaints_resolved": (52, None),
    },
}
# The county federation counted its own trainees of 2025 only roughly, as 10400余人次: the county's sum is
# then approximate too and the report writes it 8万余人次, as the seed reports write such figures.
APPROXIMATE_OWN = {2025: ("trainees",)}
# Counted where the people are, in the townships; an earlier demo kept them on the county itself.
TOWNSHIP_ONLY = ("population", "village_committee")
# The townships' parts of the county's totals: (total, female), or a total alone.
TOWNSHIP_TOTALS = {
    2024: {
        "population": (905_000, 441_000),
        "village_committee": (2_090, 712),
        "training_sessions": (4_590, None),
        "trainees": (66_400, 66_400),
        "complaints_received": (82, None),
        "complaints_resolved": (80, None),
    },
    2025: {
        "population": (898_000, 438_000),
        "village_committee": (2_090, 731),
        "training_sessions": (4_860, None),
        "trainees": (69_600, 69_600),
        "complaints_received": (80, None),
        "complaints_resolved": (80, None),
    },
}
# Women among the townships' party secretaries and heads (乡镇党政正职), village party secretaries and
# village heads, county-wide.
WOMEN_LEADING = {
    2024: {"township_leaders": 3, "branch_secretaries": 27, "village_heads": 20},
    2025: {"township_leaders": 4, "branch_secretaries": 28, "village_heads": 21},
}
# (total, female) staff by agency, 2024 and 2025. 人社局 has too few women to need a 妇委会.
AGENCY_STAFF = {
    "11431321006188016F": ((46, 15), (45, 15)),
    "11431321006188024A": ((52, 17), (53, 18)),
    "114313210061881556": ((68, 31), (70, 33)),
    "114313210061882787": ((41, 22), (42, 23)),
    "114313210061883313": ((33, 5), (34, 5)),
    "111310240005201107": ((40, 12), (41, 12)),
    "111310240005201294": ((48, 15), (47, 15)),
    "11131024000520268T": ((30, 9), (31, 9)),
}


def allocate(total: int, weights: list[float]) -> list[int]:
    """total split in proportion to weights, in whole numbers that add up to it (largest remainder)."""
    whole = sum(weights)
    shares = [Decimal(total) * Decimal(w) / Decimal(whole) for w in weights]
    parts = [int(s.to_integral_value(ROUND_FLOOR)) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - shares[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def township_figures(plan: CountyPlan, year: int) -> dict[str, dict[str, tuple]]:
    """Each township's own figures for the year, adding up to TOWNSHIP_TOTALS."""
    townships = plan.townships()
    villages = {t.code: 0 for t in townships}
    for village in plan.villages():
        closed = plan.closed.get(village.code)
        if closed is None or closed.year > year:
            villages[village.township] += 1
    # Streets are towns: more people for their number of communities.
    size = {t.code: villages[t.code] * (1.6 if t.kind == "street" else 1.0) * _jitter(t.code, 0.12) for t in townships}
    rng = seeded("figures", plan.code, year)
    found: dict[str, dict[str, tuple]] = {t.code: {} for t in townships}
    codes = [t.code for t in townships]
    for element, (total, female) in TOWNSHIP_TOTALS[year].items():
        if element == "complaints_resolved":
            continue  # follows the complaints received, below
        totals = allocate(total, [size[c] * rng.uniform(0.95, 1.05) for c in codes])
        if female is None or female == total:  # all trainees are women: the same in every township
            females = None if female is None else totals
        else:
            females = allocate(female, [t * rng.uniform(0.97, 1.03) for t in totals])
        for index, code in enumerate(codes):
            found[code][element] = (totals[index], females[index] if females else None)
    # Every complaint is resolved but a few, each in a township that received some.
    unresolved = TOWNSHIP_TOTALS[year]["complaints_received"][0] - TOWNSHIP_TOTALS[year]["complaints_resolved"][0]
    open_cases = set(rng.sample([c for c in codes if found[c]["complaints_received"][0]], unresolved))
    for code in codes:
        received = found[code]["complaints_received"][0]
        found[code]["complaints_resolved"] = (received - int(code in open_cases), None)
    women = WOMEN_LEADING[year]
    leaders = _spread(rng, codes, women["township_leaders"])
    secretaries = allocate(women["branch_secretaries"], [villages[c] * rng.uniform(0.5, 1.5) for c in codes])
    heads = allocate(women["village_heads"], [villages[c] * rng.uniform(0.5, 1.5) for c in codes])
    for index, code in enumerate(codes):
        committee = round(villages[code] * _jitter(code, 0.06) * 3.8)
        committee_women = round(committee * rng.uniform(0.14, 0.18))
        found[code]["township_leaders"] = (2, leaders[code])
        found[code]["village_party_committee"] = (committee, committee_women)
        found[code]["branch_secretaries"] = (villages[code], min(secretaries[index], villages[code]))
        found[code]["village_heads"] = (villages[code], min(heads[index], villages[code]))
    return found


def _jitter(code: str, spread: float) -> float:
    """A township's own lasting difference from the average, the same every year."""
    return seeded("size", code).uniform(1 - spread, 1 + spread)


def _spread(rng: random.Random, codes: list[str], count: int) -> dict[str, int]:
    chosen = set(rng.sample(codes, count))
    return {code: int(code in chosen) for code in codes}


# 1–9月 of each year (a report on part of a year compares them with 上年同期): the work counted so far,
# this share of the year's, at the county and its townships alike.
PART_YEAR_SPAN, PART_YEAR_SHARE = "C9", Decimal("0.72")
PART_YEAR_ELEMENTS = ("training_sessions", "trainees", "complaints_received", "complaints_resolved")


def part_year(values: dict[str, tuple]) -> dict[str, tuple]:
    """The year's work figures scaled to 1–9月; rounding keeps resolved ≤ received, women ≤ total."""

    def scaled(number):
        return None if number is None else int((number * PART_YEAR_SHARE).to_integral_value())

    return {code: tuple(scaled(n) for n in values[code]) for code in PART_YEAR_ELEMENTS if code in values}


def apply_figures(plan: CountyPlan) -> int:
    """Save the county's, its townships' and the agencies' figures. Returns the number of values written."""
    units = OrgUnit.objects.in_bulk([plan.code, *(t.code for t in plan.townships()), *AGENCY_STAFF], field_name="code")
    written = 0
    for index, year in enumerate(FIGURE_YEARS):
        period = str(year)
        own = {**_as_entered(COUNTY_OWN[year], year), **{code: (None, None) for code in TOWNSHIP_ONLY}}
        written += datavalues_save(unit=units[plan.code], period=period, values=own)
        months = str(period_of(year, PART_YEAR_SPAN))
        written += datavalues_save(unit=units[plan.code], period=months, values=part_year(COUNTY_OWN[year]))
        for code, values in township_figures(plan, year).items():
            if code in units:
                written += datavalues_save(unit=units[code], period=period, values=values)
                written += datavalues_save(unit=units[code], period=months, values=part_year(values))
        for code, staff in AGENCY_STAFF.items():
            if code in units:
                written += datavalues_save(unit=units[code], period=period, values={"staff": staff[index]})
    return written


def _as_entered(values: dict[str, tuple], year: int) -> dict[str, tuple]:
    """The county's own figures as its clerk types them: 10400余 where only a rough count was kept."""
    marked = APPROXIMATE_OWN.get(year, ())
    return {
        code: tuple(None if n is None else figure_text(n, True) for n in pair) if code in marked else pair
        for code, pair in values.items()
    }
