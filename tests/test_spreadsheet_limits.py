"""Spreadsheets that are small on disk and huge once read: read within limits, or refused in Chinese.

The readers stream, keep only rows with something in them (each with the number Excel shows), and
stop at the first row, column or cell past the limits. The crafted files come from
tests/spreadsheet_bombs.py and are made here, not committed.
"""

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from imports.spreadsheets import (
    CELL_TOO_LONG,
    ROW_TOO_WIDE,
    SHEET_TOO_LONG,
    TOO_MANY_CELLS,
    TOO_MANY_COLUMNS,
    TOO_MANY_ROWS,
    SpreadsheetError,
    find_table,
    read_cells,
    read_upload,
)
from imports.uploads import TOO_MANY_PARTS, ZIP_BOMB
from orgunits.models import OrgUnit
from orgunits.unit_import import COLUMNS
from tests import spreadsheet_bombs as bombs
from tests.base import make_user

REPO = Path(__file__).resolve().parent.parent
PEAK_MIB_BUDGET = 300
ADDRESS_SPACE_MB = 1024
UNITS = [["431321101", "荷叶镇", "乡镇", "431321"], ["431321102", "青树坪镇", "乡镇", "431321"]]


def refusal(content: bytes, **kwargs) -> str:
    with pytest.raises(SpreadsheetError) as exc:
        read_cells(content, **kwargs)
    return str(exc.value)


def numbered(rows) -> list[tuple[int, list]]:
    return [(row.number, list(row)) for row in rows]


class DeclaredSizeTests(TestCase):
    def test_a_declared_dimension_does_not_pad_rows(self):
        content = bombs.xlsx([bombs.HEADER, *UNITS], dimension="A1:XFD50", tail=bombs.xlsx_row(50, ["x"]))
        rows = read_cells(content)
        assert numbered(rows) == [(1, bombs.HEADER), (2, UNITS[0]), (3, UNITS[1]), (50, ["x"])]

    def test_an_xls_declaring_65536_rows_by_256_columns_is_read_at_its_real_size(self):
        content = bombs.xls([bombs.HEADER, *UNITS], dimensions=(65536, 256), tail=bombs.xls_cell(9, 2, "远处"))
        rows = read_cells(content)
        assert numbered(rows) == [(1, bombs.HEADER), (2, UNITS[0]), (3, UNITS[1]), (10, [None, None, "远处"])]

    def test_blank_cells_far_right_are_not_kept(self):
        content = bombs.csv_bytes([bombs.HEADER, [*UNITS[0], *[""] * 5000]])
        assert numbered(read_cells(content)) == [(1, bombs.HEADER), (2, UNITS[0])]
        cells = "".join(bombs.ods_cell(value) for value in UNITS[0]) + bombs.ods_cell(None, 16000)
        content = bombs.ods([bombs.HEADER], tail=f"<table:table-row>{cells}</table:table-row>")
        assert numbered(read_cells(content)) == [(1, bombs.HEADER), (2, UNITS[0])]


class EmptyRowTests(TestCase):
    """Blank rows are skipped, but every row keeps the number Excel shows, in every format."""

    def expect(self, content: bytes):
        rows = read_cells(content)
        assert numbered(rows) == [(3, bombs.HEADER), (6, UNITS[0]), (1_000_007, UNITS[1])]
        table = find_table(rows, COLUMNS)
        assert table.header_row == 3
        assert [number for number, _raw in table.rows] == [6, 1_000_007]

    def test_csv(self):
        blank = b"\r\n"
        self.expect(
            blank * 2
            + bombs.csv_bytes([bombs.HEADER])
            + blank * 2
            + bombs.csv_bytes([UNITS[0]])
            # ",,," rows are blank too
            + b",,,\r\n" * 1_000_000
            + bombs.csv_bytes([UNITS[1]])
        )

    def test_ods_with_repeated_blank_rows(self):
        blank = bombs.ods_row([None], repeat=2)
        self.expect(
            bombs.ods(
                [],
                tail=blank
                + bombs.ods_row(bombs.HEADER)
                + blank
                + bombs.ods_row(UNITS[0])
                + bombs.ods_row([None], repeat=1_000_000)
                + bombs.ods_row(UNITS[1]),
            )
        )

    def test_xlsx_with_row_numbers_and_gaps(self):
        self.expect(
            bombs.xlsx(
                [],
                tail=bombs.xlsx_row(3, bombs.HEADER)
                + '<row r="4"/><row r="5"><c r="A5" s="0"/></row>'
                + bombs.xlsx_row(6, UNITS[0])
                + bombs.xlsx_row(1_000_007, UNITS[1]),
            )
        )

    def test_the_header_is_looked_for_in_the_first_20_rows_as_excel_numbers_them(self):
        content = b"\r\n" * 19 + bombs.csv_bytes([bombs.HEADER, UNITS[0]])
        assert find_table(read_cells(content), COLUMNS).rows[0][0] == 21
        with pytest.raises(SpreadsheetError):
            find_table(read_cells(b"\r\n" + content), COLUMNS)

    def test_merged_cells_in_ods_keep_the_columns_after_them_in_place(self):
        row = (
            '<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string">'
            "<text:p>合并</text:p></table:table-cell><table:covered-table-cell/>"
            f"{bombs.ods_cell('C')}</table:table-row>"
        )
        assert numbered(read_cells(bombs.ods([], tail=row))) == [(1, ["合并", None, "C"])]


