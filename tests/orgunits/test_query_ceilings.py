"""Query ceilings (issue 14) of the unit and officer spreadsheets, imported and exported, and of the
worklists. tests/query_ceilings.py builds the world and counts; tests/test_query_ceilings.py has
the admin's lists, history pages and autocompletes."""

import datetime

from django.urls import reverse

from imports.spreadsheets import table_csv
from orgunits import unit_export
from orgunits.models import OrgUnit
from rosters import duty_import, officer_export
from rosters.models import Appointment
from rosters.views import WORKLISTS
from tests.query_ceilings import USERS, CeilingWorld

# (superuser, county clerk), measured on PostgreSQL. An import is asked with a file of N changed
# and N new rows, then 3N and 3N. A clerk's confirm works out her scope twice: for the page (an
# import needs a unit she may edit) and for the rows (the resource's own).
CEILINGS = {
    # +1 since issue 17: whether any division change was applied, before refusing former codes.
    "orgunits.orgunit import preview": (7, 11),
    # PostgreSQL locks the unit table (counted) and writes the units and their history with COPY,
    # which goes past Django's cursor and is not counted; SQLite writes both with bulk_create.
    # The new units' parents and their last children are read in one query, whatever their number.
    "orgunits.orgunit import confirm": {"postgresql": (15, 19), "sqlite": (16, 20)},
    # +1 since issue 17: whether any division change was applied, before looking up old codes.
    "rosters.appointment import preview": (9, 13),
    # New people and appointments go in by COPY on PostgreSQL (imports/bulk_insert.py), their keys
    # taken from the sequence first: +1 per table there; their history is one INSERT … SELECT each.
    "rosters.appointment import confirm": {"postgresql": (21, 24), "sqlite": (19, 22)},
    # +2 since issue 17: the days offered by 截至日期, asked by both changelists the export builds.
    "orgunits.orgunit export xlsx": (12, 15),
    "orgunits.orgunit export csv": (12, 15),
    "rosters.appointment export xlsx": (11, 14),
    # +1 since issue 17: whether the tree changed after the date (orgunits.as_of); +1 more for the
    # lists of units, the kinds' names (a unit is listed with the kind it had on the date).
    "worklist terms-due": (8, 11),
    # +2 (busy +1) since the worklists kept per roster cell (rosters.busy_rollups, rosters.worklist_counts):
    # whether the tree changed, the cells' versions and their lists or counts, instead of the count (busy:
    # the ranking and the page's people, instead of the page and the count).
    "worklist busy": (8, 11),
    # −1 since the page asks once whether the tree changed, for the list and its count alike.
    "worklist without-chair": (10, 13),
    "worklist vacant-seats": (11, 14),  # the seats by kind: one query (PostSeats with its post)
    "worklist executives-below-norm": (11, 14),
    "rosters.dutyrecord import preview": (7, 11),
    "rosters.dutyrecord import confirm": (13, 17),
}

# Known per-row costs (the queries the larger file adds, as superuser and as clerk): none now.
GROWTH: dict[str, tuple[int, int]] = {}
# The first worklist page after the world grew counts its changed cells again (the list or count, and
# for 职数空缺 the seats; then the tallies kept and the outdated dropped): the superuser asks first at
# 3N, and the clerk then finds them kept.
WORKLIST_GROWTH = {f"worklist {name}": (4, 0) for name in ("busy", "vacant-seats", "executives-below-norm")}
WORKLIST_GROWTH["worklist without-chair"] = (3, 0)  # no seats to read


