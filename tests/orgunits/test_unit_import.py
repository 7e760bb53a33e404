"""Unit spreadsheets: every format, title rows, rows in any order, updates, moves, scope, export and back.

Files are under tests/fixtures/units, written by scripts/make_unit_fixtures.py.
"""

import datetime
import io
import re
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from access.scope import OUT_OF_SCOPE, Scope
from imports.import_admin import ERRORS_HEADER, IMPORT_DONE, ROW_NUMBER_HEADER
from imports.spreadsheets import ROW_ERROR, find_table, read_upload
from imports.uploads import TOO_LARGE, ZIP_BOMB
from orgunits.models import OrgUnit
from orgunits.services import unit_create
from orgunits.unit_import import (
    CODE_TAKEN,
    COLUMNS,
    CYCLE,
    DATE_FIELDS,
    PARENT_INVALID,
    UNKNOWN_PARENT,
    check_table,
    write,
)
from tests.base import TreeTestCase, day, kind, unit
from tests.conftest import FIXTURES

UNITS = FIXTURES / "units"
# The personas' passwords are hashed once per class; a fast hasher keeps setUpTestData cheap.
fast_passwords = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
COUNTY_FILES = [
    "county_units.xlsx",
    "county_units.xls",
    "county_units.ods",
    "county_units_gbk.csv",
    "county_units_utf8_bom.csv",
]
NEW_TOWN, HEYE, JINGZI, COUNTY = "431321113", "431321101", "431321102", "431321"
LONGYIN, SHENCHONG, WULI = "431321101208", "431321101210", "431321001001"
# code -> (parent code, name, kind code, opened_on, org_established_on, org_form, eligibility) as the county file means
COUNTY_UNITS = {
    f"{NEW_TOWN}201": (NEW_TOWN, "新兴村", "village", "2025-03-01", "2025-03-08", "", "included"),
    f"{NEW_TOWN}202": (NEW_TOWN, "联盟村", "village", "2025-03-01", None, "", ""),
    f"{NEW_TOWN}203": (NEW_TOWN, "石桥村", "village", "2025-03-05", None, "congress", "included"),
    f"{NEW_TOWN}204": (NEW_TOWN, "金星村", "village", "2025-03-01", None, "", ""),
    f"{NEW_TOWN}205": (NEW_TOWN, "龙泉村", "village", "2025-03-01", None, "", "excluded"),
    f"{NEW_TOWN}001": (NEW_TOWN, "新兴社区", "community", "2025-03-01", "2025-03-08", "federation", "included"),
    f"{NEW_TOWN}002": (NEW_TOWN, "兴华社区", "community", "2025-03-01", None, "", ""),
    "91431321MA4L00001N": (
        f"{NEW_TOWN}201",
        "新兴农业发展有限公司",
        "enterprise",
        "2025-04-01",
        "2025-05-01",
        "",
        "excluded",
    ),
    "11431321MB0000001L": (NEW_TOWN, "新兴镇人民政府", "agency", "2025-03-01", "2025-03-08", "committee", ""),
    f"{HEYE}300": (HEYE, "荷叶新村", "village", "2025-03-01", None, "", ""),
    f"{HEYE}003": (HEYE, "荷花社区", "community", "2025-03-01", None, "", ""),
    "91431321MA4L00002R": (
        LONGYIN,
        "龙吟纸业有限公司",
        "enterprise",
        "2019-06-01",
        "2020-03-08",
        "women_org",
        "included",
    ),
    NEW_TOWN: (COUNTY, "新兴镇", "township", "2025-03-01", "2025-03-08", "federation", "included"),
}
COUNTY_ROW_NUMBERS = list(range(4, 17))  # title in row 1, a blank row 2, the header in row 3


def db_state():
    """Every unit as stored (tree columns and fields) and the size of the history: equal means unchanged."""
    units = sorted(
        OrgUnit.objects.values_list(
            "pk", "code", "name", "kind__code", "path", "depth", "numchild", *DATE_FIELDS, "org_form", "eligibility"
        )
    )
    return units, OrgUnit.history.count()


