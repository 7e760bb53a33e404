"""import_honours and the honours list's import and export: any row order, all or nothing, Chinese
errors naming row and column, scope-checked, old codes mapped; the export imports back unchanged."""

import io
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from access.scope import OUT_OF_SCOPE, Scope
from activities import errors
from activities.honour_import import COLUMNS, HonourImporter, export_rows
from activities.models import Honour
from imports.errors import REQUIRED_VALUE, UNKNOWN_UNIT, format_row_error
from imports.spreadsheets import read_upload, table_csv
from orgunits.old_codes import OLD_CODE_RECODED
from tests.activities.helpers import honour
from tests.base import TreeTestCase, day, unit
from tests.conftest import FIXTURES
from tests.orgunits.changed_county import CHANGED_ON, ChangedCountyTestCase

CSV = FIXTURES / "honours" / "honours.csv"
XLSX = FIXTURES / "honours" / "honours.xlsx"
HEADERS = ["单位代码", "单位名称", "荣誉称号", "级别", "授予日期", "授予单位", "备注"]
LEVELS = "国家级、省级、市级、县级"
SAMPLE_STORED = [
    ("431321", "全国巾帼文明岗", "national", day("2025-03-05"), "全国妇联", "县妇联机关"),
    ("431321001", "双峰县三八红旗集体", "county", day("2025-03-08"), "双峰县妇联", ""),
    ("431321001001", "娄底市巾帼示范社区", "city", day("2025-06-18"), "娄底市妇联", ""),
    ("431321101", "湖南省巾帼文明岗", "province", day("2024-03-06"), "湖南省妇联", ""),
    ("431321101210", "双峰县巾帼示范村", "county", day("2025-10-09"), "双峰县妇联", ""),
]


def row(code="431321101", title="巾帼文明岗", level="省级", on="2025-03-08", by="湖南省妇联", note=""):
    return [code, "", title, level, on, by, note]


def plan_of(content: bytes, scope=None, name="honours.csv"):
    importer = HonourImporter()
    return importer, importer.plan(importer.read(read_upload(content, name)), scope=scope)


def plan_rows(*rows, scope=None):
    return plan_of(table_csv(HEADERS, list(rows)), scope=scope)


def stored():
    fields = ("unit__code", "title", "level", "awarded_on", "awarded_by", "note")
    return sorted(Honour.objects.values_list(*fields))


def run(path, *extra) -> str:
    out = StringIO()
    call_command("import_honours", str(path), *extra, stdout=out, stderr=out)
    return out.getvalue()


def message(number: int, column: str, value: str, text: str) -> str:
    return format_row_error(number, column, value, text)