class UnitAndOfficerCeilingTests(CeilingWorld):
    def villages(self, count: int) -> list[OrgUnit]:
        return list(OrgUnit.objects.children_of(self.probe).select_related("kind").order_by("code")[:count])

    def unit_file(self, user: str, rows: int) -> bytes:
        """rows villages of 探针镇 renamed, and rows new ones."""
        headers, changed = unit_export.export_rows(self.villages(rows))
        for row in changed:
            row[1] += "（改）"
        first = 500 + 200 * USERS.index(user) + rows  # 3-digit codes no other file of the test uses
        new = []
        for number in range(first, first + rows):
            cells = {"代码": f"{self.probe.code}{number}", "名称": f"新设{number}村", "类型": "村"}
            cells |= {"上级代码": self.probe.code, "妇女组织成立日期": "2024-03-08"}
            new.append([cells.get(header, "") for header in headers])
        return table_csv(headers, changed + new)

    def officer_file(self, user: str, rows: int) -> bytes:
        """rows officers of 探针镇 made full-time, and rows new ones."""
        held = Appointment.objects.filter(unit__in=self.villages(rows)).prefetch_related("concurrent_roles")
        headers, changed = officer_export.export_rows(
            held.select_related("person", "unit", "post"), reveal_personal_data=True
        )
        mode = headers.index("任职方式")
        for row in changed:
            row[mode] = "专职"
        birth = datetime.date(1990, 1, 1) + datetime.timedelta(days=100 * USERS.index(user) + rows)
        new = []
        for i, village in enumerate(self.villages(rows)):
            cells = {"姓名": f"新任{user}{rows}-{i}", "性别": "女", "出生日期": birth.isoformat()}
            cells |= {"单位代码": village.code, "职务": "执委", "任职开始": "2022-01-01", "任职方式": "兼职"}
            new.append([cells.get(header, "") for header in headers])
        return table_csv(headers, changed + new)

    def duty_file(self, user: str, rows: int) -> bytes:
        """rows duties of 探针镇's villages changed (their stored record), and rows new ones."""
        headers = [header for _name, header in duty_import.COLUMNS]
        offset = 10 * USERS.index(user) + rows
        changed, new = [], []
        for village in self.villages(rows):
            person = village.appointments.get().person.name
            cells = {"姓名": person, "单位代码": village.code, "日期": "2023-03-01", "履职类型": "入户走访"}
            changed.append([{**cells, "联系妇女人数": 5 + offset}.get(h, "") for h in headers])
            later = (datetime.date(2023, 4, 1) + datetime.timedelta(days=offset)).isoformat()
            new.append([{**cells, "日期": later, "走访户数": 2}.get(h, "") for h in headers])
        return table_csv(headers, changed + new)

    def test_the_duty_import_costs_the_same_whatever_the_length_of_the_file(self):
        self.grow()
        self.assert_import_constant(CEILINGS, "rosters.dutyrecord import", "rosters_dutyrecord", self.duty_file)

    def test_the_unit_import_costs_the_same_whatever_the_length_of_the_file(self):
        self.grow()
        self.assert_import_constant(CEILINGS, "orgunits.orgunit import", "orgunits_orgunit", self.unit_file)

    def test_the_officer_import_costs_the_same_whatever_the_length_of_the_file(self):
        self.grow()
        self.assert_import_constant(
            CEILINGS, "rosters.appointment import", "rosters_appointment", self.officer_file, growth=GROWTH
        )

    def test_the_exports_cost_the_same_whatever_their_length(self):
        def pages():
            units = reverse("admin:orgunits_orgunit_export") + f"?parent={self.probe.pk}&whole=1"
            return {
                "orgunits.orgunit export xlsx": units,
                "orgunits.orgunit export csv": units + "&format=csv",
                "rosters.appointment export xlsx": reverse("admin:rosters_appointment_export")
                + f"?subtree={self.probe.pk}",
            }

        self.assert_constant(CEILINGS, pages, shown=lambda response: len(response.content))

    def test_the_worklists_cost_the_same_whatever_their_length(self):
        def pages():
            return {
                f"worklist {name}": reverse("rosters_worklist", args=[name]) + f"?unit={self.probe.pk}"
                for name in WORKLISTS
            }

        self.assert_constant(
            CEILINGS, pages, shown=lambda response: len(response.context["rows"]), growth=WORKLIST_GROWTH
        )
