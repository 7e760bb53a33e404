"""A county rebuilt from survey report 6 of the seed, with gaps beside it.

"全县15个乡镇、651个行政村、28个社区(居委会)、93个县直机关单位都建立了妇联组织,组建率达100%。
…全县总人口81万,其中女性人口38.24万人。现有党政机关女干部458人,占总数的19.7%。其中女科级干部139人,
占总数的6%。…县人大女代表27人,县政协女委员25人,分别占总数的10%、11%。女党员3954名,占总数的14%。
村党组织委员1971人,其中女委员317人,女支部书记28人;村委会委员1961人,其中女委员671人,女村主任21人。"

Totals the report leaves out are chosen to give its percentages: 2,325 cadres (458 → 19.7%,
139 → 6%), 270 deputies (27 → 10%), 227 CPPCC members (25 → 11%), 28,243 party members (3,954 → 14%).

The seed's units (the county, 15 townships, 651 villages, 28 communities, 93 agencies) all have an
organisation since ESTABLISHED. Beside them GAPS adds, for every kind but the county itself, units that
tell "eligible" from "established": eligible without an organisation, not eligible (a per-unit
exclusion, or for agencies the rule "有6名以上女干部职工": fewer than 6 women on the staff), an
organisation dissolved before the report date, one set up after it, and a unit closed (merged)
before it. Every agency reports its staff for 2010, the latest figure for 2010 to 2012.

On 31 December 2012 (recount from GAPS):
                established of eligible: the seed's units, then the gaps
    county       1 of 1
    township    15 of 18    15 of 15 + 0 of 3 (未建镇, 解散镇, 后建镇); 不计镇 and 撤并镇 not counted
    village    652 of 656   651 of 651 + 1 of 5 (晚解散村 of 未建一村, 未建二村, 解散村, 晚解散村, 后建村);
                            不计村 and 撤并村 not counted
    community   28 of 31    28 of 28 + 0 of 3 (未建社区, 解散社区, 后建社区); 不计社区 and 撤并社区 not counted
    agency      94 of 97    93 of 93 + 1 of 4 (六女局 of 未建局, 六女局, 解散局, 后建局);
                            五女局, 不计局 and 撤并局 not counted
    total      790 of 803
On 31 December 2011 the dissolved organisations and the closed units still count, so: township 17 of 19,
village 654 of 657, community 30 of 32, agency 96 of 98, total 798 of 807.
"""

import datetime
from dataclasses import dataclass

from orgunits.loader import Division, load_divisions
from orgunits.models import OrgUnit, UnitKind
from stats.models import DataElement, EligibilityRule
from stats.services import datavalues_save

COUNTY = "990101"
ESTABLISHED = datetime.date(2010, 3, 8)
YEAR = "2012"
TOWNSHIPS, VILLAGES, COMMUNITIES, AGENCIES = 15, 651, 28, 93

DISSOLVED = datetime.date(2012, 6, 30)  # an organisation dissolved during 2012, before the report date
DISSOLVED_LATER = datetime.date(2013, 6, 30)  # after the report date: still established at the end of 2012
LATER = datetime.date(2013, 3, 8)  # an organisation set up after the report date
MERGED = datetime.date(2012, 9, 30)  # a unit closed during 2012; its organisation ends with it
STAFF_PERIOD = "2010"
SEED_AGENCY_STAFF = (40, 12)  # (total, female): every seed agency has 6 women or more
FEMALE_STAFF_MINIMUM = 6

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

FIRST_TOWNSHIP, SECOND_TOWNSHIP = f"{COUNTY}101", f"{COUNTY}102"


@dataclass(frozen=True)
class Gap:
    code: str
    name: str
    kind: str
    parent: str
    established: datetime.date | None = ESTABLISHED
    dissolved: datetime.date | None = None
    closed: datetime.date | None = None
    excluded: bool = False
    staff: tuple[int, int] | None = None  # agencies: (total, female) in STAFF_PERIOD


def _merged(code, name, kind, parent, **rest) -> Gap:
    return Gap(code, name, kind, parent, dissolved=MERGED, closed=MERGED, **rest)


