"""A county whose coverage table is wide: all ten kinds that a county can hold have eligible units.

宽表县 (970101) holds, besides itself: twelve 镇 (each with 村 and a 社区, an enterprise and a social
organisation), two 街道 (社区 and an enterprise each), one 开发区 (a 村, a 社区, two enterprises), and
county agencies and institutions. Every third village, the enterprises of every fourth township and
one institution have no women's organisation, so the cells read like "15/24" and the rates like
"83.3%". The table has the name column, ten kind columns, the total and the rate: thirteen columns,
wider than an A4 page even in landscape.
"""

import datetime

from orgunits.loader import Division, load_divisions
from orgunits.models import OrgUnit

COUNTY = "970101"
YEAR = 2012
ESTABLISHED = datetime.date(2010, 3, 8)
TOWNSHIPS = 12
VILLAGES_PER_TOWNSHIP = 3
DEVZONE_NAME = "宽表经济技术开发区"


def township_code(n: int) -> str:
    return f"{COUNTY}{100 + n:03d}"


def _area_children() -> list[Division]:
    divisions = []
    for t in range(1, TOWNSHIPS + 1):
        code = township_code(t)
        divisions.append(Division(code, f"第{t}镇", "township", COUNTY))
        divisions += [
            Division(f"{code}{200 + n:03d}", f"{t}镇{n}村", "village", code)
            for n in range(1, VILLAGES_PER_TOWNSHIP + 1)
        ]
        divisions.append(Division(f"{code}001", f"{t}镇社区", "community", code))
        divisions.append(Division(f"E{code}", f"{t}镇企业", "enterprise", code))
        divisions.append(Division(f"S{code}", f"{t}镇协会", "social_org", code))
    for s in (1, 2):
        code = f"{COUNTY}{s:03d}"
        divisions.append(Division(code, f"第{s}街道", "street", COUNTY))
        divisions += [Division(f"{code}{n:03d}", f"{s}街道{n}社区", "community", code) for n in (1, 2)]
        divisions.append(Division(f"E{code}", f"{s}街道企业", "enterprise", code))
    zone = f"{COUNTY}401"
    divisions += [
        Division(zone, DEVZONE_NAME, "devzone", COUNTY),
        Division(f"{zone}201", "园区村", "village", zone),
        Division(f"{zone}001", "园区社区", "community", zone),
        Division(f"E{zone}1", "园区一厂", "enterprise", zone),
        Division(f"E{zone}2", "园区二厂", "enterprise", zone),
    ]
    return divisions


def wide_divisions() -> list[Division]:
    divisions = [
        Division("97", "宽表省", "province", None),
        Division("9701", "宽表市", "city", "97"),
        Division(COUNTY, "宽表县", "county", "9701"),
        *_area_children(),
    ]
    divisions += [Division(f"A{COUNTY}-{n:03d}", f"县直机关{n}", "agency", COUNTY) for n in range(1, 8)]
    divisions += [Division(f"I{COUNTY}-{n:03d}", f"县直事业{n}", "institution", COUNTY) for n in range(1, 5)]
    return divisions


def without_organisation() -> list[str]:
    villages = [
        f"{township_code(t)}{200 + n:03d}"
        for t in range(1, TOWNSHIPS + 1)
        for n in range(1, VILLAGES_PER_TOWNSHIP + 1)
        if (t * VILLAGES_PER_TOWNSHIP + n) % 3 == 0
    ]
    enterprises = [f"E{township_code(t)}" for t in range(4, TOWNSHIPS + 1, 4)]
    return [*villages, *enterprises, f"I{COUNTY}-004"]


def build_wide_county() -> OrgUnit:
    load_divisions(wide_divisions())
    county = OrgUnit.objects.get(code=COUNTY)
    OrgUnit.objects.subtree(county).update(org_established_on=ESTABLISHED)
    OrgUnit.objects.filter(code__in=without_organisation()).update(org_established_on=None)
    return county
