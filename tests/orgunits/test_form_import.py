"""The organisation form change import (会改联 records, issue 18): rows in any order, each unit's changes
checked in date order against those recorded, all or nothing, Chinese errors by row and column, scoped
like every import; a code from before a division change means its unit as of the row's date."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError

from access.models import Assignment
from access.scope import Scope
from imports.errors import UNKNOWN_UNIT, format_row_error
from imports.spreadsheets import find_table, read_upload
from orgunits import errors
from orgunits.form_import import COLUMNS, FormChangeImporter
from orgunits.models import OrgForm, OrgFormChange, OrgUnit
from orgunits.old_codes import OLD_CODE_RECODED
from orgunits.org_forms import form_on
from tests.base import UNIT_PERMS, admin_url, make_user, unit
from tests.orgunits.changed_county import CHANGED_ON, ChangedCountyTestCase

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "orgforms" / "huigailian.csv"
HEADER = ["单位代码", "单位名称", "变更日期", "原组织形式", "新组织形式", "说明"]
JIA, DAPING_BEFORE, DAPING_NOW, FANGSHI = "431302106201", "431302101201", "431302106203", "431302101012"


def plan_of(rows, *, scope=None, header=HEADER):
    return FormChangeImporter().plan(find_table([header, *map(list, rows)], COLUMNS), scope=scope)


def errors_of(plan) -> dict[int, dict[str, list[str]]]:
    return {row.number: dict(row.errors) for row in plan.rows if row.errors}


class FormChangeImportTests(ChangedCountyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.filter(opened_on__isnull=True).update(org_established_on=datetime.date(2000, 1, 1))
        cls.county_clerk = make_user("county-clerk", perms=[*UNIT_PERMS, "view_orgformchange", "add_orgformchange"])
        cls.other_clerk = make_user("other-clerk", perms=[*UNIT_PERMS, "view_orgformchange", "add_orgformchange"])
        Assignment.objects.create(user=cls.county_clerk, unit=cls.county, role=Assignment.Role.MANAGER)
        Assignment.objects.create(user=cls.other_clerk, unit=unit("431321"), role=Assignment.Role.MANAGER)

    def fixture_plan(self, user=None):
        table = find_table(read_upload(FIXTURE.read_bytes(), FIXTURE.name), COLUMNS)
        return FormChangeImporter().plan(table, scope=Scope.for_user(user) if user else None)

    def test_the_fixture_imports_in_any_order_and_old_codes_map_to_their_units(self):
        plan = self.fixture_plan(self.county_clerk)
        assert plan.valid, plan.messages()
        daping = unit(DAPING_NOW)
        note = OLD_CODE_RECODED.format(old=DAPING_BEFORE, on=CHANGED_ON, new=DAPING_NOW, name=daping.name)
        assert plan.notes() == [format_row_error(3, "单位代码", DAPING_BEFORE, note)]
        FormChangeImporter().write(plan)
        jia = unit(JIA)
        assert [
            (c.changed_on.isoformat(), c.from_form, c.to_form) for c in jia.form_changes.order_by("changed_on")
        ] == [
            ("2012-01-01", OrgForm.WOMEN_ORG, OrgForm.CONGRESS),
            ("2017-06-30", OrgForm.CONGRESS, OrgForm.FEDERATION),
        ]
        assert form_on(jia, datetime.date(2011, 1, 1)) == OrgForm.WOMEN_ORG
        assert form_on(daping, datetime.date(2017, 4, 30)) == OrgForm.CONGRESS
        assert OrgFormChange.objects.count() == 4 and OrgFormChange.history.count() == 4

    def test_a_broken_chain_is_told_by_row_and_column_and_nothing_is_written(self):
        plan = plan_of(
            [
                [JIA, "甲村", "2017-06-30", "妇代会", "妇联", ""],
                [JIA, "甲村", "2019-01-01", "妇代会", "妇女组织", ""],  # it was a 妇联 by then
                [FANGSHI, "方石社区", "1999-01-01", "妇代会", "妇联", ""],  # before its organisation
                [FANGSHI, "方石社区", "2018-01-01", "", "妇代会会", ""],
            ]
        )
        assert errors_of(plan) == {
            # Which of the two is wrong, the file cannot tell: both rows say why they do not follow.
            2: {"新组织形式": [errors.FORM_CHANGE_TO.format(on=datetime.date(2019, 1, 1), form="妇代会")]},
            3: {"原组织形式": [errors.FORM_CHANGE_FROM.format(on=datetime.date(2017, 6, 30), form="妇联")]},
            4: {"变更日期": [errors.FORM_CHANGE_NO_ORG.format(on=datetime.date(1999, 1, 1))]},
            5: {"新组织形式": [errors.UNKNOWN_ORG_FORM.format(choices="妇联、妇代会、妇委会、妇女组织")]},
        }
        with self.assertRaises(ValidationError):
            FormChangeImporter().write(plan)
        assert not OrgFormChange.objects.exists()

    def test_the_same_day_twice_and_missing_cells(self):
        plan = plan_of(
            [
                [JIA, "甲村", "2017-06-30", "妇代会", "妇联", ""],
                [JIA, "甲村", "2017-06-30", "妇联", "妇代会", ""],
                ["", "甲村", "", "", "", ""],
                [JIA, "甲村", "2017-13-01", "", "妇联", ""],
            ]
        )
        found = errors_of(plan)
        assert found[3]["变更日期"] == [errors.FORM_CHANGE_DATE_TAKEN.format(on=datetime.date(2017, 6, 30))]
        assert set(found[4]) == {"单位代码", "变更日期", "新组织形式"}
        assert "变更日期" in found[5]

    def test_without_the_from_column_the_form_the_day_before_is_taken(self):
        header = ["单位代码", "变更日期", "新组织形式"]
        plan = plan_of([[JIA, "2017-06-30", "妇代会"]], header=header)  # a 妇联 by default until then
        assert plan.valid
        FormChangeImporter().write(plan)
        change = unit(JIA).form_changes.get()
        assert (change.from_form, change.to_form) == (OrgForm.FEDERATION, OrgForm.CONGRESS)
        assert unit(JIA).effective_org_form == OrgForm.CONGRESS

    def test_another_countys_codes_read_as_unknown(self):
        plan = plan_of([[JIA, "甲村", "2017-06-30", "妇代会", "妇联", ""]], scope=Scope.for_user(self.other_clerk))
        assert errors_of(plan) == {2: {"单位代码": [UNKNOWN_UNIT.format(code=JIA)]}}

    def test_the_admin_preview_and_confirm(self):
        self.client.force_login(self.county_clerk)
        with FIXTURE.open("rb") as handle:
            response = self.client.post(admin_url("orgformchange_import"), {"import_file": handle, "format": "0"})
        assert response.status_code == 200
        assert "新增 4 行" in response.content.decode()
        confirm = response.context["confirm_form"].initial
        response = self.client.post(admin_url("orgformchange_process_import"), confirm)
        assert response.status_code == 302 and OrgFormChange.objects.count() == 4

    def test_the_other_county_cannot_import_them(self):
        self.client.force_login(self.other_clerk)
        with FIXTURE.open("rb") as handle:
            response = self.client.post(admin_url("orgformchange_import"), {"import_file": handle, "format": "0"})
        assert UNKNOWN_UNIT.format(code=JIA) in response.content.decode()
        assert response.context.get("confirm_form") is None and not OrgFormChange.objects.exists()
