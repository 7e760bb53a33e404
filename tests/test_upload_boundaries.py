"""Every upload limit at its edge: one below, exactly at it, one above.

The limits are settings (registry/settings.py: UPLOAD_LIMIT_BYTES, SPREADSHEET_MAX_ROWS_ADMIN,
SPREADSHEET_MAX_ROWS_COMMAND, SPREADSHEET_MAX_COLUMNS, SPREADSHEET_MAX_CELLS) made small here with
override_settings, and constants of registry/uploads.py and registry/spreadsheets.py (the inflation
ratio of a zip, its number of parts, the characters of one cell). "At" the limit is allowed; one past it
is refused with the message that names the limit.
"""

import io
import tempfile
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from imports.spreadsheets import (
    CELL_TOO_LONG,
    TOO_MANY_CELLS,
    TOO_MANY_COLUMNS,
    TOO_MANY_ROWS,
    SpreadsheetError,
    read_cells,
    read_upload,
)
from imports.uploads import TOO_LARGE, TOO_MANY_PARTS, ZIP_BOMB, check_upload
from tests import spreadsheet_bombs as bombs
from tests.base import make_user

MIB = 2**20
HEADER = ["代码", "名称", "类型", "上级代码"]


def villages(count: int) -> list[list[str]]:
    """The header, then `count` rows of four cells: `count + 1` rows with content, numbered from 1."""
    return [HEADER] + [[f"431321101{200 + n:03d}", f"界村{n}", "村", "431321101"] for n in range(count)]


def sized_csv(size: int) -> bytes:
    """A csv of exactly `size` bytes: two rows, then blank lines (which the reader skips)."""
    content = bombs.csv_bytes(villages(1))
    assert len(content) <= size
    return content + b"\n" * (size - len(content))


def refusal(content: bytes, **kwargs) -> str:
    with pytest.raises(SpreadsheetError) as exc:
        read_cells(content, **kwargs)
    return str(exc.value)


