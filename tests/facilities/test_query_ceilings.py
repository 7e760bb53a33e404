"""Query ceilings of the facility import, its export and the 阵地覆盖 page (tests/query_ceilings.py builds
the world: 探针镇 with N villages, each with a 妇女之家, growing to 3N)."""

from django.urls import reverse

from facilities.facility_import import export_rows
from facilities.models import Facility
from imports.spreadsheets import table_csv
from orgunits.models import OrgUnit
from tests.query_ceilings import USERS, CeilingWorld

# (superuser, county clerk), measured on PostgreSQL. An import is asked with a file of N changed and N
# new rows, then 3N and 3N.
CEILINGS = {
    "facilities.facility import preview": (6, 10),
    "facilities.facility import confirm": (12, 16),
    "facilities.facility export xlsx": (6, 9),
    "facilities.facility export csv": (6, 9),
    # The coverage itself is five: the tree's state on the day, the kinds with their expected unit
    # kinds, the unit kinds, the one grouped query and the children.
    "facilities coverage": (9, 12),
}


class FacilityCeilingTests(CeilingWorld):
    def villages(self, count: int) -> list[OrgUnit]:
        return list(OrgUnit.objects.children_of(self.probe).order_by("code")[:count])

    def facility_file(self, user: str, rows: int) -> bytes:
        """rows 妇女之家 of 探针镇 given a note, and rows new 巾帼书屋 (a new date for each file)."""
        villages = self.villages(rows)
        headers, changed = export_rows(Facility.objects.filter(unit__in=villages, kind__code="women_home"))
        for row in changed:
            row[6] = f"{user}{rows}"
        month = f"2021-{1 + USERS.index(user) * 2 + (rows > 6):02d}"  # a month of its own for each file
        new = [[v.code, v.name, "巾帼书屋", "", f"{month}-01", f"{month}-20", ""] for v in villages]
        return table_csv(headers, changed + new)

    def test_the_import_costs_the_same_whatever_the_length_of_the_file(self):
        self.grow()
        self.assert_import_constant(CEILINGS, "facilities.facility import", "facilities_facility", self.facility_file)

    def test_the_export_and_the_coverage_page_cost_the_same_whatever_their_length(self):
        def pages():
            export = reverse("admin:facilities_facility_export") + f"?q={self.probe.code}"
            return {
                "facilities.facility export xlsx": export,
                "facilities.facility export csv": export + "&format=csv",
                "facilities coverage": reverse("facilities_coverage") + f"?unit={self.probe.pk}&on=2025-12-31",
            }

        self.assert_constant(CEILINGS, pages, shown=lambda response: len(response.content))