def import_file(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_units", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def plan_for(path, *, scope=None):
    return check_table(find_table(read_upload(path.read_bytes(), path.name), COLUMNS), scope=scope)


def check_tree() -> str:
    out = StringIO()
    call_command("check_tree", stdout=out)
    return out.getvalue()


def xlsx_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def parent_code(code: str) -> str:
    parent = OrgUnit.objects.get(code=code).parent()
    return parent.code if parent else ""


class AdminUploadMixin:
    def upload(self, path, *, name=None, content=None):
        handle = io.BytesIO(path.read_bytes() if content is None else content)
        handle.name = name or path.name
        return self.client.post(reverse("admin:orgunits_orgunit_import"), {"import_file": handle, "format": "0"})

    def confirm(self, preview):
        assert preview.context.get("confirm_form") is not None, preview.context["result"].error_messages
        return self.client.post(
            reverse("admin:orgunits_orgunit_process_import"), preview.context["confirm_form"].initial
        )


@fast_passwords
class FormatsTests(TreeTestCase):
    """xlsx, xls, ods and csv in GBK or UTF-8 with BOM: one meaning."""

    def planned(self, name):
        plan = plan_for(UNITS / name)
        assert plan.valid, (name, plan.messages())
        return plan, [
            (
                row.number,
                row.kind,
                row.code,
                row.final_parent,
                row.planned.name,
                row.planned.kind.code,
                *(getattr(row.planned, field) for field in DATE_FIELDS),
                row.planned.org_form,
                row.planned.eligibility,
            )
            for row in plan.rows
        ]

    def test_every_format_plans_the_same_rows_with_the_excel_row_numbers(self):
        _plan, reference = self.planned("county_units.xlsx")
        assert [line[0] for line in reference] == COUNTY_ROW_NUMBERS
        expected = {
            code: (parent, name, kind_code, day(opened), None, day(org) if org else None, None, form, eligible)
            for code, (parent, name, kind_code, opened, org, form, eligible) in COUNTY_UNITS.items()
        }
        assert {line[2]: (line[3], *line[4:]) for line in reference} == expected
        assert all(line[1] == "new" for line in reference)
        for name in COUNTY_FILES[1:]:
            with self.subTest(name):
                plan, lines = self.planned(name)
                assert lines == reference
                assert plan.unknown_headers == ["备注"]

    def test_every_format_writes_the_same_tree(self):
        states = {}
        for name in COUNTY_FILES:
            with self.subTest(name), transaction.atomic():
                out, err = import_file(UNITS / name)
                assert "已导入：新增13个，修改0个，未变0个" in out
                assert err == "注意：以下列无法识别，未导入：备注。\n"
                units, history = db_state()
                states[name] = ([line[1:] for line in units if line[1] in COUNTY_UNITS], history)
                transaction.set_rollback(True)
        reference = states["county_units.xlsx"]
        assert len(reference[0]) == 13
        for name, state in states.items():
            with self.subTest(name):
                assert state == reference

    def test_a_tab_separated_csv_with_a_title_row_reads_like_the_others(self):
        _plan, reference = self.planned("county_units.xlsx")
        _plan, lines = self.planned("county_units_tab.csv")
        assert lines == reference

    def test_row_numbers_in_messages_are_those_excel_shows(self):
        clerk = Scope.for_user(self.township_clerk)
        for name in COUNTY_FILES:
            with self.subTest(name):
                messages = plan_for(UNITS / name, scope=clerk).messages()
                assert messages[-1] == ROW_ERROR.format(
                    row=16, column="上级代码", value=COUNTY, message=OUT_OF_SCOPE.format(unit="双峰县")
                )
                assert (
                    ROW_ERROR.format(row=13, column="上级代码", value=HEYE, message=UNKNOWN_PARENT.format(code=HEYE))
                    in messages
                )
                # Rows 4–12 sit under 新兴镇 (row 16), which she may not add: each says so.
                assert [message[: message.index("行")] for message in messages] == [f"第{n}" for n in range(4, 17)]

    def test_children_of_a_refused_parent_row_are_flagged_whatever_the_row_order(self):
        messages = plan_for(UNITS / "county_units.xlsx", scope=Scope.for_user(self.township_clerk)).messages()
        assert (
            ROW_ERROR.format(
                row=4, column="上级代码", value=NEW_TOWN, message=PARENT_INVALID.format(code=NEW_TOWN, row=16)
            )
            in messages
        )


@fast_passwords
class TreeImportTests(TreeTestCase):
    def test_children_listed_before_their_parents_get_the_right_parents(self):
        heye_children = self.heye.numchild
        out, _err = import_file(UNITS / "county_units.xlsx")
        assert out == "已导入：新增13个，修改0个，未变0个（其中移动0个）。\n"
        for code, (parent, name, kind_code, *_rest) in COUNTY_UNITS.items():
            created = unit(code)
            assert (parent_code(code), created.name, created.kind.code) == (parent, name, kind_code), code
        assert unit(NEW_TOWN).numchild == 8
        assert unit(HEYE).numchild == heye_children + 2
        assert unit(LONGYIN).numchild == 1
        assert check_tree().startswith("单位树完好")
        created = OrgUnit.history.filter(code__in=COUNTY_UNITS, history_type="+")
        assert created.count() == 13
        assert set(created.values_list("history_change_reason", flat=True)) == {"命令 import_units county_units.xlsx"}

    def test_dry_run_writes_nothing(self):
        before = db_state()
        out, _err = import_file(UNITS / "county_units.ods", "--dry-run")
        assert out == "检查通过（未写入）：新增13个，修改0个，未变0个（其中移动0个）。\n"
        assert db_state() == before

    def test_importing_the_same_file_twice_changes_nothing_the_second_time(self):
        import_file(UNITS / "county_units.xlsx")
        before = db_state()
        plan = plan_for(UNITS / "county_units_gbk.csv")
        assert plan.valid and [row.kind for row in plan.rows] == ["skip"] * 13
        assert all(not row.changes for row in plan.rows)
        out, _err = import_file(UNITS / "county_units_gbk.csv")
        assert "新增0个，修改0个，未变13个" in out
        assert db_state() == before

    def test_a_cycle_inside_the_file_names_every_row_in_it(self):
        plan = plan_for(UNITS / "bad_cycle.csv")
        a, b, c = f"{HEYE}303", f"{HEYE}304", f"{HEYE}305"
        cycle = CYCLE.format(chain=f"{a} → {b} → {c} → {a}", rows="3、4、5")
        assert plan.messages() == [
            ROW_ERROR.format(row=3, column="上级代码", value=b, message=cycle),
            ROW_ERROR.format(row=4, column="上级代码", value=c, message=cycle),
            ROW_ERROR.format(row=5, column="上级代码", value=a, message=cycle),
        ]
        assert [row.kind for row in plan.rows] == ["new", "invalid", "invalid", "invalid"]


@fast_passwords
class UpdateTests(TreeTestCase, AdminUploadMixin):
    def test_an_update_shows_field_changes_and_skips_unchanged_rows(self):
        plan = plan_for(UNITS / "county_update.xlsx")
        assert plan.valid, plan.messages()
        assert {row.code: (row.kind, row.changes) for row in plan.rows} == {
            HEYE: ("update", {"成立日期": ("", "1995-12-01"), "妇女组织成立日期": ("", "2016-03-08")}),
            LONGYIN: ("update", {"名称": ("龙吟村", "龙吟村村民委员会"), "成立日期": ("", "2016-03-01")}),
            SHENCHONG: ("update", {"上级代码": (HEYE, JINGZI)}),
            WULI: ("update", {"名称": ("五里社区", "五里社区居民委员会")}),
            COUNTY: ("skip", {}),
        }

    def test_the_admin_preview_shows_old_values_and_the_import_writes_history(self):
        self.client.force_login(self.superuser)
        before = db_state()
        preview = self.upload(UNITS / "county_update.xlsx")
        result = preview.context["result"]
        assert result.error_messages == []
        assert result.summary == [
            ("新增", 0, "new"),
            ("修改", 4, "update"),
            ("未变", 1, "skip"),
            ("错误", 0, "invalid"),
        ]
        longyin = next(row for row in result.preview_rows if row.number == 3)
        assert longyin.cells[1] == ("龙吟村村民委员会", "龙吟村")
        assert db_state() == before  # the preview wrote nothing
        response = self.confirm(preview)
        assert response.status_code == 302 and response["Location"] == reverse("admin:orgunits_orgunit_changelist")
        done = [str(m) for m in response.wsgi_request._messages]
        assert done == [IMPORT_DONE.format(new=0, update=4, skip=1)]
        changed = unit(LONGYIN)
        assert (changed.name, changed.opened_on) == ("龙吟村村民委员会", day("2016-03-01"))
        entry = changed.history.first()
        assert (entry.history_type, entry.name, entry.history_user_id) == ("~", "龙吟村村民委员会", self.superuser.pk)
        assert entry.history_change_reason == "导入 county_update.xlsx"
        assert unit(HEYE).history.first().history_change_reason == "导入 county_update.xlsx"
        assert unit(COUNTY).history.count() == OrgUnit.history.filter(code=COUNTY).count()
        assert not unit(COUNTY).history.filter(history_change_reason__startswith="导入").exists()

    def test_a_moved_village_takes_its_subtree_along(self):
        enterprise = unit_create(
            parent=unit(SHENCHONG), code="91431321MA4L00003W", name="神冲砖厂", kind=kind("enterprise")
        )
        heye_children, jingzi_children = self.heye.numchild, unit(JINGZI).numchild
        out, _err = import_file(UNITS / "county_update.xlsx")
        assert out == "已导入：新增0个，修改4个，未变1个（其中移动1个）。\n"
        village = unit(SHENCHONG)
        assert parent_code(SHENCHONG) == JINGZI
        assert parent_code(enterprise.code) == SHENCHONG
        assert unit(enterprise.code).path.startswith(unit(JINGZI).path)
        assert (unit(HEYE).numchild, unit(JINGZI).numchild) == (heye_children - 1, jingzi_children + 1)
        assert village.history.first().history_change_reason.startswith("命令 import_units")
        assert check_tree().startswith("单位树完好")


@fast_passwords
class ScopeTests(TreeTestCase, AdminUploadMixin):
    """The township clerk edits 永丰街道 only."""

    def expected_messages(self):
        return [
            # 荷叶镇 and 龙吟村 are another township's: named by nobody, like codes that do not exist.
            ROW_ERROR.format(row=4, column="上级代码", value=HEYE, message=UNKNOWN_PARENT.format(code=HEYE)),
            ROW_ERROR.format(row=5, column="代码", value=LONGYIN, message=CODE_TAKEN),
            ROW_ERROR.format(row=6, column="上级代码", value=HEYE, message=UNKNOWN_PARENT.format(code=HEYE)),
        ]

    def test_the_command_refuses_rows_outside_the_users_scope_and_writes_nothing(self):
        before = db_state()
        with pytest.raises(CommandError) as exc:
            import_file(UNITS / "mixed_scope.csv", "--user", "township-clerk")
        assert str(exc.value) == "文件有错，未导入任何数据：\n" + "\n".join(self.expected_messages())
        assert db_state() == before

    def test_without_a_user_the_same_file_imports(self):
        out, _err = import_file(UNITS / "mixed_scope.csv")
        assert out == "已导入：新增2个，修改3个，未变0个（其中移动1个）。\n"

    def test_the_admin_upload_by_the_township_clerk_lists_the_same_errors(self):
        before = db_state()
        self.client.force_login(self.township_clerk)
        preview = self.upload(UNITS / "mixed_scope.csv")
        result = preview.context["result"]
        assert result.error_messages == self.expected_messages()
        assert preview.context.get("confirm_form") is None
        assert [(row.number, row.kind) for row in result.preview_rows[:3]] == [
            (4, "invalid"),
            (5, "invalid"),
            (6, "invalid"),
        ]
        assert db_state() == before

    def test_the_outsider_gets_403_on_the_import_and_the_export(self):
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("admin:orgunits_orgunit_import")).status_code == 403
        assert self.client.get(reverse("admin:orgunits_orgunit_export")).status_code == 403
        with (UNITS / "county_units.xlsx").open("rb") as handle:
            response = self.client.post(
                reverse("admin:orgunits_orgunit_import"), {"import_file": handle, "format": "0"}
            )
        assert response.status_code == 403

    def test_the_error_rows_file_is_only_for_the_user_who_uploaded(self):
        self.client.force_login(self.township_clerk)
        token = self.upload(UNITS / "mixed_scope.csv").context["result"].error_file
        url = reverse("admin:orgunits_orgunit_import_errors", args=[token])
        assert self.client.get(url).status_code == 200
        self.client.force_login(self.county_clerk)
        assert self.client.get(url).status_code == 404