def csv_table(data_rows: int, *, blank_after_header: bool = True) -> bytes:
    rows = bombs.real_rows(data_rows)
    return bombs.csv_bytes(rows[:1]) + (b"\r\n" if blank_after_header else b"") + bombs.csv_bytes(rows[1:])


class RowLimitTests(TestCase):
    def test_the_defaults(self):
        assert settings.SPREADSHEET_MAX_ROWS_COMMAND == 200_000
        assert settings.SPREADSHEET_MAX_ROWS_ADMIN == 50_000
        assert settings.SPREADSHEET_MAX_COLUMNS == 200

    def test_the_admin_limit_refuses_the_row_past_50000_where_the_command_limit_reads_it(self):
        content = csv_table(50_000, blank_after_header=False)  # the header and 50,000 villages
        assert refusal(content, max_rows=settings.SPREADSHEET_MAX_ROWS_ADMIN) == TOO_MANY_ROWS.format(
            limit=50_000, row=50_001
        )
        assert len(read_cells(content)) == 50_001  # the commands' 200,000

    @override_settings(SPREADSHEET_MAX_ROWS_COMMAND=5)
    def test_the_command_limit_is_a_setting_and_counts_rows_with_content(self):
        # header on row 1, a blank row 2, villages from row 3: the 6th row with content is row 7
        assert refusal(csv_table(5)) == TOO_MANY_ROWS.format(limit=5, row=7)
        assert len(read_cells(csv_table(4))) == 5

    @override_settings(SPREADSHEET_MAX_ROWS_COMMAND=5, SPREADSHEET_MAX_ROWS_ADMIN=1)
    def test_the_import_commands_use_the_command_limit(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "units.csv"
            path.write_bytes(csv_table(5))
            with pytest.raises(CommandError) as exc:
                call_command("import_units", str(path), "--dry-run", stdout=StringIO(), stderr=StringIO())
        assert str(exc.value) == TOO_MANY_ROWS.format(limit=5, row=7)

    def test_repeated_ods_rows_count_one_by_one(self):
        content = bombs.ods([bombs.HEADER], tail=bombs.ods_row(UNITS[0], repeat=1_000_000))
        assert refusal(content, max_rows=10) == TOO_MANY_ROWS.format(limit=10, row=11)

    @override_settings(SPREADSHEET_MAX_CELLS=20)
    def test_cells_count_up_to_each_rows_last_content(self):
        # 4 + 4 + 4 + 8 (a note in column 8 makes its row 8 cells long) = 20; the next row passes
        rows = [bombs.HEADER, UNITS[0], UNITS[1], [*UNITS[0], "", "", "", "备注"], UNITS[1]]
        assert refusal(bombs.csv_bytes(rows)) == TOO_MANY_CELLS.format(limit=20, row=5)
        assert len(read_cells(bombs.csv_bytes(rows[:4]))) == 4


class ColumnLimitTests(TestCase):
    def test_content_past_column_200_is_refused_in_every_format(self):
        far = [None] * 200 + ["x"]
        expected = TOO_MANY_COLUMNS.format(row=2, column=201, limit=200)
        assert refusal(bombs.csv_bytes([bombs.HEADER, ["" if cell is None else cell for cell in far]])) == expected
        assert refusal(bombs.xlsx([bombs.HEADER, far])) == expected
        assert refusal(bombs.xls([bombs.HEADER, far])) == expected
        assert refusal(bombs.ods([bombs.HEADER], tail=bombs.ods_row(far))) == expected

    def test_a_cell_repeated_across_16384_columns_is_refused_at_column_201(self):
        content = bombs.ods([bombs.HEADER], tail=f"<table:table-row>{bombs.ods_cell('x', 16384)}</table:table-row>")
        assert refusal(content) == TOO_MANY_COLUMNS.format(row=2, column=201, limit=200)

    @override_settings(SPREADSHEET_MAX_COLUMNS=3)
    def test_the_column_limit_is_a_setting(self):
        assert refusal(bombs.csv_bytes([bombs.HEADER])) == TOO_MANY_COLUMNS.format(row=1, column=4, limit=3)

    def test_a_csv_line_wider_than_excel_is_refused_before_it_is_split(self):
        content = bombs.csv_bytes([bombs.HEADER]) + b"ab," * 100_000
        assert refusal(content) == ROW_TOO_WIDE.format(row=2, limit=16_384)
        # the same through quoted line breaks: one record over many lines
        content = bombs.csv_bytes([bombs.HEADER]) + b'a,"\n"' * 20_000
        assert refusal(content) == ROW_TOO_WIDE.format(row=2, limit=16_384)

    def test_a_csv_longer_than_excel_is_refused(self):
        content = bombs.csv_bytes([bombs.HEADER]) + b"\r\n" * 1_048_576
        assert refusal(content) == SHEET_TOO_LONG.format(limit=1_048_576)

    def test_an_ods_cell_of_ten_million_spaces_is_refused(self):
        cell = '<table:table-cell><text:p>a<text:s text:c="10000000"/>b</text:p></table:table-cell>'
        content = bombs.ods([bombs.HEADER], tail=f"<table:table-row>{cell}</table:table-row>")
        assert refusal(content) == CELL_TOO_LONG.format(row=2, limit=131_072)


class ZipChecksTests(TestCase):
    def test_a_zip_named_csv_is_checked_for_a_bomb_too(self):
        content = (Path(__file__).parent / "fixtures" / "units" / "bad_zip_bomb.xlsx").read_bytes()
        with pytest.raises(SpreadsheetError) as exc:
            read_upload(content, "units.csv")
        assert str(exc.value) == ZIP_BOMB.format(size=30)

    def test_a_zip_of_too_many_parts_is_refused_before_it_is_opened(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for n in range(10_001):
                archive.writestr(f"{n}", b"")
        with pytest.raises(SpreadsheetError) as exc:
            read_upload(out.getvalue(), "units.xlsx")
        assert str(exc.value) == TOO_MANY_PARTS.format(count=10_001, limit=10_000)


class AdminLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user("root", superuser=True)

    @override_settings(SPREADSHEET_MAX_ROWS_ADMIN=3)
    def test_the_import_page_refuses_a_file_past_the_admin_limit_in_chinese(self):
        self.client.force_login(self.superuser)
        handle = io.BytesIO(csv_table(5))
        handle.name = "units.csv"
        response = self.client.post(reverse("admin:orgunits_orgunit_import"), {"import_file": handle, "format": "0"})
        assert response.status_code == 200
        # the header on row 1, a blank row 2, villages from row 3: the 4th row with content is row 5
        assert TOO_MANY_ROWS.format(limit=3, row=5) in response.content.decode()
        assert response.context.get("confirm_form") is None
        assert not OrgUnit.objects.filter(code__startswith="431321100").exists()


# Memory: each crafted file read in a fresh process, whose address space is capped near 1 GB -------


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("crafted")
    paths = {}
    for item in bombs.crafted_files(real=50):
        paths[item.name] = directory / item.name
        paths[item.name].write_bytes(item.content)
    return paths


EXPECTED = {
    "dimension.xlsx": {"rows": 52, "last": 20000, "widest": 4},
    "padding.ods": {"rows": 52, "last": None, "widest": 4},
    "repeated.ods": {"refused": TOO_MANY_CELLS.format(limit=5_000_000, row=25_050)},
    "wide_repeat.ods": {"refused": TOO_MANY_COLUMNS.format(row=52, column=201, limit=200)},
    "empty_rows_19mb.csv": {"refused": SHEET_TOO_LONG.format(limit=1_048_576)},
    "empty_rows_1m.csv": {"rows": 51, "last": 1_000_051, "widest": 4},
    "one_line.csv": {"refused": ROW_TOO_WIDE.format(row=52, limit=16_384)},
    "dimension.xls": {"rows": 52, "last": 65536, "widest": 200},
    "far_cells.xls": {"refused": TOO_MANY_CELLS.format(limit=5_000_000, row=25_050)},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_crafted_file_is_read_or_refused_in_bounded_memory(crafted, name):
    """Not a timing test: the reader runs under RLIMIT_AS and must peak (VmHWM) at 300 MB or less."""
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.spreadsheet_bombs",
            str(crafted[name]),
            "--address-space-mb",
            str(ADDRESS_SPACE_MB),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    report = json.loads(child.stdout.splitlines()[-1])
    assert "memory_error" not in report
    assert report["peak_mib"] <= PEAK_MIB_BUDGET, report
    expected = EXPECTED[name]
    assert {key: report.get(key) for key in expected if expected[key] is not None} == {
        key: value for key, value in expected.items() if value is not None
    }
