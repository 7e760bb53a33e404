"""Reading the spreadsheets people actually send: any format, any encoding, a title above the header.

Every importer reads through here, so that xlsx, xls, ods and csv (UTF-8, UTF-8 with BOM, GBK)
behave the same, rows keep the numbers the user sees in Excel, and values written by hand
(full-width digits, 2025年3月1日, Excel date serials, 是/否) mean what the writer meant.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from registry.uploads import check_upload

UNREADABLE = "无法读取文件：{detail}。请确认文件是 .xlsx、.xls、.ods 或 .csv 格式。"
UNKNOWN_ENCODING = "无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。"
EMPTY_FILE = "文件中没有任何数据。"
NO_HEADER = "在前{rows}行中找不到表头。表头应包含：{expected}。"
MISSING_COLUMNS = "第{row}行表头缺少列：{columns}。表头应为：{expected}。"
DUPLICATE_COLUMN = "第{row}行表头中“{header}”出现了两次（第{first}列和第{second}列）。"
BAD_DATE = "“{value}”不是有效日期，应写成 2025-03-01、2025/3/1 或 2025年3月1日。"
BAD_BOOLEAN = "“{value}”应填“是”或“否”。"
SCIENTIFIC_NUMBER = "“{value}”被 Excel 写成了科学计数法，原数字已丢失；请把该列设为“文本”格式后重新填写。"
ROW_ERROR = "第{row}行，列“{column}”，值“{value}”：{message}"
ROW_ERROR_NO_VALUE = "第{row}行，列“{column}”：{message}"
ROW_ERROR_NO_COLUMN = "第{row}行：{message}"

HEADER_SEARCH_ROWS = 20
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials from 1954 to 2119: wide enough for any date in this registry, narrow enough not to
# mistake a small count or a code for a date.
SERIAL_RANGE = (20_000, 80_000)
TRUE_WORDS = {"是", "有", "已建", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "未建", "n", "no", "false", "0", "×"}


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; nothing row-level can be said."""


class CheckedRows:
    """What every importer's checked plan answers; the plan holds `rows`, each with `errors` and `kind`."""

    rows: list

    @property
    def valid(self) -> bool:
        return not any(row.errors for row in self.rows)

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Chinese header we write
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> set[str]:
        return {normalize_header(name) for name in (self.header, self.field, *self.aliases)}


@dataclass
class Table:
    """The data rows under the header, each with its row number as Excel shows it."""

    header_row: int
    columns: list[Column]
    rows: list[tuple[int, dict]]  # (row number, {field: raw cell})
    unknown_headers: list[str] = field(default_factory=list)


def normalize_text(value) -> str:
    """A cell as text: full-width letters, digits and spaces made half-width, surrounding spaces gone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    return _without_guard(unicodedata.normalize("NFKC", str(value)).strip())


def plain_text(value) -> str:
    """A name: surrounding spaces (also the ideographic one) gone, but its punctuation kept as written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _without_guard(str(value).strip().strip("\u3000").strip())