FORMULA_NAME = '=HYPERLINK("http://example.com","荷叶")'


@fast_passwords
class ExportTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The county file sets explicit organisation forms (妇代会, 妇联, 妇委会, 妇女组织): they go
        # through the round trip with everything else.
        import_file(UNITS / "county_units.xlsx")
        cls.formula = unit_create(
            parent=unit(HEYE),
            code="11431321MB0000004X",
            name=FORMULA_NAME,
            kind=kind("agency"),
            opened_on=day("2020-01-01"),
            closed_on=day("2024-12-31"),
            org_established_on=day("2020-03-08"),
            org_dissolved_on=day("2024-12-31"),
            eligibility="excluded",
        )

    def export(self, query: str = "") -> bytes:
        response = self.client.get(reverse("admin:orgunits_orgunit_export") + query)
        assert response.status_code == 200
        return response.content

    def exported_codes(self, content: bytes) -> list[str]:
        return [row[0] for row in xlsx_rows(content)[1:]]

    def test_export_then_import_changes_nothing_in_xlsx_and_csv(self):
        self.client.force_login(self.superuser)
        for fmt, name in (("xlsx", "units.xlsx"), ("csv", "units.csv")):
            with self.subTest(fmt):
                content = self.export(f"?parent={self.shuangfeng.pk}&whole=1&format={fmt}")
                before = db_state()
                plan = check_table(find_table(read_upload(content, name), COLUMNS))
                assert plan.valid, plan.messages()[:5]
                assert len(plan.rows) == OrgUnit.objects.subtree(self.shuangfeng).count()
                assert {row.kind for row in plan.rows} == {"skip"}
                forms = {row.code: row.planned.org_form for row in plan.rows if row.planned.org_form}
                assert forms == {
                    f"{NEW_TOWN}203": "congress",
                    f"{NEW_TOWN}001": "federation",
                    "11431321MB0000001L": "committee",
                    "91431321MA4L00002R": "women_org",
                    NEW_TOWN: "federation",
                }
                formula_row = next(row for row in plan.rows if row.code == self.formula.code)
                assert formula_row.planned.name == FORMULA_NAME
                write(plan)
                assert db_state() == before

    def test_a_formula_looking_name_is_text_in_both_formats(self):
        self.client.force_login(self.superuser)
        sheet = openpyxl.load_workbook(io.BytesIO(self.export(f"?parent={self.heye.pk}"))).active
        cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == self.formula.code)
        assert (cell.value, cell.data_type) == (FORMULA_NAME, "s")
        text = self.export(f"?parent={self.heye.pk}&format=csv").decode("utf-8-sig")
        assert f"'{FORMULA_NAME}".replace('"', '""') in text

    def test_the_export_follows_the_parent_filter(self):
        self.client.force_login(self.superuser)
        children = list(OrgUnit.objects.children_of(self.heye).values_list("code", flat=True))
        assert self.exported_codes(self.export(f"?parent={self.heye.pk}")) == children
        subtree = list(OrgUnit.objects.subtree(self.heye).values_list("code", flat=True))
        assert self.exported_codes(self.export(f"?parent={self.heye.pk}&whole=1")) == subtree
        assert "91431321MA4L00002R" in subtree and "91431321MA4L00002R" not in children

    def test_a_parent_outside_the_scope_exports_nothing(self):
        self.client.force_login(self.county_clerk)
        assert self.exported_codes(self.export(f"?parent={self.xianghe.pk}&whole=1")) == []
        assert self.exported_codes(self.export(f"?parent={self.shutang.pk}")) == []

    def test_the_county_clerk_exports_only_her_county(self):
        self.client.force_login(self.county_clerk)
        for query in ("", f"?parent={self.xianghe.pk}&whole=1", f"?parent={self.shutang.pk}&format=csv"):
            with self.subTest(query):
                content = self.export(query)
                if "format=csv" in query:
                    codes = [row[0] for row in read_upload(content, "units.csv")[1:]]
                else:
                    codes = self.exported_codes(content)
                assert not any(code.startswith("131024") or code.startswith("13") for code in codes)
        codes = self.exported_codes(self.export())
        assert codes and all(code.startswith(COUNTY) or code.startswith("9") or code.startswith("1") for code in codes)
        assert not any(code.startswith("131024") for code in codes)
        in_scope = set(OrgUnit.objects.subtree(self.shuangfeng).values_list("code", flat=True))
        assert set(codes) <= in_scope


