"""A county rebuilt from survey report 6 of the seed:

"全县15个乡镇、651个行政村、28个社区(居委会)、93个县直机关单位都建立了妇联组织,组建率达100%。
…全县总人口81万,其中女性人口38.24万人。现有党政机关女干部458人,占总数的19.7%。其中女科级干部139人,
占总数的6%。…县人大女代表27人,县政协女委员25人,分别占总数的10%、11%。女党员3954名,占总数的14%。
村党组织委员1971人,其中女委员317人,女支部书记28人;村委会委员1961人,其中女委员671人,女村主任21人。"

Totals the report leaves out are chosen to give its percentages: 2,325 cadres (458 → 19.7%,
139 → 6%), 270 deputies (27 → 10%), 227 CPPCC members (25 → 11%), 28,243 party members (3,954 → 14%).
"""

import datetime

from orgunits.loader import Division, load_divisions
from orgunits.models import OrgUnit
from reports.statistics import datavalues_save

COUNTY = "990101"
ESTABLISHED = datetime.date(2010, 3, 8)
YEAR = "2012"
TOWNSHIPS, VILLAGES, COMMUNITIES, AGENCIES = 15, 651, 28, 93

FIGURES = {
    "population": (810_000, 382_400),
    "cadres": (2325, 458),
    "section_cadres": (600, 139),
    "npc_deputies": (270, 27),
    "cppcc_members": (227, 25),
    "party_members": (28_243, 3954),
    "village_party_committee": (1971, 317),
    "branch_secretaries": (651, 28),
    "village_committee": (1961, 671),
    "village_heads": (651, 21),
}


def county6_divisions() -> list[Division]:
    divisions = [
        Division("99", "调研省", "province", None),
        Division("9901", "调研市", "city", "99"),
        Division(COUNTY, "调研县", "county", "9901"),
    ]
    townships = [f"{COUNTY}{n:03d}" for n in range(101, 101 + TOWNSHIPS)]
    divisions += [Division(code, f"第{i}镇", "township", COUNTY) for i, code in enumerate(townships, 1)]
    for n in range(VILLAGES):
        township = townships[n % TOWNSHIPS]
        divisions.append(Division(f"{township}{200 + n // TOWNSHIPS:03d}", f"村{n + 1}", "village", township))
    for n in range(COMMUNITIES):
        township = townships[n % TOWNSHIPS]
        divisions.append(Division(f"{township}{1 + n // TOWNSHIPS:03d}", f"社区{n + 1}", "community", township))
    divisions += [Division(f"A{COUNTY}-{n:03d}", f"县直机关{n}", "agency", COUNTY) for n in range(1, AGENCIES + 1)]
    return divisions


def build_county6() -> OrgUnit:
    load_divisions(county6_divisions())
    county = OrgUnit.objects.get(code=COUNTY)
    OrgUnit.objects.subtree(county).update(org_established_on=ESTABLISHED)
    datavalues_save(unit=county, period=YEAR, values=FIGURES)
    return county
