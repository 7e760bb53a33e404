"""双峰县's activities and honours: two years (2024, 2025) of trainings, 三八维权周, volunteer services,
family campaigns, 两癌 screenings, 春蕾 aid, 12338 cases and lectures at the county and its townships,
under the county's own campaigns, and a few honours. Planned from seeded generators, written through
the services, only what is missing: a second run writes nothing."""

import datetime
from decimal import Decimal

from activities.models import Activity, ActivityType, Campaign, Honour
from activities.services import activity_create, campaign_create, honour_create
from orgunits.models import OrgUnit
from registry.demo.dates import FIGURE_YEARS, between, seeded

COUNTY = "431321"
# type code -> (title, month span, {count: (low, high)}, at townships too)
PLANS = {
    "training": ("妇女技能培训班", (3, 11), {"sessions": (2, 6), "participants": (60, 240)}, True),
    "rights_week": (
        "三八维权周普法宣传",
        (3, 3),
        {"sessions": (1, 3), "participants": (80, 400), "cases": (5, 30)},
        True,
    ),
    "volunteers": ("巾帼志愿服务", (4, 10), {"sessions": (2, 8), "participants": (20, 90), "served": (50, 300)}, True),
    "families": ("最美家庭评选", (5, 6), {"sessions": (1, 2), "households": (40, 160)}, True),
    "screening": ("农村妇女两癌筛查", (6, 9), {"served": (1800, 2600), "amount": (150_000, 260_000)}, False),
    "chunlei": ("春蕾助学金发放", (8, 9), {"served": (30, 60), "amount": (45_000, 90_000)}, False),
    "hotline": ("12338热线接访", (1, 12), {"cases": (90, 160), "served": (100, 200)}, False),
    "lectures": ("巾帼宣讲", (4, 11), {"sessions": (10, 30), "participants": (800, 3000)}, False),
}
HONOURS = (
    ("431321", "全国巾帼文明岗", "national", datetime.date(2025, 3, 5), "全国妇联"),
    ("431321101", "湖南省巾帼文明岗", "province", datetime.date(2024, 3, 6), "湖南省妇联"),
    ("431321102001", "娄底市巾帼示范社区", "city", datetime.date(2025, 6, 18), "娄底市妇联"),
    ("431321102203", "双峰县巾帼示范村", "county", datetime.date(2025, 10, 9), "双峰县妇联"),
)


def apply_activities() -> tuple[int, int]:
    """(activities, honours) created."""
    county = OrgUnit.objects.get(code=COUNTY)
    townships = list(OrgUnit.objects.children_of(county).filter(kind__is_area=True).order_by("code")[:6])
    campaigns = {year: _campaign(county, year) for year in FIGURE_YEARS}
    stored = set(Activity.objects.filter(unit__in=[county, *townships]).values_list("unit_id", "title", "started_on"))
    types = {t.code: t for t in ActivityType.objects.all()}
    created = 0
    for year in FIGURE_YEARS:
        for code, plan in PLANS.items():
            for unit in [county, *townships] if plan[3] else [county]:
                created += _activity(unit, types[code], plan, year, campaigns[year], stored)
    return created, _honours()


def _campaign(county: OrgUnit, year: int) -> Campaign:
    name = f"双峰县“巾帼建功”行动（{year}年）"
    return Campaign.objects.filter(name=name, owner=county).first() or campaign_create(
        name=name, owner=county, year=year
    )


def _activity(unit, activity_type, plan, year, campaign, stored) -> int:
    title, (first, last), counts, _townships = plan
    rng = seeded("activity", unit.code, activity_type.code, year)
    started = between(rng, datetime.date(year, first, 1), datetime.date(year, last, 28))
    name = f"{unit.name}{year}年{title}"
    if (unit.pk, name, started) in stored:
        return 0
    figures = {count: rng.randint(low, high) for count, (low, high) in counts.items()}
    if "amount" in figures:
        figures["amount"] = Decimal(figures["amount"])
    activity_create(
        unit=unit,
        type=activity_type,
        campaign=campaign if activity_type.code in ("training", "volunteers") else None,
        title=name,
        started_on=started,
        approximate=activity_type.code == "lectures",
        **figures,
    )
    return 1


def _honours() -> int:
    created = 0
    for code, title, level, on, by in HONOURS:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or Honour.objects.filter(unit=unit, title=title, awarded_on=on).exists():
            continue
        honour_create(unit=unit, title=title, level=level, awarded_on=on, awarded_by=by)
        created += 1
    return created