@fast_passwords
class ExportOrgFormTests(TreeTestCase):
    def test_units_with_an_explicit_org_form_export_to_xlsx_and_back(self):
        import_file(UNITS / "county_units.xlsx")
        self.client.force_login(self.superuser)
        new_town = unit(NEW_TOWN)
        content = self.client.get(reverse("admin:orgunits_orgunit_export") + f"?parent={new_town.pk}&whole=1").content
        rows = {row[0]: row for row in xlsx_rows(content)[1:]}
        assert rows[NEW_TOWN][8] == "妇联"
        before = db_state()
        plan = check_table(find_table(read_upload(content, "units.xlsx"), COLUMNS))
        assert plan.valid and {row.kind for row in plan.rows} == {"skip"}
        write(plan)
        assert db_state() == before

    def test_the_csv_export_keeps_the_org_form(self):
        import_file(UNITS / "county_units.xlsx")
        self.client.force_login(self.superuser)
        new_town = unit(NEW_TOWN)
        content = self.client.get(
            reverse("admin:orgunits_orgunit_export") + f"?parent={new_town.pk}&whole=1&format=csv"
        ).content
        before = db_state()
        plan = check_table(find_table(read_upload(content, "units.csv"), COLUMNS))
        assert plan.valid and {row.kind for row in plan.rows} == {"skip"}, plan.messages()
        assert len(plan.rows) == 10
        write(plan)
        assert db_state() == before