class HonourImportTests(TreeTestCase):
    def test_the_columns_are_the_documented_ones(self):
        assert [column.header for column in COLUMNS] == HEADERS

    def test_the_sample_file_imports_and_a_second_run_changes_nothing(self):
        assert "5行：新增荣誉5项，修改0项，未变0行" in run(CSV, "--user", self.county_clerk.username)
        assert stored() == SAMPLE_STORED
        record = Honour.objects.get(title="全国巾帼文明岗").history.get()
        assert record.history_change_reason == "命令 import_honours honours.csv"
        assert "5行：新增荣誉0项，修改0项，未变5行" in run(CSV)

    def test_the_xlsx_sample_with_real_dates_in_another_order_imports_the_same(self):
        run(XLSX)
        assert stored() == SAMPLE_STORED

    def test_a_level_by_its_label_or_its_code(self):
        _importer, plan = plan_rows(row(level="国家级"), row(level="county", title="示范村"))
        assert [honour.level for honour in plan.to_create] == ["national", "county"]

    def test_dry_run_writes_nothing(self):
        assert "检查通过（未写入）：5行：新增荣誉5项" in run(CSV, "--dry-run")
        assert stored() == []

    def test_rows_in_any_order(self):
        header, *lines = CSV.read_bytes().decode("utf-8").splitlines()
        _importer, backward = plan_of("\n".join([header, *reversed(lines)]).encode())
        assert backward.valid, backward.messages()
        assert sorted((h.unit.code, h.title) for h in backward.to_create) == [(s[0], s[1]) for s in SAMPLE_STORED]

    def test_each_bad_cell_is_named_by_row_and_column_and_nothing_is_written(self):
        rows = [
            row(title="可以导入的一行"),
            row(code="431321999"),
            row(level="国际级"),
            row(on="2025-13-01"),
            row(title=""),
            row(level=""),
            row(on=""),
            row(code=""),
            row(title="长" * 101),
        ]
        with pytest.raises(CommandError) as refused:
            run(self.write_file(rows))
        assert str(refused.value).splitlines()[1:] == [
            message(3, "单位代码", "431321999", UNKNOWN_UNIT.format(code="431321999")),
            message(4, "级别", "国际级", errors.UNKNOWN_LEVEL.format(choices=LEVELS)),
            message(5, "授予日期", "2025-13-01", errors.BAD_DATE),
            message(6, "荣誉称号", "", REQUIRED_VALUE),
            message(7, "级别", "", REQUIRED_VALUE),
            message(8, "授予日期", "", REQUIRED_VALUE),
            message(9, "单位代码", "", REQUIRED_VALUE),
            message(10, "荣誉称号", "长" * 101, errors.TOO_LONG.format(limit=100)),
        ]
        assert stored() == []

    def test_the_same_honour_twice_in_the_file_names_the_first_row(self):
        _importer, plan = plan_rows(row(), row(title="其他"), row(level="省级", by="别的授予单位"))
        assert plan.messages() == [message(4, "单位代码", "431321101", errors.DUPLICATE_HONOUR.format(first=2))]
        # another level, date or unit is another honour
        _importer, plan = plan_rows(row(), row(level="市级"), row(on="2025-03-09"), row(code="431321001"))
        assert (plan.valid, len(plan.to_create)) == (True, 4)

    def test_an_honour_already_stored_is_updated_or_left_alone(self):
        kept = honour(self.heye, "巾帼文明岗", "province", "2025-03-08")  # 授予单位 “授予单位”
        importer, plan = plan_rows(row(by="授予单位"))
        assert (plan.count("skip"), plan.to_create, plan.to_update) == (1, [], [])
        importer, plan = plan_rows(row(by="湖南省妇联", note="表彰大会"))
        assert plan.rows[0].changes == {"授予单位": "授予单位", "备注": ""}
        importer.write(plan)
        kept.refresh_from_db()
        assert (kept.awarded_by, kept.note, kept.history.count()) == ("湖南省妇联", "表彰大会", 2)

    def test_a_date_outside_the_units_life_is_refused(self):
        type(self.heye).objects.filter(pk=self.heye.pk).update(closed_on="2025-01-01")
        _importer, plan = plan_rows(row(on="2025-02-01"))
        closed = errors.AFTER_UNIT_CLOSED.format(on=day("2025-02-01"), unit="荷叶镇", closed_on=day("2025-01-01"))
        assert plan.messages() == [message(2, "授予日期", "2025-02-01", closed)]

    def test_her_scope(self):
        content = CSV.read_bytes()
        # 荷叶镇 lies outside the 永丰街道 editor's scope: its codes read as unknown.
        _importer, plan = plan_of(content, scope=Scope.for_user(self.township_clerk))
        assert plan.messages() == [
            message(2, "单位代码", "431321101", UNKNOWN_UNIT.format(code="431321101")),
            message(3, "单位代码", "431321", UNKNOWN_UNIT.format(code="431321")),
            message(5, "单位代码", "431321101210", UNKNOWN_UNIT.format(code="431321101210")),
        ]
        _importer, plan = plan_of(content, scope=Scope.for_user(self.city_viewer))
        assert plan.messages()[0] == message(2, "单位代码", "431321101", OUT_OF_SCOPE.format(unit="荷叶镇"))
        _importer, plan = plan_of(content, scope=Scope.for_user(self.county_clerk))
        assert plan.valid
        _importer, plan = plan_rows(row(code="131024100"), scope=Scope.for_user(self.county_clerk))
        assert plan.messages() == [message(2, "单位代码", "131024100", UNKNOWN_UNIT.format(code="131024100"))]

    def test_the_export_imports_back_unchanged(self):
        run(CSV)
        headers, rows = export_rows(Honour.objects.all())
        assert headers == HEADERS
        assert rows[0] == ["431321", "双峰县", "全国巾帼文明岗", "国家级", day("2025-03-05"), "全国妇联", "县妇联机关"]
        _importer, plan = plan_of(table_csv(headers, rows))
        assert (plan.valid, plan.count("skip")) == (True, 5)

    def write_file(self, rows) -> str:
        path = self.tmp / "honours.csv"
        path.write_bytes(table_csv(HEADERS, rows))
        return str(path)

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path


