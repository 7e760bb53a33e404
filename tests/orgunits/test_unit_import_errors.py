"""A catalogue of bad unit files: each names its exact Chinese message and leaves the database as it was.

Every case runs through `import_units`; a representative subset also through the admin upload, where
the preview lists the same messages, offers no confirmation and the error rows download as an .xlsx.
Files are under tests/fixtures/units, written by scripts/make_unit_fixtures.py.
"""

import tempfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from imports.import_admin import ERRORS_HEADER, ROW_NUMBER_HEADER
from imports.spreadsheets import (
    BAD_BOOLEAN,
    BAD_DATE,
    DUPLICATE_COLUMN,
    EMPTY_FILE,
    MISSING_COLUMNS,
    NO_HEADER,
    ROW_ERROR,
    ROW_ERROR_NO_VALUE,
    SCIENTIFIC_NUMBER,
    UNKNOWN_ENCODING,
)
from imports.uploads import NOT_XLSX, TOO_LARGE, WRONG_TYPE, ZIP_BOMB
from orgunits import errors
from orgunits.codes import uscc_check_char
from orgunits.models import OrgUnit
from orgunits.unit_import import (
    CODE_TAKEN,
    CYCLE,
    DUPLICATE_ROW,
    NAME_TOO_LONG,
    OWN_PARENT,
    PARENT_INVALID,
    PARENT_NEEDED,
    REQUIRED_VALUE,
    UNKNOWN_KIND,
    UNKNOWN_ORG_FORM,
    UNKNOWN_PARENT,
)
from tests.base import TreeTestCase
from tests.orgunits.test_unit_import import UNITS, AdminUploadMixin, db_state, fast_passwords, xlsx_rows

HEYE, COUNTY, NEW_TOWN, JINGZI = "431321101", "431321", "431321113", "431321102"
NEW = f"{HEYE}302"  # the bad row's code unless the case changes it
KIND_NAMES = "全国、省、市、县、乡镇、街道、开发区等、村、社区、机关、事业单位、企业、社会组织"
ORG_FORMS = "妇联、妇代会、妇委会、妇女组织"
ALL_HEADERS = (
    "代码、名称、类型、上级代码、成立日期、撤销日期、妇女组织成立日期、妇女组织撤销日期、妇女组织形式、纳入组建率统计"
)
FARM = "91431321MA4L0000" + "1" + uscc_check_char("91431321MA4L00001")
BAD_FARM = FARM[:17] + ("0" if FARM[17] != "0" else "1")
CYCLE_CODES = (f"{HEYE}303", f"{HEYE}304", f"{HEYE}305")
CYCLE_MESSAGE = CYCLE.format(chain=" → ".join([*CYCLE_CODES, CYCLE_CODES[0]]), rows="3、4、5")
SCOPE_USER = "township-clerk"  # editor of 永丰街道 only


def cell(row: int, column: str, value: str, message: str) -> str:
    """A row message as the user reads it: row number as in Excel, the column, the value she wrote."""
    if value:
        return ROW_ERROR.format(row=row, column=column, value=value, message=message)
    return ROW_ERROR_NO_VALUE.format(row=row, column=column, message=message)


@dataclass
class Case:
    file: str
    messages: list[str] | None = None  # row messages (the file is read); None for a file refused whole
    refused: str = ""  # the message for a file refused whole
    user: str | None = None
    admin: bool = False  # also run through the admin upload

    def command_text(self) -> str:
        if self.messages is None:
            return self.refused
        return "文件有错，未导入任何数据：\n" + "\n".join(self.messages)


def first_child_name(code: str) -> tuple[str, str]:
    parent = OrgUnit.objects.get(code=code)
    child = OrgUnit.objects.children_of(parent).select_related("kind").first()
    return child.name, child.kind.name