def upload_refusal(content: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as exc:
        check_upload(content, name)
    (message,) = exc.value.messages
    return message


FORMATS = {
    "csv": lambda rows: bombs.csv_bytes(rows),
    "xlsx": lambda rows: bombs.xlsx(rows),
    "xls": lambda rows: bombs.xls(rows),
    "ods": lambda rows: bombs.ods(rows),
}


# The size of the file ---------------------------------------------------------------------------


@override_settings(UPLOAD_LIMIT_BYTES=MIB)
class UploadSizeTests(SimpleTestCase):
    def test_one_byte_below_and_exactly_at_the_limit_are_read(self):
        for size in (MIB - 1, MIB):
            check_upload(sized_csv(size), "units.csv")
            assert [list(row) for row in read_upload(sized_csv(size), "units.csv")] == villages(1)

    def test_one_byte_above_the_limit_is_refused(self):
        content = sized_csv(MIB + 1)
        assert upload_refusal(content, "units.csv") == "文件有1.0 MB，超过上限1 MB。"
        assert TOO_LARGE.format(size=(MIB + 1) / MIB, limit=1) == "文件有1.0 MB，超过上限1 MB。"
        with pytest.raises(SpreadsheetError) as exc:
            read_upload(content, "units.csv")
        assert str(exc.value) == "文件有1.0 MB，超过上限1 MB。"


class UploadSizeCommandTests(TestCase):
    @override_settings(UPLOAD_LIMIT_BYTES=MIB)
    def test_the_import_command_reads_a_file_at_the_limit_and_refuses_one_byte_more(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "units.csv"
            path.write_bytes(sized_csv(MIB))
            out = StringIO()
            with pytest.raises(CommandError) as exc:
                call_command("import_units", str(path), "--dry-run", stdout=out, stderr=StringIO())
            assert "超过上限" not in str(exc.value)  # read, then refused for its rows (no such township)
            path.write_bytes(sized_csv(MIB + 1))
            with pytest.raises(CommandError) as exc:
                call_command("import_units", str(path), "--dry-run", stdout=StringIO(), stderr=StringIO())
            assert str(exc.value) == "文件有1.0 MB，超过上限1 MB。"


class AdminUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user("root", superuser=True)

    def upload(self, content: bytes):
        self.client.force_login(self.superuser)
        handle = io.BytesIO(content)
        handle.name = "units.csv"
        return self.client.post(reverse("admin:orgunits_orgunit_import"), {"import_file": handle, "format": "0"})

    def read_rows(self, response) -> int | None:
        result = response.context.get("result")
        return None if result is None else result.total_rows

    @override_settings(UPLOAD_LIMIT_BYTES=MIB)
    def test_the_import_page_takes_a_file_at_the_size_limit_and_refuses_one_byte_more(self):
        at = self.upload(sized_csv(MIB))
        assert at.status_code == 200 and self.read_rows(at) == 1
        assert "超过上限" not in at.content.decode()
        above = self.upload(sized_csv(MIB + 1))
        assert above.status_code == 200 and self.read_rows(above) is None
        assert "文件有1.0 MB，超过上限1 MB。" in above.content.decode()

    @override_settings(SPREADSHEET_MAX_ROWS_ADMIN=3)
    def test_the_import_page_reads_up_to_its_row_limit(self):
        # 3 rows with content: the header and 2 villages; below it 2; above it 4.
        assert self.read_rows(self.upload(bombs.csv_bytes(villages(1)))) == 1
        at = self.upload(bombs.csv_bytes(villages(2)))
        assert self.read_rows(at) == 2 and "超过上限" not in at.content.decode()
        above = self.upload(bombs.csv_bytes(villages(3)))
        assert self.read_rows(above) is None
        message = "文件中有内容的行超过上限3行，读到第4行时超出。请拆成几个文件分别导入。"
        assert TOO_MANY_ROWS.format(limit=3, row=4) == message
        assert message in above.content.decode()


# Rows, columns and cells ------------------------------------------------------------------------


class RowLimitTests(SimpleTestCase):
    @override_settings(SPREADSHEET_MAX_ROWS_COMMAND=5)
    def test_below_at_and_above_the_command_limit_in_every_format(self):
        for name, write in FORMATS.items():
            with self.subTest(name):
                assert len(read_cells(write(villages(3)))) == 4
                assert len(read_cells(write(villages(4)))) == 5
                assert (
                    refusal(write(villages(5)))
                    == "文件中有内容的行超过上限5行，读到第6行时超出。请拆成几个文件分别导入。"
                )

    @override_settings(SPREADSHEET_MAX_ROWS_COMMAND=5)
    def test_blank_rows_do_not_count(self):
        content = bombs.csv_bytes(villages(4)) + b"\r\n" * 10 + b",,,\r\n"
        assert len(read_cells(content)) == 5

    def test_a_given_limit_beats_the_setting(self):
        assert len(read_cells(bombs.csv_bytes(villages(2)), max_rows=3)) == 3
        assert refusal(bombs.csv_bytes(villages(3)), max_rows=3) == TOO_MANY_ROWS.format(limit=3, row=4)


@override_settings(SPREADSHEET_MAX_COLUMNS=4)
class ColumnLimitTests(SimpleTestCase):
    def test_below_at_and_above_the_column_limit_in_every_format(self):
        for name, write in FORMATS.items():
            with self.subTest(name):
                assert [len(row) for row in read_cells(write([HEADER[:3]]))] == [3]
                assert [len(row) for row in read_cells(write([HEADER]))] == [4]
                assert refusal(write([[*HEADER, "备注"]])) == "第1行第5列有内容，超过上限4列。请删去多余的列后再导入。"

    def test_blank_cells_past_the_limit_do_not_count(self):
        assert [len(row) for row in read_cells(bombs.csv_bytes([[*HEADER, "", "  "]]))] == [4]
        assert [len(row) for row in read_cells(bombs.xlsx([[*HEADER, None, None]]))] == [4]

    def test_the_message_names_the_row(self):
        rows = [*villages(2), [*villages(3)[3], "备注"]]
        assert refusal(bombs.csv_bytes(rows)) == TOO_MANY_COLUMNS.format(row=4, column=5, limit=4)


@override_settings(SPREADSHEET_MAX_CELLS=12)
class CellLimitTests(SimpleTestCase):
    """Cells count up to each row's last one with content: three rows of four are 12."""

    def test_below_at_and_above_the_cell_limit_in_every_format(self):
        for name, write in FORMATS.items():
            with self.subTest(name):
                below = [*villages(1), HEADER[:3]]  # 4 + 4 + 3 = 11
                assert len(read_cells(write(below))) == 3
                assert len(read_cells(write(villages(2)))) == 3  # 12
                above = [*villages(2), ["备注"]]  # 13
                assert refusal(write(above)) == (
                    "文件的单元格（每行数到最后一个有内容的）超过上限12个，读到第4行时超出。请拆成几个文件分别导入。"
                )
                assert refusal(write(above)) == TOO_MANY_CELLS.format(limit=12, row=4)


class CellLengthTests(SimpleTestCase):
    """One cell of 131,072 characters (csv's own field limit) is read; one more is refused."""

    LIMIT = 131_072

    def test_csv(self):
        at = bombs.csv_bytes([HEADER, ["a" * self.LIMIT]])
        assert len(read_cells(at)[1][0]) == self.LIMIT
        above = bombs.csv_bytes([HEADER, ["a" * (self.LIMIT + 1)]])
        assert refusal(above) == CELL_TOO_LONG.format(row=2, limit=self.LIMIT)
        assert CELL_TOO_LONG.format(row=2, limit=self.LIMIT) == "第2行有单元格超过131072个字符，无法读取。"

    def test_xlsx(self):
        assert len(read_cells(bombs.xlsx([HEADER, ["a" * self.LIMIT]]))[1][0]) == self.LIMIT
        assert refusal(bombs.xlsx([HEADER, ["a" * (self.LIMIT + 1)]])) == "第2行有单元格超过131072个字符，无法读取。"


# Zip archives: how far they inflate and how many parts they list -----------------------------------


def zip_of(inflated: int, length: int) -> bytes:
    """A zip of exactly `length` bytes holding one part of `inflated` zero bytes (padded by the
    archive comment), named like an xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * inflated)
    bare = len(out.getvalue())
    assert bare <= length, (bare, length)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * inflated)
        archive.comment = b" " * (length - bare)
    content = out.getvalue()
    assert len(content) == length
    return content


class InflationTests(SimpleTestCase):
    """A zip may inflate to 100 times its size, or up to the upload limit if that is more."""

    LENGTH = 5_000

    @override_settings(UPLOAD_LIMIT_BYTES=LENGTH)  # the size limit is the file's own size: 100× decides
    def test_100_times_its_size(self):
        check_upload(zip_of(100 * self.LENGTH - 1, self.LENGTH), "units.xlsx")
        check_upload(zip_of(100 * self.LENGTH, self.LENGTH), "units.xlsx")
        above = 100 * self.LENGTH + 1
        assert upload_refusal(zip_of(above, self.LENGTH), "units.xlsx") == ZIP_BOMB.format(size=above / MIB)
        assert ZIP_BOMB.format(size=above / MIB) == "文件解压后过大（0 MB），可能已损坏或被恶意构造，已拒绝。"

    @override_settings(UPLOAD_LIMIT_BYTES=MIB)  # 100 × 5,000 is less than 1 MiB: the limit decides
    def test_the_upload_limit_when_it_is_more(self):
        check_upload(zip_of(MIB - 1, self.LENGTH), "units.xlsx")
        check_upload(zip_of(MIB, self.LENGTH), "units.xlsx")
        assert upload_refusal(zip_of(MIB + 1, self.LENGTH), "units.xlsx") == ZIP_BOMB.format(size=(MIB + 1) / MIB)
        assert ZIP_BOMB.format(size=(MIB + 1) / MIB) == "文件解压后过大（1 MB），可能已损坏或被恶意构造，已拒绝。"


def zip_of_parts(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(count):
            archive.writestr(f"{n}", b"")
    return out.getvalue()


class ZipPartsTests(SimpleTestCase):
    def test_10000_parts_pass_the_check_10001_do_not(self):
        check_upload(zip_of_parts(9_999), "units.xlsx")
        check_upload(zip_of_parts(10_000), "units.xlsx")
        assert upload_refusal(zip_of_parts(10_001), "units.xlsx") == TOO_MANY_PARTS.format(count=10_001, limit=10_000)
        assert TOO_MANY_PARTS.format(count=10_001, limit=10_000) == (
            "文件由10001个压缩部件组成，超过上限10000个，可能已损坏或被恶意构造，已拒绝。"
        )