@fast_passwords
class UploadLimitsTests(TreeTestCase, AdminUploadMixin):
    @override_settings(UPLOAD_LIMIT_BYTES=2**20)
    def test_a_file_over_the_limit_is_refused_before_parsing(self):
        big = (UNITS / "county_units_gbk.csv").read_bytes() + b"," * (2**20)
        message = TOO_LARGE.format(size=len(big) / 2**20, limit=1)
        self.client.force_login(self.superuser)
        with (
            mock.patch("imports.spreadsheets.read_cells") as read_cells,
            mock.patch("imports.import_admin.read_cells") as admin_read_cells,
        ):
            response = self.upload(UNITS / "big.csv", content=big, name="big.csv")
            assert message in response.content.decode()
            assert "result" not in response.context or response.context["result"] is None
            with tempfile.TemporaryDirectory() as directory:
                path = Path(directory) / "big.csv"
                path.write_bytes(big)
                with pytest.raises(CommandError) as exc:
                    import_file(path)
            assert str(exc.value) == message
        assert not read_cells.called and not admin_read_cells.called

    def test_a_zip_bomb_is_refused(self):
        self.client.force_login(self.superuser)
        before = db_state()
        response = self.upload(UNITS / "bad_zip_bomb.xlsx")
        assert ZIP_BOMB.format(size=30) in response.content.decode()
        with pytest.raises(CommandError) as exc:
            import_file(UNITS / "bad_zip_bomb.xlsx")
        assert str(exc.value) == ZIP_BOMB.format(size=30)
        assert db_state() == before