CASES = {
    # Malformed files: nothing row-level can be said.
    "empty_file": Case("bad_empty.csv", refused=EMPTY_FILE),
    "blank_sheet": Case(
        "bad_blank_sheet.xlsx",
        refused=EMPTY_FILE,
        admin=True,
    ),
    "only_a_title": Case(
        "bad_title_only.xlsx", refused=NO_HEADER.format(rows=20, expected="代码、名称、类型"), admin=True
    ),
    "header_not_found": Case("bad_no_header.csv", refused=NO_HEADER.format(rows=20, expected="代码、名称、类型")),
    "header_below_row_20": Case(
        "bad_header_too_low.csv", refused=NO_HEADER.format(rows=20, expected="代码、名称、类型")
    ),
    "missing_required_column": Case(
        "bad_missing_column.csv",
        refused=MISSING_COLUMNS.format(row=1, columns="类型", expected=ALL_HEADERS),
        admin=True,
    ),
    "duplicated_column": Case(
        "bad_duplicate_column.csv",
        refused=DUPLICATE_COLUMN.format(row=1, header="名称", first=2, second=5),
        admin=True,
    ),
    "binary_garbage_named_csv": Case("bad_garbage.csv", refused=UNKNOWN_ENCODING, admin=True),
    "xlsx_that_is_not_a_zip": Case("bad_not_zip.xlsx", refused=NOT_XLSX, admin=True),
    "truncated_xlsx": Case("bad_truncated.xlsx", refused=NOT_XLSX),
    "wrong_extension_pdf": Case("bad_wrong_type.pdf", refused=WRONG_TYPE.format(name="bad_wrong_type.pdf"), admin=True),
    "zip_bomb": Case("bad_zip_bomb.xlsx", refused=ZIP_BOMB.format(size=30), admin=True),
    # Malformed rows: row 2 is a good new village of 荷叶镇, the bad row is row 3.
    "blank_code": Case("bad_blank_code.csv", [cell(3, "代码", "", REQUIRED_VALUE)], admin=True),
    "code_with_inner_space": Case(
        "bad_code_with_space.csv",
        [cell(3, "代码", "431321 101302", errors.CODE_HAS_SPACE.format(code="431321 101302"))],
    ),
    "code_too_long": Case(
        "bad_code_too_long.csv",
        [cell(3, "代码", "ABC" + "1" * 30, errors.CODE_TOO_LONG.format(code="ABC" + "1" * 30, limit=32))],
    ),
    "admin_code_of_7_digits": Case(
        "bad_admin_code_length.csv",
        [cell(3, "代码", "4313211", errors.CODE_ADMIN_LENGTH.format(code="4313211", length=7))],
        admin=True,
    ),
    "uscc_bad_check_character": Case(
        "bad_uscc_check.csv",
        [
            cell(
                3,
                "代码",
                BAD_FARM,
                errors.CODE_USCC_CHECK.format(code=BAD_FARM, expected=FARM[17], actual=BAD_FARM[17]),
            )
        ],
    ),
    "code_in_scientific_notation": Case(
        "bad_scientific_code.csv", [cell(3, "代码", "4.31321E+11", SCIENTIFIC_NUMBER.format(value="4.31321E+11"))]
    ),
    "duplicate_code_in_the_file": Case(
        "bad_duplicate_code.csv", [cell(3, "代码", f"{HEYE}301", DUPLICATE_ROW.format(first=2))], admin=True
    ),
    "blank_name": Case("bad_blank_name.csv", [cell(3, "名称", "", REQUIRED_VALUE)]),
    "name_too_long": Case("bad_name_too_long.csv", [cell(3, "名称", "荷" * 101, NAME_TOO_LONG.format(limit=100))]),
    "blank_kind": Case("bad_blank_kind.csv", [cell(3, "类型", "", REQUIRED_VALUE)]),
    "unknown_kind": Case(
        "bad_unknown_kind.csv", [cell(3, "类型", "村委会", UNKNOWN_KIND.format(choices=KIND_NAMES))], admin=True
    ),
    "unknown_parent_code": Case(
        "bad_unknown_parent.csv", [cell(3, "上级代码", "431321199", UNKNOWN_PARENT.format(code="431321199"))]
    ),
    "blank_parent_for_a_new_unit": Case("bad_blank_parent.csv", [cell(3, "上级代码", "", PARENT_NEEDED)]),
    "own_code_as_parent": Case(
        "bad_own_parent.csv",
        [
            cell(3, "上级代码", NEW, OWN_PARENT),
            cell(3, "上级代码", NEW, CYCLE.format(chain=f"{NEW} → {NEW}", rows="3")),
        ],
    ),
    "three_row_cycle": Case(
        "bad_cycle.csv",
        [
            cell(3, "上级代码", CYCLE_CODES[1], CYCLE_MESSAGE),
            cell(4, "上级代码", CYCLE_CODES[2], CYCLE_MESSAGE),
            cell(5, "上级代码", CYCLE_CODES[0], CYCLE_MESSAGE),
        ],
        admin=True,
    ),
    "village_directly_under_a_county": Case(
        "bad_village_under_county.csv",
        [
            cell(
                3,
                "类型",
                "村",
                errors.KIND_NOT_ALLOWED_UNDER.format(kind="村", parent_kind="县", allowed="乡镇、街道、开发区等"),
            )
        ],
        admin=True,
    ),
    "impossible_date": Case(
        "bad_bad_date.csv", [cell(3, "成立日期", "2025-02-30", BAD_DATE.format(value="2025-02-30"))]
    ),
    "closed_before_opened": Case(
        "bad_closed_before_opened.csv", [cell(3, "撤销日期", "2025-02-01", errors.DATES_CLOSED_BEFORE_OPENED)]
    ),
    "org_established_before_the_unit_opened": Case(
        "bad_org_before_opened.csv", [cell(3, "妇女组织成立日期", "2025-02-01", errors.DATES_ORG_BEFORE_UNIT)]
    ),
    "org_dissolved_without_established": Case(
        "bad_org_dissolved_without_established.csv",
        [cell(3, "妇女组织撤销日期", "2025-06-01", errors.DATES_ORG_DISSOLVED_WITHOUT_ESTABLISHED)],
    ),
    "org_dissolved_before_established": Case(
        "bad_org_dissolved_before_established.csv",
        [cell(3, "妇女组织撤销日期", "2025-05-01", errors.DATES_ORG_DISSOLVED_BEFORE_ESTABLISHED)],
    ),
    "bad_yes_no_value": Case(
        "bad_bad_yes_no.csv", [cell(3, "纳入组建率统计", "也许", BAD_BOOLEAN.format(value="也许"))], admin=True
    ),
    "unknown_org_form": Case(
        "bad_unknown_org_form.csv",
        [cell(3, "妇女组织形式", "妇女会", UNKNOWN_ORG_FORM.format(choices=ORG_FORMS))],
        admin=True,
    ),
    "opened_before_its_parent_row": Case(
        "bad_opened_before_parent_row.csv",
        [
            cell(
                3,
                "成立日期",
                "2025-01-01",
                errors.OPENED_BEFORE_PARENT.format(
                    opened_on="2025-01-01", parent="新兴镇", parent_opened_on="2025-03-01"
                ),
            )
        ],
    ),
    "child_of_a_parent_row_with_errors": Case(
        "bad_parent_row_invalid.csv",
        [
            cell(3, "上级代码", NEW_TOWN, PARENT_INVALID.format(code=NEW_TOWN, row=4)),
            cell(4, "成立日期", "2025-13-01", BAD_DATE.format(value="2025-13-01")),
        ],
        admin=True,
    ),
    "child_of_a_parent_row_refused_by_a_rule_parent_first": Case(
        "bad_parent_row_invalid_by_rule_parent_first.csv",
        [
            cell(
                3, "类型", "乡镇", errors.KIND_NOT_ALLOWED_UNDER.format(kind="乡镇", parent_kind="乡镇", allowed="县")
            ),
            cell(4, "上级代码", NEW_TOWN, PARENT_INVALID.format(code=NEW_TOWN, row=3)),
        ],
    ),
    "existing_unit_outside_the_users_scope": Case(
        "bad_out_of_scope_existing.csv",
        [cell(3, "代码", "431321101208", CODE_TAKEN)],
        user=SCOPE_USER,
        admin=True,
    ),
    "new_unit_under_a_parent_outside_the_users_scope": Case(
        "bad_out_of_scope_parent.csv",
        [cell(3, "上级代码", HEYE, UNKNOWN_PARENT.format(code=HEYE))],
        user=SCOPE_USER,
        admin=True,
    ),
    "several_errors_are_all_listed": Case(
        "bad_several_errors.csv",
        [
            cell(3, "代码", "", REQUIRED_VALUE),
            cell(4, "名称", "", REQUIRED_VALUE),
            cell(4, "类型", "村委会", UNKNOWN_KIND.format(choices=KIND_NAMES)),
            cell(5, "成立日期", "2025-02-30", BAD_DATE.format(value="2025-02-30")),
            cell(5, "纳入组建率统计", "也许", BAD_BOOLEAN.format(value="也许")),
            cell(6, "上级代码", "431321199", UNKNOWN_PARENT.format(code="431321199")),
        ],
        admin=True,
    ),
}


