"""The activity import: any order, all or nothing, Chinese errors by row and column, scope-checked,
former codes mapped, and an export that imports back unchanged."""

import io

import openpyxl

from access.scope import Scope
from activities import errors
from activities.activity_import import COLUMNS, ActivityImporter, export_rows
from activities.models import Activity
from imports.audit import audit_source
from imports.errors import UNKNOWN_UNIT
from imports.spreadsheets import read_upload, table_xlsx
from tests.activities.helpers import training
from tests.base import TreeTestCase
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "activities" / "activities.csv"
HEADER = [column.header for column in COLUMNS]


def table(*rows):
    return [HEADER, *[list(row) + [""] * (len(HEADER) - len(row)) for row in rows]]


def row(code="431321101", kind="培训", title="培训班", start="2025-04-01", sessions="3", participants="90", **more):
    cells = [code, "", kind, title, start, "", sessions, participants]
    cells += [more.get(name, "") for name in ("served", "households", "cases", "amount", "approximate", "campaign")]
    return cells


def plan(cells, user=None):
    importer = ActivityImporter()
    return importer, importer.plan(importer.read(cells), scope=Scope.for_user(user) if user else None)


class ActivityImportTests(TreeTestCase):
    def test_the_sample_file_imports(self):
        importer = ActivityImporter()
        cells = read_upload(SAMPLE.read_bytes(), SAMPLE.name)
        result = importer.plan(importer.read(cells), scope=Scope.for_user(self.county_clerk))
        assert result.valid, result.messages()
        with audit_source("导入 activities.csv"):
            importer.write(result)
        assert Activity.objects.count() == 5
        assert set(Activity.history.values_list("history_change_reason", flat=True)) == {"导入 activities.csv"}
        chunlei = Activity.objects.get(title="春蕾助学金发放")
        assert (chunlei.unit, chunlei.served, chunlei.amount) == (self.shuangfeng, 38, 76000)
        assert Activity.objects.get(title="巾帼志愿者关爱留守儿童").approximate

    def test_errors_name_row_column_and_value_and_nothing_is_written(self):
        cells = table(
            row(),
            row(code="431321999", title="乙"),
            row(kind="跳舞", title="丙"),
            row(title="丁", sessions="-1"),
            row(title="戊", start="2025-13-01"),
            row(kind="两癌筛查", title="己", sessions="4", served="10"),
        )
        _importer, result = plan(cells)
        messages = result.messages()
        assert f"第3行，列“单位代码”，值“431321999”：{UNKNOWN_UNIT.format(code='431321999')}" in messages
        assert any(m.startswith("第4行，列“活动类型”，值“跳舞”：没有这个活动类型") for m in messages)
        assert f"第5行，列“场次”，值“-1”：{errors.BAD_COUNT}" in messages
        assert f"第6行，列“开始日期”，值“2025-13-01”：{errors.BAD_DATE}" in messages
        unused = errors.COUNT_UNUSED.format(type="两癌筛查", what="场次")
        assert f"第7行，列“场次”，值“4”：{unused}" in messages
        assert not result.valid
        assert Activity.objects.count() == 0

    def test_rows_in_any_order_and_a_duplicate_is_named(self):
        cells = table(row(title="乙", start="2025-09-01"), row(title="甲"), row(title="甲"))
        _importer, result = plan(cells)
        assert result.messages() == [f"第4行，列“单位代码”，值“431321101”：{errors.DUPLICATE_ACTIVITY.format(first=3)}"]

    def test_a_unit_outside_her_scope_reads_as_unknown(self):
        _importer, result = plan(table(row(code="131024100")), user=self.county_clerk)
        assert result.messages() == [f"第2行，列“单位代码”，值“131024100”：{UNKNOWN_UNIT.format(code='131024100')}"]

    def test_a_viewer_cannot_import(self):
        _importer, result = plan(table(row()), user=self.city_viewer)
        assert not result.valid

    def test_a_date_outside_the_units_life_is_refused(self):
        _importer, result = plan(table(row(start="1900-01-01")))
        assert result.valid  # no opening date: any date goes
        type(self.heye).objects.filter(pk=self.heye.pk).update(closed_on="2025-01-01")
        _importer, result = plan(table(row(start="2025-02-01")))
        assert "撤销" in result.messages()[0]

    def test_an_export_imports_back_unchanged(self):
        training(self.heye, "2025-04-01", 3, 90, note="备注")
        training(self.yongfeng, "2025-05-01", 5200, 80000, approximate=True)
        headers, rows = export_rows(Activity.objects.all())
        content = table_xlsx("活动", headers, rows)
        cells = [list(r) for r in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
        _importer, result = plan(cells)
        assert result.valid, result.messages()
        assert (result.count("skip"), result.count("new"), result.count("update")) == (2, 0, 0)

    def test_a_changed_figure_updates_the_stored_activity(self):
        stored = training(self.heye, "2025-04-01", 3, 90, title="培训班")
        importer, result = plan(table(row(sessions="4")))
        assert result.count("update") == 1
        assert result.rows[0].changes == {"场次": "3"}
        importer.write(result)
        stored.refresh_from_db()
        assert stored.sessions == 4
        assert stored.history.count() == 2