@fast_passwords
class AdminFlowTests(TreeTestCase, AdminUploadMixin):
    def test_upload_preview_confirm_for_the_county_clerk(self):
        self.client.force_login(self.county_clerk)
        before = db_state()
        preview = self.upload(UNITS / "county_units.xls")
        assert preview.status_code == 200
        result = preview.context["result"]
        assert result.error_messages == [] and result.error_file is None
        assert result.unknown_headers == ["备注"]
        assert (
            "以下列无法识别，不会导入" in preview.content.decode() and "<code>备注</code>" in preview.content.decode()
        )
        assert [row.number for row in result.preview_rows] == COUNTY_ROW_NUMBERS
        assert db_state() == before
        response = self.confirm(preview)
        assert response.status_code == 302
        assert [str(m) for m in response.wsgi_request._messages] == [IMPORT_DONE.format(new=13, update=0, skip=0)]
        assert parent_code(f"{NEW_TOWN}201") == NEW_TOWN
        entry = unit(NEW_TOWN).history.get()
        assert (entry.history_change_reason, entry.history_user_id) == ("导入 county_units.xls", self.county_clerk.pk)
        assert check_tree().startswith("单位树完好")

    def test_each_change_list_links_to_its_import_once(self):
        """import-export wraps the change list in a template of its own that adds a second 导入 link."""
        self.client.force_login(self.superuser)
        for model in ("orgunits_orgunit", "rosters_appointment", "stats_datavalue"):
            html = self.client.get(reverse(f"admin:{model}_changelist")).content.decode()
            url = re.escape(reverse(f"admin:{model}_import"))
            links = re.findall(rf"href=[\"']{url}[\"']", html)
            assert len(links) == 1, model

    def test_the_error_rows_download_holds_the_rows_with_what_is_wrong(self):
        self.client.force_login(self.township_clerk)
        preview = self.upload(UNITS / "county_units.xlsx")
        result = preview.context["result"]
        response = self.client.get(reverse("admin:orgunits_orgunit_import_errors", args=[result.error_file]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        rows = xlsx_rows(response.content)
        assert rows[0] == [ROW_NUMBER_HEADER, *(column.header for column in COLUMNS), ERRORS_HEADER]
        assert [row[0] for row in rows[1:]] == list(range(4, 17))
        township = rows[-1]
        assert township[1:5] == [NEW_TOWN, "新兴镇", "乡镇", COUNTY]
        assert township[5] == datetime.datetime(2025, 3, 1)  # the cell as uploaded
        assert township[-1] == "上级代码：" + OUT_OF_SCOPE.format(unit="双峰县")


def test_the_fixture_dates_are_what_the_tests_assume():
    """A guard for the generator: serial 45717 is 2025-03-01."""
    assert datetime.date(1899, 12, 30) + datetime.timedelta(days=45717) == datetime.date(2025, 3, 1)


class MoveOrderTests(TreeTestCase):
    """Moves run shallowest first in the tree as it will be, even when the chain passes through units
    that are not in the file: here B1 goes under B3, which sits under B2, which leaves B1 first."""

    def test_a_unit_moves_under_its_own_grandchild_once_the_child_has_left(self):
        from orgunits.models import UnitKind

        branch = UnitKind.objects.create(code="branch", name="分会", org_form="women_org")
        branch.allowed_parents.set([kind("county"), branch])
        b1 = unit_create(parent=self.shuangfeng, code="B1", name="一分会", kind=branch)
        b2 = unit_create(parent=b1, code="B2", name="二分会", kind=branch)
        unit_create(parent=b2, code="B3", name="三分会", kind=branch)
        cells = [
            ["代码", "名称", "类型", "上级代码"],
            ["B1", "一分会", "分会", "B3"],
            ["B2", "二分会", "分会", "431321"],
        ]
        plan = check_table(find_table(cells, COLUMNS))
        assert plan.valid, plan.messages()
        write(plan)
        assert [parent_code(code) for code in ("B2", "B3", "B1")] == ["431321", "B2", "B3"]
        assert "完好" in check_tree()
