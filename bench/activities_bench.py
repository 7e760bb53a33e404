"""Benchmark section: activity totals (活动统计, activities.totals) on the national tree.

Ten activities a year for two years are put at every township and street of 湖南省 (bulk, no history:
the rows are the bench's own, titled BENCH_TITLE and removed afterwards), then the totals of a county,
the province and the nation with 上年同期 are timed beside a raw grouped SQL over the same range: the
activities joined to their units by path range, summed per child branch and type.
"""

import random
import statistics
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from orgunits.models import OrgUnit

PROVINCE_CODE = "43"
COUNTY_CODE = "431321"
PER_TOWNSHIP_A_YEAR = 10
YEARS = (2024, 2025)
REPEATS = 15
COUNTY_BUDGET_MS = 20
NATION_BUDGET_MS = 500
BENCH_TITLE = "BENCH活动"
SEED = 2026


def bench_activities(Section, Row, *, samples_ms, summary_ms, ms, times):
    from activities.totals import activity_totals

    section = Section(
        f"9. 活动统计（{PROVINCE_CODE} 湖南省每个乡镇街道每年 {PER_TOWNSHIP_A_YEAR} 项活动，计时 {REPEATS} 次）"
    )
    created = seed_activities()
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    try:
        for label, code, budget in (
            ("一个县按乡镇分行", COUNTY_CODE, COUNTY_BUDGET_MS),
            ("一个省按市分行", PROVINCE_CODE, NATION_BUDGET_MS),
            ("全国按省分行", None, NATION_BUDGET_MS),
        ):
            unit = OrgUnit.objects.get(code=code) if code else OrgUnit.objects.get(depth=1)
            engine = samples_ms(lambda unit=unit: activity_totals(unit, start, end), REPEATS)
            raw = samples_ms(lambda unit=unit: raw_totals(unit, start, end), REPEATS)
            median = statistics.median(engine)
            section.rows.append(
                Row(
                    f"{label}（{unit.name}），含上年同期",
                    summary_ms(engine),
                    f"{ms(statistics.median(raw) * 2)}（原始分组 SQL，本期与上年各一次）",
                    times(median, statistics.median(raw) * 2),
                    section.check(median <= budget, f"中位数 ≤ {budget} ms", f"活动统计 {label} 中位数 {ms(median)}"),
                )
            )
    finally:
        remove_bench_activities()
    section.notes.append(f"先批量写入 {created:,} 项活动（不计入结果），结束后删除。")
    return section


def seed_activities() -> int:
    from activities.models import Activity, ActivityType

    province = OrgUnit.objects.get(code=PROVINCE_CODE)
    townships = list(
        OrgUnit.objects.subtree(province).filter(kind__code__in=("township", "street")).values_list("pk", flat=True)
    )
    types = list(ActivityType.objects.all())
    rng = random.Random(SEED)
    rows = []
    for unit_id in townships:
        for year in YEARS:
            for n in range(PER_TOWNSHIP_A_YEAR):
                kind = types[n % len(types)]
                rows.append(_activity(rng, unit_id, kind, year))
    Activity.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Activity._meta.db_table}")
    return len(rows)


def _activity(rng, unit_id, kind, year):
    from activities.models import Activity

    counts = {name: rng.randint(1, 500) for name, _phrase, _unit in kind.measures()}
    if "amount" in counts:
        counts["amount"] = Decimal(counts["amount"] * 100)
    started = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
    return Activity(unit_id=unit_id, type=kind, title=BENCH_TITLE, started_on=started, **counts)


def raw_totals(unit: OrgUnit, start: date, end: date) -> list[tuple]:
    from activities.models import Activity

    prefix = (unit.depth + 1) * OrgUnit.steplen
    low, high = unit.path, unit.path + "Z" * (255 - len(unit.path))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT substr(u.path, 1, %s), a.type_id, count(*), sum(a.sessions), sum(a.participants), sum(a.served),"
            f" sum(a.households), sum(a.cases), sum(a.amount) FROM {Activity._meta.db_table} a"
            f" JOIN {OrgUnit._meta.db_table} u ON u.id = a.unit_id"
            " WHERE u.path BETWEEN %s AND %s AND a.started_on BETWEEN %s AND %s GROUP BY 1, 2",
            [prefix, low, high, start, end],
        )
        return cursor.fetchall()


def remove_bench_activities() -> None:
    from activities.models import Activity

    Activity.objects.filter(title=BENCH_TITLE).delete()
