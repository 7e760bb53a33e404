"""import_facilities and the admin's import: any row order, all or nothing, Chinese errors naming row
and column, scope-checked, old codes mapped; the list's export imports back unchanged."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from access.scope import OUT_OF_SCOPE, Scope
from facilities import errors
from facilities.facility_import import DUPLICATE_ROW, UNKNOWN_KIND, FacilityImporter, export_rows
from facilities.models import Facility
from facilities.services import facility_create
from imports.errors import UNKNOWN_UNIT
from imports.spreadsheets import BAD_DATE, read_upload, table_csv
from tests.base import TreeTestCase, day
from tests.conftest import FIXTURES
from tests.facilities.small_tree import facility_kind
from tests.orgunits.changed_county import ChangedCountyTestCase
from tests.security.world import grant_clerk

FILE = FIXTURES / "facilities" / "facilities.csv"
HEADERS = ["单位代码", "单位名称", "阵地类型", "名称", "启用日期", "停用日期", "备注"]


def plan_of(content: bytes, scope=None, name="file.csv"):
    importer = FacilityImporter()
    return importer, importer.plan(importer.read(read_upload(content, name)), scope=scope)


def stored():
    return sorted(Facility.objects.values_list("unit__code", "kind__code", "name", "opened_on", "closed_on", "note"))


def run(path, *extra) -> str:
    out = StringIO()
    call_command("import_facilities", str(path), *extra, stdout=out, stderr=out)
    return out.getvalue()


class FacilityImportTests(TreeTestCase):
    def test_the_sample_file_imports_and_a_second_run_changes_nothing(self):
        assert "新增阵地6个，修改0个，未变0行" in run(FILE)
        assert len(stored()) == 6
        longyin = Facility.objects.filter(unit__code="431321101208").order_by("opened_on")
        assert [(f.opened_on, f.closed_on, f.note) for f in longyin] == [
            (day("2018-03-08"), day("2024-01-01"), "旧村部"),
            (day("2024-01-01"), None, "新村部"),
        ]
        record = longyin[0].history.get()
        assert record.history_change_reason == "命令 import_facilities facilities.csv"
        assert "新增阵地0个，修改0个，未变6行" in run(FILE)

    def test_dry_run_writes_nothing(self):
        assert "检查通过（未写入）：新增阵地6个" in run(FILE, "--dry-run")
        assert stored() == []

    def test_any_row_order(self):
        header, *rows = FILE.read_bytes().decode("utf-8-sig").splitlines()
        _importer, forward = plan_of(FILE.read_bytes())
        _importer, backward = plan_of("\n".join([header, *reversed(rows)]).encode())
        assert forward.valid and backward.valid
        assert len(backward.to_create) == len(forward.to_create) == 6

    def test_every_error_named_by_row_and_column_and_nothing_written(self):
        facility_create(unit=self.heye, kind=facility_kind("women_home"), opened_on=day("2016-03-08"))
        rows = [
            ["431321101210", "", "儿童之家", "", "2021-06-01", "", ""],  # fine, but not written
            ["431321999999", "", "妇女之家", "", "2021-06-01", "", ""],
            ["431321101212", "", "文化礼堂", "", "2021-06-01", "", ""],
            ["431321101212", "", "妇女之家", "", "2021年13月1日", "", ""],
            ["431321101210", "", "儿童之家", "", "2021-06-01", "", ""],
            ["431321101", "", "妇女之家", "", "2020-01-01", "", ""],
            ["431321101212", "", "妇女之家", "", "2022-01-01", "2021-01-01", ""],
        ]
        with pytest.raises(CommandError) as exc:
            call_command("import_facilities", self.write_file(rows), stdout=StringIO())
        text = str(exc.value)
        assert f"第3行，列“单位代码”，值“431321999999”：{UNKNOWN_UNIT.format(code='431321999999')}" in text
        assert (
            f"第4行，列“阵地类型”，值“文化礼堂”：{UNKNOWN_KIND.format(choices='妇女之家、儿童之家、巾帼书屋')}" in text
        )
        assert f"第5行，列“启用日期”，值“2021年13月1日”：{BAD_DATE.format(value='2021年13月1日')}" in text
        assert f"第6行，列“单位代码”，值“431321101210”：{DUPLICATE_ROW.format(first=2)}" in text
        overlap = errors.OVERLAP.format(unit="荷叶镇", opened_on=day("2016-03-08"), closed_on="今", kind="妇女之家")
        assert f"第7行，列“启用日期”，值“2020-01-01”：{overlap}" in text
        backwards = errors.CLOSED_BEFORE_OPENED.format(closed_on=day("2021-01-01"), opened_on=day("2022-01-01"))
        assert f"第8行，列“停用日期”，值“2021-01-01”：{backwards}" in text
        assert Facility.objects.count() == 1

    def write_file(self, rows) -> str:
        path = self.tmp / "facilities.csv"
        path.write_bytes(table_csv(HEADERS, rows))
        return str(path)

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path

    def test_two_rows_of_the_file_may_not_overlap(self):
        rows = [
            ["431321101212", "", "妇女之家", "", "2022-01-01", "", ""],
            ["431321101212", "", "妇女之家", "", "2020-01-01", "2022-06-01", ""],
        ]
        _importer, plan = plan_of(table_csv(HEADERS, rows))
        first = errors.OVERLAP.format(
            unit="大胜村", opened_on=day("2020-01-01"), closed_on=day("2022-06-01"), kind="妇女之家"
        )
        second = errors.OVERLAP.format(unit="大胜村", opened_on=day("2022-01-01"), closed_on="今", kind="妇女之家")
        assert plan.messages() == [
            f"第2行，列“启用日期”，值“2022-01-01”：{first}",
            f"第3行，列“启用日期”，值“2020-01-01”：{second}",
        ]

    def test_her_scope(self):
        content = FILE.read_bytes()
        _importer, plan = plan_of(content, scope=Scope.for_user(self.township_clerk))
        # 荷叶镇 is outside 永丰街道's editor's scope: its codes read as unknown.
        assert (
            plan.messages()[0] == f"第2行，列“单位代码”，值“431321101210”：{UNKNOWN_UNIT.format(code='431321101210')}"
        )
        _importer, plan = plan_of(content, scope=Scope.for_user(self.city_viewer))
        assert plan.messages()[0].endswith(OUT_OF_SCOPE.format(unit="神冲村"))
        _importer, plan = plan_of(content, scope=Scope.for_user(self.county_clerk))
        assert plan.valid

    def test_the_export_imports_back_unchanged_and_a_changed_row_updates(self):
        run(FILE)
        headers, rows = export_rows(Facility.objects.all())
        assert headers == HEADERS
        importer, plan = plan_of(table_csv(headers, rows))
        assert (plan.valid, plan.count("skip")) == (True, 6)
        rows[0][5] = "2025-12-31"
        importer, plan = plan_of(table_csv(headers, rows))
        assert (plan.count("update"), plan.rows[0].changes) == (1, {"停用日期": ""})
        importer.write(plan)
        assert Facility.objects.get(unit__code=rows[0][0], opened_on=rows[0][4]).closed_on == day("2025-12-31")


class FacilityAdminImportTests(TreeTestCase):
    def test_upload_preview_confirm(self):
        grant_clerk(self.county_clerk)
        self.county_clerk.user_permissions.add(*facility_permissions())
        self.client.force_login(self.county_clerk)
        with FILE.open("rb") as upload:
            response = self.client.post(
                reverse("admin:facilities_facility_import"), {"import_file": upload, "format": "0"}
            )
        assert response.status_code == 200 and "confirm_form" in response.context
        assert stored() == []
        response = self.client.post(
            reverse("admin:facilities_facility_process_import"), response.context["confirm_form"].initial
        )
        assert response.status_code == 302
        assert len(stored()) == 6
        assert Facility.history.filter(history_change_reason="导入 facilities.csv").count() == 6

    def test_the_list_exports_what_imports_back(self):
        self.client.force_login(self.superuser)
        run(FILE)
        response = self.client.get(reverse("admin:facilities_facility_export") + "?format=csv")
        assert response.status_code == 200
        _importer, plan = plan_of(response.content)
        assert (plan.valid, plan.count("skip")) == (True, 6)
        xlsx = self.client.get(reverse("admin:facilities_facility_export"))
        _importer, plan = plan_of(xlsx.content, name="阵地.xlsx")
        assert (plan.valid, plan.count("skip")) == (True, 6)


def facility_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="facilities")


class OldCodeImportTests(ChangedCountyTestCase):
    """方石村 (431302101210) became 方石社区 (431302101012) on 2023-06-30: a row with the old code is its."""

    def test_an_old_code_means_the_unit_it_became(self):
        rows = [["431302101210", "方石村", "妇女之家", "", "2021-03-08", "", ""]]
        _importer, plan = plan_of(table_csv(HEADERS, rows))
        assert plan.valid
        assert plan.to_create[0].unit.code == "431302101012"
        assert plan.notes() and "431302101012" in plan.notes()[0]