def run_command(case: Case) -> str:
    args = ["--user", case.user] if case.user else []
    with pytest.raises(CommandError) as exc:
        call_command("import_units", str(UNITS / case.file), *args, stdout=StringIO(), stderr=StringIO())
    return str(exc.value)


@fast_passwords
class BadUnitFilesTests(TreeTestCase, AdminUploadMixin):
    """One test per case and way in, so each is reported by its name."""

    def check_command(self, case: Case):
        before = db_state()
        assert run_command(case) == case.command_text()
        assert db_state() == before

    def check_admin(self, case: Case):
        user = {None: self.superuser, SCOPE_USER: self.township_clerk}[case.user]
        self.client.force_login(user)
        before = db_state()
        preview = self.upload(UNITS / case.file)
        assert preview.status_code == 200
        assert preview.context.get("confirm_form") is None
        if case.messages is None:
            assert case.refused in preview.content.decode()
            assert db_state() == before
            return
        result = preview.context["result"]
        assert result.error_messages == case.messages
        assert "检查未通过，未导入任何数据" in preview.content.decode()
        download = self.client.get(reverse("admin:orgunits_orgunit_import_errors", args=[result.error_file]))
        assert download.status_code == 200
        rows = xlsx_rows(download.content)
        assert rows[0][0] == ROW_NUMBER_HEADER and rows[0][-1] == ERRORS_HEADER
        invalid_rows = sorted({int(message[1 : message.index("行")]) for message in case.messages})
        assert [row[0] for row in rows[1:]] == invalid_rows
        explained = "；".join(row[-1] for row in rows[1:])
        for message in case.messages:
            assert message.split("：", 1)[1] in explained
        assert db_state() == before

    def test_the_kind_change_that_would_orphan_children_is_refused(self):
        child, child_kind = first_child_name(JINGZI)
        case = Case(
            "bad_kind_change_orphans_children.csv",
            [
                cell(
                    3,
                    "类型",
                    "机关",
                    errors.KIND_CHANGE_ORPHANS_CHILDREN.format(kind="机关", child=child, child_kind=child_kind),
                )
            ],
        )
        self.check_command(case)

    def test_child_of_a_parent_row_refused_by_a_rule_child_first(self):
        self.check_command(
            Case(
                "bad_parent_row_invalid_by_rule.csv",
                [
                    cell(3, "上级代码", NEW_TOWN, PARENT_INVALID.format(code=NEW_TOWN, row=4)),
                    cell(
                        4,
                        "类型",
                        "乡镇",
                        errors.KIND_NOT_ALLOWED_UNDER.format(kind="乡镇", parent_kind="乡镇", allowed="县"),
                    ),
                ],
            )
        )

    @override_settings(UPLOAD_LIMIT_BYTES=2**20)
    def test_too_large(self):
        content = (UNITS / "bad_blank_code.csv").read_bytes() + b"\r\n" * 2**19
        message = TOO_LARGE.format(size=len(content) / 2**20, limit=1)
        before = db_state()
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "too_large_units.csv"
            path.write_bytes(content)
            with pytest.raises(CommandError) as exc:
                call_command("import_units", str(path), stdout=StringIO())
        assert str(exc.value) == message
        self.client.force_login(self.superuser)
        response = self.upload(path, content=content)
        assert message in response.content.decode()
        assert db_state() == before


def _command_test(case: Case):
    def test(self):
        self.check_command(case)

    return test


def _admin_test(case: Case):
    def test(self):
        self.check_admin(case)

    return test


for _name, _case in CASES.items():
    setattr(BadUnitFilesTests, f"test_{_name}", _command_test(_case))
    if _case.admin:
        setattr(BadUnitFilesTests, f"test_{_name}__admin", _admin_test(_case))


def test_the_catalogue_is_complete():
    assert len(CASES) + 3 >= 30
    assert all((UNITS / case.file).is_file() for case in CASES.values())