def honour_permissions():
    return Permission.objects.filter(content_type__app_label="activities", content_type__model="honour")


class HonourAdminImportExportTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in (cls.county_clerk, cls.township_clerk, cls.city_viewer):
            user.user_permissions.add(*honour_permissions())
        cls.theirs = honour(cls.shutang, "香河县巾帼文明岗", "city", "2025-03-08")

    def upload(self, path=CSV):
        with path.open("rb") as upload:
            return self.client.post(reverse("admin:activities_honour_import"), {"import_file": upload, "format": "0"})

    def test_the_county_clerk_previews_then_confirms(self):
        self.client.force_login(self.county_clerk)
        page = self.client.get(reverse("admin:activities_honour_changelist")).content.decode()
        assert reverse("admin:activities_honour_import") in page and "format=csv" in page
        preview = self.upload(XLSX)
        assert preview.status_code == 200 and "confirm_form" in preview.context
        assert Honour.objects.count() == 1
        done = self.client.post(
            reverse("admin:activities_honour_process_import"), preview.context["confirm_form"].initial
        )
        assert done.status_code == 302
        assert Honour.objects.count() == 6
        assert (
            Honour.history.filter(history_change_reason="导入 honours.xlsx", history_user=self.county_clerk).count()
            == 5
        )

    def test_a_township_clerk_sees_the_other_townships_rows_as_errors_and_nothing_is_written(self):
        self.client.force_login(self.township_clerk)
        preview = self.upload()
        assert preview.status_code == 200 and "confirm_form" not in preview.context
        unknown = message(2, "单位代码", "431321101", UNKNOWN_UNIT.format(code="431321101"))
        assert unknown in preview.context["result"].error_messages
        assert Honour.objects.count() == 1

    def test_a_viewer_and_an_outsider_may_not_import(self):
        for user in (self.city_viewer, self.outsider):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                assert self.client.get(reverse("admin:activities_honour_import")).status_code == 403
                assert self.upload().status_code == 403
        assert Honour.objects.count() == 1

    def test_the_export_is_hers_only_and_imports_back(self):
        honour(self.heye, "巾帼文明岗", "province", "2025-03-08")
        expected = {
            self.county_clerk: ["巾帼文明岗"],
            self.township_clerk: [],
            self.city_viewer: ["巾帼文明岗"],
            self.superuser: ["巾帼文明岗", "香河县巾帼文明岗"],
        }
        for user, titles in expected.items():
            self.client.force_login(user)
            with self.subTest(user=user.username):
                xlsx = self.client.get(reverse("admin:activities_honour_export"))
                sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
                assert sorted(row[2] for row in sheet.iter_rows(min_row=2, values_only=True)) == titles
        self.client.force_login(self.county_clerk)
        csv = self.client.get(reverse("admin:activities_honour_export") + "?format=csv&level=province")
        assert csv["Content-Type"].startswith("text/csv")
        _importer, plan = plan_of(csv.content, scope=Scope.for_user(self.county_clerk))
        assert (plan.valid, plan.count("skip")) == (True, 1)

    def test_the_outsider_may_not_export(self):
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("admin:activities_honour_export")).status_code == 403


class HonourOldCodeTests(ChangedCountyTestCase):
    """方石村 (431302101210) became 方石社区 (431302101012) on 2023-06-30."""

    def test_an_old_code_means_the_unit_it_became_and_says_so(self):
        _importer, plan = plan_rows(row(code="431302101210", on="2023-09-01"))
        assert plan.valid, plan.messages()
        fangshi = unit("431302101012")
        note = OLD_CODE_RECODED.format(old="431302101210", on=CHANGED_ON, new=fangshi.code, name=fangshi.name)
        assert plan.notes() == [message(2, "单位代码", "431302101210", note)]
        assert plan.to_create[0].unit == fangshi
