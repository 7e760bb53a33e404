"""Old codes keep working after a division change (issue 17): the unit list finds a unit by a code it
had, labelled 原代码, within her own subtree only; the statistics import maps last year's codes to
their units as of each period's last day and says so in the preview; the unit list's 截至日期 shows
the units of a past day as they were."""

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from access.models import Assignment
from access.scope import Scope
from imports.errors import format_row_error
from imports.spreadsheets import find_table
from orgunits.division_apply import divisions_apply
from orgunits.division_matching import MappingEntry
from orgunits.errors import FORMER_CODE
from orgunits.loader import Division, load_divisions
from orgunits.models import OrgUnit
from orgunits.old_codes import OLD_CODE_MERGED, OLD_CODE_RECODED
from orgunits.unit_import import COLUMNS, check_table
from rosters.models import Appointment
from stats.models import DataValue
from tests.base import UNIT_PERMS, admin_url, make_user, page_text, unit
from tests.orgunits.changed_county import CHANGED_ON, EDITION_2022, EDITION_2023, MAPPING, ChangedCountyTestCase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BING, JIA = "431302103201", "431302106201"

FANGSHI_BEFORE, FANGSHI_NOW = "431302101210", "431302101012"


class OldCodeSearchTests(ChangedCountyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county_clerk = make_user("county-clerk", perms=UNIT_PERMS)
        cls.other_clerk = make_user("other-clerk", perms=UNIT_PERMS)
        shuangfeng = unit("431321")
        Assignment.objects.create(user=cls.county_clerk, unit=cls.county, role=Assignment.Role.MANAGER)
        Assignment.objects.create(user=cls.other_clerk, unit=shuangfeng, role=Assignment.Role.MANAGER)

    def search(self, user, term: str) -> str:
        self.client.force_login(user)
        response = self.client.get(admin_url("orgunit_changelist"), {"q": term})
        assert response.status_code == 200
        return page_text(response)

    def test_an_old_code_finds_the_unit_labelled_with_it(self):
        text = self.search(self.county_clerk, FANGSHI_BEFORE)
        assert "方石社区" in text and FANGSHI_NOW in text and f"原代码 {FANGSHI_BEFORE}" in text

    def test_an_old_prefix_finds_the_units_recoded_under_it(self):
        text = self.search(self.county_clerk, "431302102")  # 茅塘乡, now 茅塘镇 431302106
        assert "茅塘镇" in text and "甲村" in text and "乙村" in text
        assert "原代码 431302102201" in text

    def test_a_current_code_is_not_labelled(self):
        text = self.search(self.county_clerk, FANGSHI_NOW)
        assert "方石社区" in text and "原代码" not in text

    def test_outside_her_subtree_an_old_code_finds_nothing(self):
        text = self.search(self.other_clerk, FANGSHI_BEFORE)
        assert "方石社区" not in text and "原代码" not in text


class OldCodesInImportsTests(TestCase):
    """Last year's file: 方石村's old code, and 丙村, merged into 甲村 on the day of the change."""

    @classmethod
    def setUpTestData(cls):
        extra = [Division("431302103", "石门乡", "township", "431302"), Division(BING, "丙村", "village", "431302103")]
        load_divisions([*EDITION_2022, *extra])
        OrgUnit.objects.update(org_established_on=datetime.date(2020, 1, 1))
        mapping = [*MAPPING, MappingEntry(3, BING, JIA, "并入")]
        divisions_apply(divisions=EDITION_2023, on=CHANGED_ON, edition="2023", under=unit("431302"), mapping=mapping)

    def import_stats(self, *args) -> str:
        out = StringIO()
        call_command("import_stats", str(FIXTURES / "stats" / "old_codes.csv"), *args, stdout=out)
        return out.getvalue()

    def test_the_preview_says_where_each_old_code_went(self):
        fangshi, jia = unit(FANGSHI_NOW), unit(JIA)
        lines = self.import_stats("--dry-run").splitlines()
        recoded = OLD_CODE_RECODED.format(old=FANGSHI_BEFORE, on=CHANGED_ON, new=FANGSHI_NOW, name=fangshi.name)
        merged = OLD_CODE_MERGED.format(
            old=BING, old_name="丙村", on=CHANGED_ON, new=JIA, name=jia.name, day=datetime.date(2023, 12, 31)
        )
        assert lines[:2] == [
            format_row_error(2, "单位代码", FANGSHI_BEFORE, recoded),
            format_row_error(4, "单位代码", BING, merged),
        ]
        assert not DataValue.objects.exists()

    def test_figures_go_to_the_unit_as_of_the_periods_last_day(self):
        self.import_stats()
        found = {
            (value.unit.code, str(value.period)): value.total for value in DataValue.objects.select_related("unit")
        }
        # 丙村's 2022 figure stays on 丙村 (closed since); its 2023 figure is 甲村's.
        assert found == {(FANGSHI_NOW, "2022"): 1210, (BING, "2022"): 800, (JIA, "2023"): 805}

    def test_the_admin_preview_lists_them_under_说明(self):
        self.client.force_login(make_user("root", superuser=True))
        with (FIXTURES / "stats" / "old_codes.csv").open("rb") as handle:
            response = self.client.post(admin_url("datavalue_import"), {"import_file": handle, "format": "0"})
        text = response.content.decode()
        assert "说明（共 2 处）" in text
        assert "代码431302103201（丙村）已于2023-06-30并入431302106201（甲村）" in text
        assert not DataValue.objects.exists()

    def test_the_officer_import_takes_an_old_code_too(self):
        out = StringIO()
        call_command("import_officers", str(FIXTURES / "officers" / "old_code.csv"), stdout=out)
        fangshi = unit(FANGSHI_NOW)
        recoded = OLD_CODE_RECODED.format(old=FANGSHI_BEFORE, on=CHANGED_ON, new=FANGSHI_NOW, name=fangshi.name)
        # The officer import never repeats a cell's value (it may be personal data).
        assert out.getvalue().splitlines()[0] == format_row_error(2, "单位代码", "", recoded)
        assert Appointment.objects.get().unit == fangshi


class UnitListAsOfTests(ChangedCountyTestCase):
    """The unit list's 截至日期: the units open on a past day, where and as they were then."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county_clerk = make_user("county-clerk", perms=UNIT_PERMS)
        cls.other_clerk = make_user("other-clerk", perms=UNIT_PERMS)
        Assignment.objects.create(user=cls.county_clerk, unit=cls.county, role=Assignment.Role.MANAGER)
        Assignment.objects.create(user=cls.other_clerk, unit=unit("431321"), role=Assignment.Role.MANAGER)

    def page(self, user, **params) -> str:
        self.client.force_login(user)
        response = self.client.get(admin_url("orgunit_changelist"), {"as_of": "2023-06-29", **params})
        assert response.status_code == 200
        return page_text(response)

    def test_the_county_on_the_eve_of_the_change(self):
        text = self.page(self.county_clerk, parent=self.county.pk)
        assert "茅塘乡" in text and "现代码 431302106" in text
        assert "兴隆街道" not in text  # opened on the day of the change

    def test_a_township_has_the_villages_it_had_then(self):
        maotang, shanshan = unit("431302106"), unit("431302101")
        then_maotang = self.page(self.county_clerk, parent=maotang.pk)
        assert "甲村" in then_maotang and "大坪村" not in then_maotang
        then_shanshan = self.page(self.county_clerk, parent=shanshan.pk)
        assert "大坪村" in then_shanshan and "方石村" in then_shanshan and "方石社区" not in then_shanshan

    def test_the_choice_is_offered_for_the_eve_of_each_change(self):
        assert "2023-06-29（2023-06-30调整前）" in self.page(self.county_clerk)

    def test_another_county_sees_none_of_it(self):
        text = self.page(self.other_clerk, parent=self.county.pk)
        assert "茅塘乡" not in text and "方石村" not in text


class UnitImportFormerCodeTests(ChangedCountyTestCase):
    """The unit import would make a second unit of a code a unit had before a change: it refuses the
    row and names the code today, to her only."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county_clerk = make_user("county-clerk", perms=UNIT_PERMS)
        cls.other_clerk = make_user("other-clerk", perms=UNIT_PERMS)
        Assignment.objects.create(user=cls.county_clerk, unit=cls.county, role=Assignment.Role.MANAGER)
        Assignment.objects.create(user=cls.other_clerk, unit=unit("431321"), role=Assignment.Role.MANAGER)

    def plan(self, user, *rows):
        header = ["代码", "名称", "类型", "上级代码"]
        return check_table(find_table([header, *map(list, rows)], COLUMNS), scope=Scope.for_user(user))

    def test_a_former_code_is_refused_naming_the_code_today(self):
        result = self.plan(self.county_clerk, [FANGSHI_BEFORE, "方石村", "村", "431302101"])
        fangshi = unit(FANGSHI_NOW)
        expected = FORMER_CODE.format(old=FANGSHI_BEFORE, on=CHANGED_ON, new=FANGSHI_NOW, name=fangshi.name)
        assert result.rows[0].errors["代码"] == [expected]
        assert not result.valid

    def test_a_former_parent_code_is_refused_too(self):
        result = self.plan(self.county_clerk, ["431302102299", "新村", "村", "431302102"])
        maotang = unit("431302106")
        expected = FORMER_CODE.format(old="431302102", on=CHANGED_ON, new=maotang.code, name=maotang.name)
        assert expected in result.rows[0].errors["上级代码"]

    def test_to_another_county_the_former_code_names_nothing(self):
        result = self.plan(self.other_clerk, [FANGSHI_BEFORE, "方石村", "村", "431302101"])
        assert "方石社区" not in str(result.rows[0].errors) and FANGSHI_NOW not in str(result.rows[0].errors)
