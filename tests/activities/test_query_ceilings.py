"""Query ceilings (issue 14) of 活动统计, its exports, the activity export and the activity import:
the same whatever the number of villages and activities. tests/query_ceilings.py builds the world."""

from django.urls import reverse

from activities.activity_import import COLUMNS
from imports.spreadsheets import table_csv
from orgunits.models import OrgUnit
from tests.query_ceilings import USERS, YEAR, CeilingWorld

# (superuser, county clerk), measured on PostgreSQL. The import is asked with a file of N changed and
# N new rows, then 3N and 3N.
CEILINGS = {
    "activities totals": (11, 14),
    "activities totals export xlsx": (8, 11),
    "activities totals export csv": (8, 11),
    "activities.activity export": (6, 9),
    "activities.activity import preview": (6, 10),
    "activities.activity import confirm": (14, 18),
}


class ActivityCeilingTests(CeilingWorld):
    def test_the_totals_page_and_exports_cost_the_same_whatever_their_length(self):
        def pages():
            totals = reverse("activities_totals") + f"?unit={self.probe.pk}&year={YEAR}"
            return {
                "activities totals": totals,
                "activities totals export xlsx": totals + "&export=xlsx",
                "activities totals export csv": totals + "&export=csv",
                "activities.activity export": reverse("admin:activities_activity_export"),
            }

        self.assert_constant(CEILINGS, pages, shown=lambda response: len(response.content))

    def activity_file(self, user: str, rows: int) -> bytes:
        """rows villages' trainings changed, and rows new ones."""
        villages = list(OrgUnit.objects.children_of(self.probe).order_by("code")[:rows])
        bump = 100 + USERS.index(user) + rows
        changed = [[v.code, v.name, "培训", f"{v.name}培训", f"{YEAR}-04-01", "", bump, 50] for v in villages]
        new = [[v.code, v.name, "培训", f"{v.name}新培训{user}{rows}", f"{YEAR}-05-01", "", 2, 40] for v in villages]
        return table_csv([column.header for column in COLUMNS[:8]], changed + new)

    def test_the_import_costs_the_same_whatever_the_length_of_the_file(self):
        self.grow()
        self.assert_import_constant(CEILINGS, "activities.activity import", "activities_activity", self.activity_file)
