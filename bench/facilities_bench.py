"""Bench section 9: 阵地覆盖 (facilities.coverage) on what is loaded, beside a raw grouped SQL baseline.

One 妇女之家 for every village and community of a province (湖南, 43) when the national tree is loaded,
else of whatever villages are loaded under it; then the coverage of a county (双峰县) and of the nation
(the whole tree as loaded), timed against one raw GROUP BY over the same path range that counts the
units and their facilities by child and kind without the tree-as-of-a-date and the expected kinds.
Seeded once with plain SQL (not timed); a second run reuses the facilities.
"""

import statistics
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.coverage import facility_coverage
from facilities.models import Facility, FacilityKind
from orgunits.models import OrgUnit

REPEATS = 15
COUNTY_BUDGET_MS = 20
NATION_BUDGET_MS = 500
ON = date(2024, 12, 31)
PROVINCE_CODE = "43"
COUNTY_CODE = "431321"


def seed_facilities() -> str:
    """One 妇女之家, open since 2018, at every village and community of the province (if loaded)."""
    women = FacilityKind.objects.get(code="women_home")
    if Facility.objects.filter(kind=women).exists():
        return f"沿用库中已有的阵地（{Facility.objects.count()} 个）。"
    province = OrgUnit.objects.filter(code=PROVINCE_CODE).first() or OrgUnit.objects.get(depth=1)
    expected = list(women.expected_in.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Facility._meta.db_table} (unit_id, kind_id, name, opened_on, closed_on, note)"
            f" SELECT id, %s, '', '2018-03-08', NULL, '' FROM {OrgUnit._meta.db_table}"
            " WHERE path LIKE %s AND kind_id = ANY(%s)",
            [women.pk, province.path + "%", expected],
        )
        count = cursor.rowcount
        cursor.execute(f"ANALYZE {Facility._meta.db_table}")
    return f"先在{province.name}的每个村、社区各建一个妇女之家（{count} 个，SQL 直接写入，不计入结果）。"


def raw_grouped(unit: OrgUnit) -> list[tuple]:
    """The baseline: units and those with a facility, by child branch and kind, in one GROUP BY."""
    prefix = (unit.depth + 1) * OrgUnit.steplen
    low, high = unit.path, unit.path + "Z" * (255 - len(unit.path))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT substr(u.path, 1, %s), u.kind_id, count(*), count(f.id) FROM {OrgUnit._meta.db_table} u"
            f" LEFT JOIN {Facility._meta.db_table} f ON f.unit_id = u.id AND f.closed_on IS NULL"
            " WHERE u.path BETWEEN %s AND %s GROUP BY 1, 2",
            [prefix, low, high],
        )
        return cursor.fetchall()


def bench_facilities(section, row_class, samples_ms, summary_ms, ms, times):
    section.notes.append(seed_facilities())
    county = OrgUnit.objects.filter(code=COUNTY_CODE).first()
    nation = OrgUnit.objects.get(depth=1)
    targets = [(nation, NATION_BUDGET_MS, "全国（已载入的整棵树）按省分行")]
    if county is not None:
        targets.insert(0, (county, COUNTY_BUDGET_MS, f"一个县按乡镇分行（{county.name}）"))
    for unit, budget, label in targets:
        size = OrgUnit.objects.subtree(unit).count()
        engine = samples_ms(lambda unit=unit: facility_coverage(unit, ON), REPEATS)
        raw = samples_ms(lambda unit=unit: raw_grouped(unit), REPEATS)
        with CaptureQueriesContext(connection) as queries:
            result = facility_coverage(unit, ON)
        median = statistics.median(engine)
        women = next(kind for kind in result.kinds if kind.code == "women_home") if result.kinds else None
        built = result.summary.tally(women) if women else None
        section.rows.append(
            row_class(
                f"{label}，{size} 个单位，妇女之家 {built.established if built else 0}/{built.eligible if built else 0}"
                f"（{len(queries)} 条 SQL）",
                summary_ms(engine),
                f"{ms(statistics.median(raw))}（同范围按下级、类型分组计数单位与阵地的原始 SQL）",
                times(median, statistics.median(raw)),
                section.check(median <= budget, f"中位数 ≤ {budget} ms", f"{label} 中位数 {ms(median)}"),
            )
        )
    section.notes.append(
        "引擎一次分组查询算出各下级、各阵地类型的应建（按阵地类型的应建单位类型、该日存续）与已建（该日在用）；"
        "基线只按同一路径范围分组计数单位与未停用的阵地，不做这些判断。"
    )
    return section