def _without_guard(text: str) -> str:
    """Drop the apostrophe our csv export puts before formula-looking text, so it imports back unchanged."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text


def normalize_header(value) -> str:
    return re.sub(r"\s+", "", normalize_text(value)).lower()


def parse_date(value) -> datetime.date | None:
    """None for a blank cell; raises ValueError with a Chinese message for anything not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(BAD_DATE.format(value=normalize_text(value)))
    text = normalize_text(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 5 and SERIAL_RANGE[0] <= int(text) <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + datetime.timedelta(days=int(text))
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$", text) else text
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(BAD_DATE.format(value=text))


def parse_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = normalize_text(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(BAD_BOOLEAN.format(value=text))


def parse_code(value) -> str:
    """A code as text, upper case; Excel's scientific notation is refused rather than guessed."""
    text = normalize_text(value).upper()
    if _SCIENTIFIC.match(text):
        raise ValueError(SCIENTIFIC_NUMBER.format(value=text))
    return text


# Reading ----------------------------------------------------------------------------------------


def read_upload(content: bytes, name: str) -> list[list]:
    """Size, type and zip-bomb checks, then the first sheet's cells row by row."""
    try:
        check_upload(content, name)
    except ValidationError as exc:
        raise SpreadsheetError(exc.messages[0]) from exc
    return read_cells(content)


def read_cells(content: bytes) -> list[list]:
    """The first sheet's cells; the format is told by the content, not by the file name."""
    if not content.strip():
        raise SpreadsheetError(EMPTY_FILE)
    try:
        if content.startswith(XLS_MAGIC):
            return _xls_cells(content)
        if content.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
            if "opendocument.spreadsheet" in mimetype:
                return _ods_cells(content)
            return _xlsx_cells(content)
    except SpreadsheetError:
        raise
    except Exception as exc:  # each reader raises its own kinds for a damaged file
        raise SpreadsheetError(UNREADABLE.format(detail=exc)) from exc
    return _csv_cells(content)


def _xlsx_cells(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _xls_cells(content: bytes) -> list[list]:
    import xlrd

    book = xlrd.open_workbook(file_contents=content)
    sheet = book.sheet_by_index(0)
    rows = []
    for number in range(sheet.nrows):
        cells = []
        for cell in sheet.row(number):
            if cell.ctype == xlrd.XL_CELL_DATE:
                cells.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_EMPTY:
                cells.append(None)
            else:
                cells.append(cell.value)
        rows.append(cells)
    return rows


def _ods_cells(content: bytes) -> list[list]:
    """ODS through odfpy, keeping repeated and empty rows so row numbers stay those the user sees."""
    from odf import opendocument, table, teletype

    document = opendocument.load(io.BytesIO(content))
    sheet = document.spreadsheet.getElementsByType(table.Table)[0]
    rows = []
    for row in sheet.getElementsByType(table.TableRow):
        cells = []
        for cell in row.getElementsByType(table.TableCell):
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            cells.extend([_ods_value(cell, teletype)] * min(repeat, 200))
        while cells and cells[-1] in (None, ""):
            cells.pop()
        repeat = int(row.getAttribute("numberrowsrepeated") or 1)
        rows.extend([cells] * (min(repeat, 10) if cells else min(repeat, 1)))
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _ods_value(cell, teletype):
    kind = cell.getAttribute("valuetype")
    if kind == "date":
        return datetime.date.fromisoformat(cell.getAttribute("datevalue")[:10])
    if kind in ("float", "percentage", "currency"):
        number = float(cell.getAttribute("value"))
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    return teletype.extractText(cell) or None


def _csv_cells(content: bytes) -> list[list]:
    text = _decode(content)
    return [row for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text))]


def _delimiter(text: str) -> str:
    """The separator the most lines use: a one-cell title row must not decide (csv.Sniffer lets it)."""
    lines = [line for line in text.splitlines()[: HEADER_SEARCH_ROWS + 20] if line.strip()]
    votes = {mark: sum(1 for line in lines if mark in line) for mark in (",", "\t", ";")}
    best = max(votes, key=lambda mark: (votes[mark], mark == ","))
    return best if votes[best] else ","


def _decode(content: bytes) -> str:
    # UTF-8 first: GB18030 decodes almost any byte string, so it can only be the fallback.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(UNKNOWN_ENCODING)


# Finding the header -----------------------------------------------------------------------------


def find_table(cells: list[list], columns: list[Column]) -> Table:
    """Skip title and blank rows above the header; map headers to fields; keep row numbers."""
    if not any(any(normalize_text(c) for c in row) for row in cells):
        raise SpreadsheetError(EMPTY_FILE)
    lookup = {name: column for column in columns for name in column.names()}
    expected = "、".join(column.header for column in columns)
    for position, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        matched = [lookup.get(normalize_header(cell)) for cell in row]
        hits = [column for column in matched if column]
        if len(hits) >= 2 or (hits and len([c for c in row if normalize_text(c)]) == len(hits)):
            return _table_under(cells, position, row, matched, columns, expected)
    required = "、".join(column.header for column in columns if column.required)
    raise SpreadsheetError(NO_HEADER.format(rows=HEADER_SEARCH_ROWS, expected=required or expected))


def _table_under(cells, position, header_cells, matched, columns, expected) -> Table:
    header_row = position + 1
    index: dict[str, int] = {}
    unknown = []
    for at, (cell, column) in enumerate(zip(header_cells, matched, strict=True)):
        if column is None:
            if normalize_text(cell):
                unknown.append(normalize_text(cell))
            continue
        if column.field in index:
            raise SpreadsheetError(
                DUPLICATE_COLUMN.format(
                    row=header_row, header=column.header, first=index[column.field] + 1, second=at + 1
                )
            )
        index[column.field] = at
    missing = [column.header for column in columns if column.required and column.field not in index]
    if missing:
        raise SpreadsheetError(MISSING_COLUMNS.format(row=header_row, columns="、".join(missing), expected=expected))
    rows = []
    for number, record in enumerate(cells[position + 1 :], start=header_row + 1):
        if not any(normalize_text(cell) for cell in record):
            continue
        rows.append((number, {name: record[at] if at < len(record) else None for name, at in index.items()}))
    present = [column for column in columns if column.field in index]
    return Table(header_row, present, rows, unknown)


def format_row_error(row: int, column: str, value, message: str) -> str:
    if not column:
        return ROW_ERROR_NO_COLUMN.format(row=row, message=message)
    shown = normalize_text(value)
    if shown:
        return ROW_ERROR.format(row=row, column=column, value=shown, message=message)
    return ROW_ERROR_NO_VALUE.format(row=row, column=column, message=message)


# Writing ----------------------------------------------------------------------------------------

# Spreadsheet programs treat these as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralize(text: str) -> str:
    """For csv: a leading apostrophe keeps a formula-looking cell as text (and is dropped on import)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def keep_as_text(cell):
    """For xlsx: formula-looking text stored as a string cell; openpyxl makes any "=…" string a formula."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    return cell


def display_width(text: str) -> int:
    """Chinese characters take two columns in a spreadsheet."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def table_xlsx(sheet_title: str, headers: list[str], rows: list[list]) -> bytes:
    """A plain table: bold frozen header, dates as dates, text kept as text, columns fitted to Chinese."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in rows]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        widest = max([display_width(header), *(display_width(_cell_text(row[index - 1])) for row in rows[:2000])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(8, widest + 2), 60)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = keep_as_text(WriteOnlyCell(sheet, value=header))  # indicator names head the statistics columns
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else "" if value is None else str(value)


def _xlsx_cell(sheet, value, cell_class):
    if isinstance(value, datetime.date):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return keep_as_text(cell_class(sheet, value=value))
    return value


def table_csv(headers: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM, which Chinese Excel needs to open it without garbling."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_text(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_text(value) -> str:
    # Numbers and dates go out bare, so -5 stays a number; anything else may be text someone typed.
    if value is None or isinstance(value, (int, float, datetime.date)):
        return _cell_text(value)
    return neutralize(_cell_text(value))