GAPS = [
    # Townships, under the county, without villages of their own.
    Gap(f"{COUNTY}116", "未建镇", "township", COUNTY, established=None),
    Gap(f"{COUNTY}117", "不计镇", "township", COUNTY, excluded=True),  # has a 妇联, but does not count
    Gap(f"{COUNTY}118", "解散镇", "township", COUNTY, dissolved=DISSOLVED),
    Gap(f"{COUNTY}119", "后建镇", "township", COUNTY, established=LATER),
    _merged(f"{COUNTY}120", "撤并镇", "township", COUNTY),
    # Villages, all in 第1镇 (which has 44 seed villages).
    Gap(f"{FIRST_TOWNSHIP}250", "未建一村", "village", FIRST_TOWNSHIP, established=None),
    Gap(f"{FIRST_TOWNSHIP}251", "未建二村", "village", FIRST_TOWNSHIP, established=None),
    Gap(f"{FIRST_TOWNSHIP}252", "不计村", "village", FIRST_TOWNSHIP, excluded=True),
    Gap(f"{FIRST_TOWNSHIP}253", "解散村", "village", FIRST_TOWNSHIP, dissolved=DISSOLVED),
    Gap(f"{FIRST_TOWNSHIP}254", "晚解散村", "village", FIRST_TOWNSHIP, dissolved=DISSOLVED_LATER),
    Gap(f"{FIRST_TOWNSHIP}255", "后建村", "village", FIRST_TOWNSHIP, established=LATER),
    _merged(f"{FIRST_TOWNSHIP}256", "撤并村", "village", FIRST_TOWNSHIP),
    # Communities, all in 第2镇 (which has 2 seed communities).
    Gap(f"{SECOND_TOWNSHIP}010", "未建社区", "community", SECOND_TOWNSHIP, established=None),
    Gap(f"{SECOND_TOWNSHIP}011", "不计社区", "community", SECOND_TOWNSHIP, excluded=True),
    Gap(f"{SECOND_TOWNSHIP}012", "解散社区", "community", SECOND_TOWNSHIP, dissolved=DISSOLVED),
    Gap(f"{SECOND_TOWNSHIP}013", "后建社区", "community", SECOND_TOWNSHIP, established=LATER),
    _merged(f"{SECOND_TOWNSHIP}014", "撤并社区", "community", SECOND_TOWNSHIP),
    # Agencies, under the county. Eligible only with 6 women or more on the staff.
    Gap(f"A{COUNTY}-094", "未建局", "agency", COUNTY, established=None, staff=(30, 8)),
    Gap(f"A{COUNTY}-095", "六女局", "agency", COUNTY, staff=(20, 6)),  # exactly 6: eligible, established
    Gap(f"A{COUNTY}-096", "五女局", "agency", COUNTY, staff=(20, 5)),  # has a 妇委会, but 5 women: not eligible
    Gap(f"A{COUNTY}-097", "不计局", "agency", COUNTY, excluded=True, staff=(50, 20)),  # the exclusion beats the rule
    Gap(f"A{COUNTY}-098", "解散局", "agency", COUNTY, dissolved=DISSOLVED, staff=(30, 8)),
    Gap(f"A{COUNTY}-099", "后建局", "agency", COUNTY, established=LATER, staff=(30, 8)),
    _merged(f"A{COUNTY}-100", "撤并局", "agency", COUNTY, staff=(30, 8)),
]


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
    divisions += [Division(gap.code, gap.name, gap.kind, gap.parent) for gap in GAPS]
    return divisions


def build_county6() -> OrgUnit:
    load_divisions(county6_divisions())
    county = OrgUnit.objects.get(code=COUNTY)
    OrgUnit.objects.subtree(county).update(org_established_on=ESTABLISHED)
    for gap in GAPS:
        OrgUnit.objects.filter(code=gap.code).update(
            org_established_on=gap.established,
            org_dissolved_on=gap.dissolved,
            closed_on=gap.closed,
            eligibility=OrgUnit.Eligibility.EXCLUDED if gap.excluded else OrgUnit.Eligibility.DEFAULT,
        )
    datavalues_save(unit=county, period=YEAR, values=FIGURES)
    EligibilityRule.objects.create(
        kind=UnitKind.objects.get(code="agency"),
        element=DataElement.objects.get(code="staff"),
        part=EligibilityRule.Part.FEMALE,
        minimum=FEMALE_STAFF_MINIMUM,
    )
    staff = {f"A{COUNTY}-{n:03d}": SEED_AGENCY_STAFF for n in range(1, AGENCIES + 1)}
    staff.update({gap.code: gap.staff for gap in GAPS if gap.staff})
    for agency in OrgUnit.objects.filter(code__in=staff):
        datavalues_save(unit=agency, period=STAFF_PERIOD, values={"staff": staff[agency.code]})
    return county
