"""Statistics import: long and wide shapes, the entry page's checks and rules, all or nothing, round trip."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from imports.spreadsheets import read_cells, table_xlsx
from stats import errors, stats_import
from stats.models import DataValue
from stats.services import datavalues_save
from tests.base import TreeTestCase
from tests.conftest import FIXTURES

STATS = FIXTURES / "stats"


def figures():
    """Everything stored, to compare before and after a refused import."""
    return sorted(DataValue.objects.values_list("unit__code", "element__code", "period", "total", "female"))


def history_count():
    return DataValue.history.count()


def import_file(name, *extra):
    out = StringIO()
    call_command("import_stats", str(STATS / name), *extra, stdout=out, stderr=out)
    return out.getvalue()


class LongShapeTests(TreeTestCase):
    def test_a_gbk_file_with_a_title_row_imports_and_a_second_run_changes_nothing(self):
        output = import_file("long_gbk.csv")
        assert "新增数据5项" in output and "备注" in output  # the unknown column is named
        stored = {code: (total, female) for _u, code, _p, total, female in figures()}
        assert stored == {
            "cadres": (120, 36),
            "training_sessions": (8, None),
            "trainees": (640, 512),
            "complaints_received": (20, None),
            "complaints_resolved": (18, None),
        }
        before, entries = figures(), history_count()
        assert "未变5行" in import_file("long_gbk.csv")
        assert figures() == before and history_count() == entries

    def test_every_error_is_listed_with_row_column_and_value_and_nothing_is_written(self):
        datavalues_save(unit=self.heye, period="2025", values={"party_members": (50, 10)})
        before, entries = figures(), history_count()
        with pytest.raises(CommandError) as exc:
            import_file("bad_long.csv")
        message = str(exc.value)
        expected = [
            "第2行，列“其中女性”，值“150”："
            + errors.FEMALE_ABOVE_TOTAL.format(element="党政机关干部", female=150, total=120),
            "第3行，列“指标项”，值“没有的指标”：没有这个统计指标项",
            "第4行，列“单位代码”，值“431321999”：" + stats_import.UNKNOWN_UNIT.format(code="431321999"),
            "第5行，列“其中女性”，值“1”：" + errors.FEMALE_NOT_APPLICABLE.format(element="培训班"),
            "第6行，列“年度”，值“二〇二五”：" + errors.PERIOD_FORMAT.format(text="二〇二五"),
            "第7行，列“合计”，值“-4”：" + errors.COUNT_NEGATIVE.format(what="党员合计", value=-4),
            "第8行，列“合计”，值“十”：" + errors.COUNT_NOT_INTEGER.format(what="党员合计", value="十"),
            "第9行，列“其中女性”，值“5”：" + errors.FEMALE_WITHOUT_TOTAL.format(element="受训人次"),
            "第10行，列“单位代码”，值“431321101”：" + stats_import.DUPLICATE_FIGURE.format(first=9),
            "第11行，列“单位代码”，值“431321101”：" + stats_import.DUPLICATE_FIGURE.format(first=9),
        ]
        for line in expected:
            assert line in message
        assert figures() == before and history_count() == entries

    def test_the_validation_rules_apply_to_the_figures_as_they_will_be(self):
        with pytest.raises(CommandError) as exc:
            import_file("broken_rule.csv")
        assert "第2行：荷叶镇2025年的数据不符合校验规则" in str(exc.value)
        assert not DataValue.objects.exists()
        # A stored figure takes part too: 9 resolved is fine once 12 were received.
        datavalues_save(unit=self.heye, period="2025", values={"complaints_received": (12, None)})
        cells = [["单位代码", "指标项", "年度", "合计"], ["431321101", "办结维权投诉", "2025", "9"]]
        plan = stats_import.check_table(*stats_import.read_table(cells))
        assert plan.valid, plan.messages()

    def test_rows_outside_the_users_scope_are_errors(self):
        call = ("--user", self.township_clerk.username)
        with pytest.raises(CommandError) as exc:
            import_file("long_gbk.csv", *call)
        assert stats_import.UNKNOWN_UNIT.format(code="431321101") in str(exc.value)
        assert "荷叶镇" not in str(exc.value)
        assert not DataValue.objects.exists()


class WideShapeTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        datavalues_save(unit=cls.heye, period="2024", values={"cadres": (100, 30), "party_members": (900, 200)})
        datavalues_save(unit=cls.yongfeng, period="2024", values={"cadres": (80, 20), "trainees": (300, 210)})

    def exported(self):
        headers, rows = stats_import.export_wide(DataValue.objects.all())
        return headers, rows, table_xlsx("统计数据", headers, rows)

    def test_the_export_has_one_row_per_unit_and_year_and_imports_back_unchanged(self):
        headers, rows, content = self.exported()
        assert headers[:5] == ["单位代码", "单位名称", "年度", "总人口", "总人口其中女性"]
        assert [row[:3] for row in rows] == [["431321001", "永丰街道", "2024"], ["431321101", "荷叶镇", "2024"]]
        before, entries = figures(), history_count()
        shape, table = stats_import.read_table(read_cells(content))
        plan = stats_import.check_table(shape, table)
        assert shape == "wide" and plan.valid and plan.count("skip") == 2
        stats_import.write(plan)
        assert figures() == before and history_count() == entries

    def test_a_changed_cell_updates_one_figure_and_blank_cells_leave_figures_alone(self):
        headers, rows, _content = self.exported()
        at = headers.index("党政机关干部其中女性")
        heye_row = next(row for row in rows if row[0] == "431321101")
        heye_row[at] = 35
        heye_row[headers.index("党员")] = None  # blank: the stored 900 stays
        heye_row[headers.index("党员其中女性")] = None
        shape, table = stats_import.read_table(read_cells(table_xlsx("x", headers, rows)))
        plan = stats_import.check_table(shape, table)
        changed = next(row for row in plan.rows if row.unit == self.heye)
        assert changed.kind == "update" and changed.changes == {"党政机关干部其中女性": "30"}
        stats_import.write(plan)
        assert DataValue.objects.get(unit=self.heye, element__code="cadres").female == 35
        assert DataValue.objects.get(unit=self.heye, element__code="party_members").total == 900


class StatsAdminTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.superuser)

    def upload(self, name):
        with (STATS / name).open("rb") as handle:
            return self.client.post(reverse("admin:stats_datavalue_import"), {"import_file": handle, "format": "0"})

    def test_upload_preview_confirm_and_export(self):
        preview = self.upload("long_gbk.csv")
        result = preview.context["result"]
        assert not result.error_messages and result.unknown_headers == ["备注"]
        assert dict((label, count) for label, count, _kind in result.summary)["新增"] == 5
        assert not DataValue.objects.exists()
        response = self.client.post(
            reverse("admin:stats_datavalue_process_import"), preview.context["confirm_form"].initial
        )
        assert response.status_code == 302 and DataValue.objects.count() == 5
        exported = self.client.get(reverse("admin:stats_datavalue_export") + "?format=csv")
        assert exported.status_code == 200
        text = exported.content.decode("utf-8-sig")
        assert text.splitlines()[1].startswith("431321101,荷叶镇,2025,")

    def test_a_bad_file_lists_every_error_offers_the_error_rows_and_cannot_be_confirmed(self):
        preview = self.upload("bad_long.csv")
        result = preview.context["result"]
        assert len(result.error_messages) >= 9 and preview.context.get("confirm_form") is None
        errors_file = self.client.get(reverse("admin:stats_datavalue_import_errors", args=[result.error_file]))
        cells = read_cells(errors_file.content)
        assert cells[0][0] == "原行号" and cells[0][-1] == "错误说明"
        assert [row[0] for row in cells[1:]] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        self.client.force_login(self.county_clerk)  # another user cannot fetch it
        assert self.client.get(
            reverse("admin:stats_datavalue_import_errors", args=[result.error_file])
        ).status_code in (403, 404)

    def test_the_export_obeys_the_users_scope(self):
        datavalues_save(unit=self.heye, period="2025", values={"cadres": (10, 3)})
        datavalues_save(unit=self.shutang, period="2025", values={"cadres": (20, 5)})
        self.county_clerk.user_permissions.add(Permission.objects.get(codename="view_datavalue"))
        self.client.force_login(self.county_clerk)
        text = self.client.get(reverse("admin:stats_datavalue_export") + "?format=csv").content.decode("utf-8-sig")
        assert "荷叶镇" in text and "淑阳镇" not in text

    def test_the_outsider_cannot_import_or_export(self):
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("admin:stats_datavalue_import")).status_code == 403
        assert self.client.get(reverse("admin:stats_datavalue_export")).status_code == 403
