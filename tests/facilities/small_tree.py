"""阵地镇, a small township of 双峰县 built for the facility tests, its figures counted by hand.

阵地镇 (431321190) on 2025-12-31:
- 6 villages and 2 communities open, 1 village closed on 2025-06-30 (not counted), 1 opened on
  2026-03-01 (not yet counted), 1 agency (not expected to have any facility);
- 妇女之家: 4 of the 6 villages and both communities, one more village's closed on 2025-10-01
  (no longer counted), the agency has one too (kept, not counted): 6 of 8 → 75%;
- 儿童之家: 2 villages, 1 community: 3 of 8 → 37.5%;
- 巾帼书屋: one village, opened on 2026-01-15 (after the date): 0 of 8 → 0%.
The township itself is not of an expected kind, so it has no 本级 row; the agency's row is 乡镇直属单位
with nothing expected, so it has no row either.
"""

from facilities.models import FacilityKind
from facilities.services import facility_create
from orgunits.services import unit_create
from tests.base import day, kind

ON = day("2025-12-31")
TOWNSHIP_CODE = "431321190"


def facility_kind(code: str) -> FacilityKind:
    return FacilityKind.objects.get(code=code)


def build(county):
    township = unit_create(parent=county, code=TOWNSHIP_CODE, name="阵地镇", kind=kind("township"))
    villages = [
        unit_create(parent=township, code=f"{TOWNSHIP_CODE}2{n:02d}", name=f"阵地{n}村", kind=kind("village"))
        for n in range(1, 7)
    ]
    communities = [
        unit_create(parent=township, code=f"{TOWNSHIP_CODE}0{n:02d}", name=f"阵地{n}社区", kind=kind("community"))
        for n in range(1, 3)
    ]
    closed = unit_create(
        parent=township, code=f"{TOWNSHIP_CODE}207", name="撤并村", kind=kind("village"), closed_on=day("2025-06-30")
    )
    late = unit_create(
        parent=township, code=f"{TOWNSHIP_CODE}208", name="新设村", kind=kind("village"), opened_on=day("2026-03-01")
    )
    agency = unit_create(parent=township, code=f"{TOWNSHIP_CODE}401", name="阵地镇司法所", kind=kind("agency"))
    women, children, books = (facility_kind(code) for code in ("women_home", "children_home", "book_house"))
    opened = day("2020-03-08")
    for unit in [*villages[:4], *communities]:
        facility_create(unit=unit, kind=women, opened_on=opened, name=f"{unit.name}妇女之家")
    facility_create(unit=villages[4], kind=women, opened_on=opened, closed_on=day("2025-10-01"))
    facility_create(unit=closed, kind=women, opened_on=opened, closed_on=day("2025-06-30"))
    facility_create(unit=agency, kind=women, opened_on=opened)
    for unit in (villages[0], villages[1], communities[0]):
        facility_create(unit=unit, kind=children, opened_on=opened)
    facility_create(unit=villages[5], kind=books, opened_on=day("2026-01-15"))
    return township, villages, communities, late
