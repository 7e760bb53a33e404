"""Reading the spreadsheets people actually send: any format, any encoding, a title above the header.

Every importer reads through here, so that xlsx, xls, ods and csv (UTF-8, UTF-8 with BOM, GBK)
behave the same, rows keep the numbers the user sees in Excel, and values written by hand
(full-width digits, 2025年3月1日, Excel date serials, 是/否) mean what the writer meant.
"""

import csv
import datetime
import io
import itertools
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError

from imports.uploads import check_upload

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
TOO_MANY_ROWS = "文件中有内容的行超过上限{limit}行，读到第{row}行时超出。请拆成几个文件分别导入。"
TOO_MANY_COLUMNS = "第{row}行第{column}列有内容，超过上限{limit}列。请删去多余的列后再导入。"
TOO_MANY_CELLS = (
    "文件的单元格（每行数到最后一个有内容的）超过上限{limit}个，读到第{row}行时超出。请拆成几个文件分别导入。"
)
SHEET_TOO_LONG = "文件超过{limit}行（Excel 表格的最大行数），无法读取。"
ROW_TOO_WIDE = "第{row}行超过{limit}列（Excel 表格的最大列数），无法读取。"
CELL_TOO_LONG = "第{row}行有单元格超过{limit}个字符，无法读取。"

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
#
# Every reader streams the file and keeps only the rows with something in them, each a Row that
# carries the number Excel shows. It stops at the first row, column or cell past the limits. Declared
# dimensions are never read, and blank cells, blank rows and repeat counts cost nothing, so a small
# file cannot unfold into a big table.

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 131_072  # csv's own field limit (Excel's is 32,767)
CELL_MAX_ELEMENTS = 10_000  # XML elements inside one cell: rich-text runs and their formatting
DELIMITER_SAMPLE_CHARS = 1 << 20
# lxml without entity expansion, network or DTDs; huge_tree=False caps a text node at 10 MB.
SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")


class Row(list):
    """One row's cells, up to its last non-blank one, with `number`: the row number Excel shows."""

    __slots__ = ("number",)

    def __init__(self, cells=(), number: int = 0):
        super().__init__(cells)
        self.number = number


def row_number(row, position: int) -> int:
    """A Row knows its number; rows given as plain lists are numbered from 1 by position."""
    return getattr(row, "number", position + 1)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Rows:
    """The rows kept so far. The row past `max_rows`, a cell past `max_columns`, or cells past `max_cells`
    (so that rows × columns cannot add up to more than memory should hold) end the reading."""

    def __init__(self, max_rows: int, max_columns: int, max_cells: int):
        self.max_rows = max_rows
        self.max_columns = max_columns
        self.max_cells = max_cells
        self.cells = 0  # the kept rows' lengths: blank cells before a row's last one count too
        self.rows: list[Row] = []

    def add(self, number: int, cells: list) -> None:
        end = len(cells)
        while end and _blank(cells[end - 1]):
            end -= 1
        if not end:
            return
        if end > self.max_columns:
            raise SpreadsheetError(TOO_MANY_COLUMNS.format(row=number, column=end, limit=self.max_columns))
        if len(self.rows) >= self.max_rows:
            raise SpreadsheetError(TOO_MANY_ROWS.format(limit=self.max_rows, row=number))
        self.cells += end
        if self.cells > self.max_cells:
            raise SpreadsheetError(TOO_MANY_CELLS.format(limit=self.max_cells, row=number))
        self.rows.append(Row(cells[:end], number))

    def too_wide(self, number: int, column: int) -> SpreadsheetError:
        return SpreadsheetError(TOO_MANY_COLUMNS.format(row=number, column=column, limit=self.max_columns))


def read_upload(content: bytes, name: str, *, max_rows: int | None = None) -> list[Row]:
    """Size, type and zip-bomb checks, then the first sheet's rows (see read_cells)."""
    try:
        check_upload(content, name)
    except ValidationError as exc:
        raise SpreadsheetError(exc.messages[0]) from exc
    return read_cells(content, max_rows=max_rows)


def read_cells(content: bytes, *, max_rows: int | None = None) -> list[Row]:
    """The first sheet's rows that have something in them; the format is told by the content, not by the name.

    At most `max_rows` rows (SPREADSHEET_MAX_ROWS_COMMAND unless given; the admin gives
    SPREADSHEET_MAX_ROWS_ADMIN), SPREADSHEET_MAX_COLUMNS columns and SPREADSHEET_MAX_CELLS cells:
    reading stops with a SpreadsheetError at the first row or cell past them.
    """
    if not content or content.isspace():
        raise SpreadsheetError(EMPTY_FILE)
    rows = _Rows(
        settings.SPREADSHEET_MAX_ROWS_COMMAND if max_rows is None else max_rows,
        settings.SPREADSHEET_MAX_COLUMNS,
        settings.SPREADSHEET_MAX_CELLS,
    )
    if not content.startswith((XLS_MAGIC, b"PK")):
        _csv_rows(content, rows)
        return rows.rows
    try:
        if content.startswith(XLS_MAGIC):
            _xls_rows(content, rows)
        else:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "opendocument.spreadsheet" in _mimetype(archive):
                    _ods_rows(archive, rows)
                else:
                    _xlsx_rows(archive, rows)
    except SpreadsheetError:
        raise
    except Exception as exc:  # each reader raises its own kinds for a damaged file
        raise SpreadsheetError(UNREADABLE.format(detail=exc)) from exc
    return rows.rows


def _mimetype(archive: zipfile.ZipFile) -> str:
    try:
        with archive.open("mimetype") as stream:
            return stream.read(200).decode("ascii", "replace")
    except KeyError:
        return ""


def _drop(element) -> None:
    """Free an element that has been read, and its earlier siblings, so a long part costs no memory."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _xml_ends(archive: zipfile.ZipFile, name: str):
    """The elements of an XML part as each one ends (its attributes are there; its children gone)."""
    from lxml import etree

    with archive.open(name) as source:
        for _event, element in etree.iterparse(source, events=("end",), **SAFE_XML):
            yield element
            _drop(element)


# xlsx: the worksheet streamed cell by cell with openpyxl's own cell parser; shared strings read after
# it, and only those the kept cells use.


class _SharedString(int):
    """A cell's index into the shared strings, until the strings the kept cells use are read."""

    __slots__ = ()


class _SharedStringIndexes:
    def __getitem__(self, index: int) -> _SharedString:
        return _SharedString(index)


def _xlsx_rows(archive: zipfile.ZipFile, rows: _Rows) -> None:
    from lxml import etree
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet, strings, styles, epoch = _xlsx_parts(archive)
    dates, durations = _date_styles(archive, styles) if styles else (set(), set())
    parser = WorkSheetParser(
        None, _SharedStringIndexes(), data_only=True, epoch=epoch, date_formats=dates, timedelta_formats=durations
    )
    row_tag, cell_tag, data_tag = _MAIN + "row", _MAIN + "c", _MAIN + "sheetData"
    seen = number = width = 0
    values = None  # {column: value} of the open row
    depth = elements = chars = 0  # inside a cell: its children are kept until it ends
    with archive.open(sheet) as source:
        for event, element in etree.iterparse(source, events=("start", "end"), **SAFE_XML):
            if event == "start":
                if depth:
                    depth += 1
                    elements += 1
                    if elements > CELL_MAX_ELEMENTS:
                        raise SpreadsheetError(CELL_TOO_LONG.format(row=number, limit=MAX_CELL_CHARS))
                elif element.tag == cell_tag and values is not None:
                    depth, elements, chars = 1, 0, 0
                elif element.tag == row_tag:
                    seen += 1
                    number = _xlsx_row_number(element.get("r"), number)
                    if number > EXCEL_MAX_ROWS or seen > EXCEL_MAX_ROWS:
                        raise SpreadsheetError(SHEET_TOO_LONG.format(limit=EXCEL_MAX_ROWS))
                    parser.row_counter, parser.col_counter = number, 0
                    values, width = {}, 0
                continue
            if depth > 1:
                depth -= 1
                chars += len(element.text or "")
                if chars > MAX_CELL_CHARS:
                    raise SpreadsheetError(CELL_TOO_LONG.format(row=number, limit=MAX_CELL_CHARS))
                continue
            if depth:
                depth = 0
                width += 1
                if width > EXCEL_MAX_COLUMNS:
                    raise SpreadsheetError(ROW_TOO_WIDE.format(row=number, limit=EXCEL_MAX_COLUMNS))
                cell = parser.parse_cell(element)
                if not _blank(cell["value"]):
                    if cell["column"] > rows.max_columns:
                        raise rows.too_wide(number, cell["column"])
                    values[cell["column"]] = cell["value"]
            elif element.tag == row_tag:
                if values:
                    rows.add(number, [values.get(column) for column in range(1, max(values) + 1)])
                values = None
            elif element.tag == data_tag:
                break  # the rest of the sheet is formatting
            _drop(element)
    if strings:
        _resolve_shared_strings(archive, strings, rows)


def _xlsx_row_number(text: str | None, previous: int) -> int:
    """As openpyxl reads it: the row's r attribute, else one more than the row before."""
    if text is None:
        return previous + 1
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _xlsx_parts(archive: zipfile.ZipFile):
    """The first worksheet's part, the shared strings' and the styles' parts (or None), and the date epoch."""
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    names = set(archive.namelist())
    workbook = next(
        (target for kind, target in _relationships(archive, "", names).values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    if workbook not in names:
        raise SpreadsheetError(UNREADABLE.format(detail="找不到工作簿 xl/workbook.xml"))
    epoch, sheet_ids = WINDOWS_EPOCH, []
    for element in _xml_ends(archive, workbook):
        if element.tag == _MAIN + "workbookPr" and (element.get("date1904") or "").lower() in ("1", "true"):
            epoch = MAC_EPOCH
        elif element.tag == _MAIN + "sheet" and len(sheet_ids) < 1000:
            sheet_ids.append(element.get(_R_ID))
    relationships = _relationships(archive, workbook, names)
    sheet = next(
        (relationships[i][1] for i in sheet_ids if i in relationships and "chartsheet" not in relationships[i][0]),
        None,
    )
    if sheet is None:
        raise SpreadsheetError(UNREADABLE.format(detail="工作簿中没有工作表"))
    by_kind = {kind.rsplit("/", 1)[-1]: target for kind, target in relationships.values()}
    return sheet, by_kind.get("sharedStrings"), by_kind.get("styles"), epoch


def _relationships(archive: zipfile.ZipFile, part: str, names: set[str]) -> dict[str, tuple[str, str]]:
    """A part's relationships to other parts of the file: {id: (type, path)}; the first 10,000."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if path not in names:
        return found
    for element in _xml_ends(archive, path):
        if element.tag != _PACKAGE_REL or element.get("TargetMode") == "External" or len(found) >= 10_000:
            continue
        target = element.get("Target") or ""
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        if target in names:
            found[element.get("Id")] = (element.get("Type") or "", target)
    return found


def _date_styles(archive: zipfile.ZipFile, styles: str) -> tuple[set[int], set[int]]:
    """The cell styles whose number format is a date or a duration, as openpyxl tells them."""
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    custom: dict[int, str] = {}
    formats: list[int] = []  # each cell style's number format
    for element in _xml_ends(archive, styles):
        if element.tag == _MAIN + "numFmt":
            custom[int(element.get("numFmtId"))] = element.get("formatCode")
        elif element.tag == _MAIN + "xf" and element.getparent().tag == _MAIN + "cellXfs":
            formats.append(int(element.get("numFmtId") or 0))
        if len(custom) > 65_536 or len(formats) > 65_536:  # Excel allows 64,000 cell styles
            raise SpreadsheetError(UNREADABLE.format(detail="样式表过大"))
    kinds: dict[int, tuple[bool, bool]] = {}
    dates, durations = set(), set()
    for index, number_format in enumerate(formats):
        if number_format not in kinds:
            code = custom[number_format] if number_format in custom else builtin_format_code(number_format)
            kinds[number_format] = (is_date_format(code), is_timedelta_format(code))
        if kinds[number_format][0]:
            dates.add(index)
        if kinds[number_format][1]:
            durations.add(index)
    return dates, durations


def _resolve_shared_strings(archive: zipfile.ZipFile, path: str, rows: _Rows) -> None:
    """Put the shared strings in their cells; rows that turn out blank go."""
    wanted = {value for row in rows.rows for value in row if type(value) is _SharedString}
    if not wanted:
        return
    strings = _shared_strings(archive, path, wanted)
    kept = []
    for row in rows.rows:
        for at, value in enumerate(row):
            if type(value) is _SharedString:
                if value not in strings:
                    raise SpreadsheetError(
                        UNREADABLE.format(detail=f"第{row.number}行引用的共享字符串{int(value)}不存在")
                    )
                row[at] = strings[value]
        end = len(row)
        while end and _blank(row[end - 1]):
            end -= 1
        if end:
            del row[end:]
            kept.append(row)
    rows.rows[:] = kept


def _shared_strings(archive: zipfile.ZipFile, path: str, wanted: set[int]) -> dict[int, str]:
    from lxml import etree
    from openpyxl.cell.text import Text

    found: dict[int, str] = {}
    item_tag, text_tag = _MAIN + "si", _MAIN + "t"
    index = -1
    depth = elements = chars = 0
    with archive.open(path) as source:
        for event, element in etree.iterparse(source, events=("start", "end"), **SAFE_XML):
            if event == "start":
                if depth:
                    depth += 1
                    elements += 1
                elif element.tag == item_tag:
                    depth, elements, chars = 1, 0, 0
                continue
            if depth > 1:
                depth -= 1
                chars += len(element.text or "")
                if chars > MAX_CELL_CHARS or elements > CELL_MAX_ELEMENTS:
                    raise SpreadsheetError(
                        UNREADABLE.format(detail=f"第{index + 2}个共享字符串超过{MAX_CELL_CHARS}个字符")
                    )
                continue
            if depth:
                depth = 0
                index += 1
                if index in wanted:
                    if len(element) == 1 and element[0].tag == text_tag:
                        text = element[0].text or ""
                    else:
                        text = Text.from_tree(element).content
                    found[index] = text.replace("x005F_", "")  # as openpyxl reads them
                    if len(found) == len(wanted):
                        break
            _drop(element)
    return found


# xls: xlrd reads the whole sheet (BIFF caps it at 65,536 × 256 and the upload limit at 20 MB);
# ragged rows keep a row as long as its last cell instead of padding every row to the widest.


def _xls_rows(content: bytes, rows: _Rows) -> None:
    import xlrd

    book = xlrd.open_workbook(file_contents=content, on_demand=True, ragged_rows=True)
    try:
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            types = sheet.row_types(index)
            if not len(types):
                continue
            cells = []
            for kind, value in zip(types, sheet.row_values(index), strict=True):
                if kind == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate.xldate_as_datetime(value, book.datemode))
                elif kind == xlrd.XL_CELL_EMPTY:
                    cells.append(None)
                else:
                    cells.append(value)
            rows.add(index + 1, cells)
    finally:
        book.release_resources()


# ods: content.xml streamed; only the first table; a repeat count moves the row or column number on,
# and only a row or cell with content is copied, as many times as it repeats.


def _ods_rows(archive: zipfile.ZipFile, rows: _Rows) -> None:
    from lxml import etree

    table_tag, row_tag = _TABLE + "table", _TABLE + "table-row"
    in_table = False
    number = 0  # rows before the open one
    cells = None  # the open row's cells
    column = repeat = 0
    depth = elements = 0  # inside a cell: its children are kept until it ends
    with archive.open("content.xml") as source:
        for event, element in etree.iterparse(source, events=("start", "end"), **SAFE_XML):
            tag = element.tag
            if event == "start":
                if depth:
                    depth += 1
                    elements += 1
                    if elements > CELL_MAX_ELEMENTS:
                        raise SpreadsheetError(CELL_TOO_LONG.format(row=number + 1, limit=MAX_CELL_CHARS))
                elif tag == table_tag:
                    in_table = True
                elif in_table and tag == row_tag:
                    cells, column, repeat = [], 0, _ods_repeat(element, "number-rows-repeated")
                elif cells is not None and tag in _ODS_CELLS:
                    depth, elements = 1, 0
                continue
            if depth > 1:
                depth -= 1
                continue
            if depth:
                depth = 0
                span = _ods_repeat(element, "number-columns-repeated")
                value = _ods_value(element, number + 1)
                if not _blank(value):
                    if column + span > rows.max_columns:
                        raise rows.too_wide(number + 1, max(column, rows.max_columns) + 1)
                    cells.extend([None] * (column - len(cells)) + [value] * span)
                column += span
            elif tag == row_tag and cells is not None:
                for offset in range(repeat if cells else 0):
                    rows.add(number + 1 + offset, cells)
                number += repeat
                cells = None
            elif tag == table_tag:
                break  # only the first sheet
            _drop(element)


def _ods_repeat(element, name: str) -> int:
    return max(int(element.get(_TABLE + name) or 1), 0)


def _ods_value(cell, row: int):
    """As odfpy read it: dates, numbers and booleans from their attributes, anything else as its text."""
    kind = cell.get(_OFFICE + "value-type")
    if kind == "date":
        return datetime.date.fromisoformat((cell.get(_OFFICE + "date-value") or "")[:10])
    if kind in ("float", "percentage", "currency"):
        number = float(cell.get(_OFFICE + "value"))
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return cell.get(_OFFICE + "boolean-value") == "true"
    return _ods_text(cell, row) or None


def _ods_text(cell, row: int) -> str:
    """The cell's text with <text:s>, <text:tab> and <text:line-break> unwrapped, as odfpy's teletype does."""
    parts: list[str] = []
    size = 0

    def add(text: str) -> None:
        nonlocal size
        size += len(text)
        if size > MAX_CELL_CHARS:
            raise SpreadsheetError(CELL_TOO_LONG.format(row=row, limit=MAX_CELL_CHARS))
        parts.append(text)

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if tag == _TEXT + "s":
                add(" " * min(int(child.get(_TEXT + "c") or 1), MAX_CELL_CHARS + 1))
            elif tag == _TEXT + "tab":
                add("\t")
            elif tag == _TEXT + "line-break":
                add("\n")
            elif isinstance(tag, str):  # not a comment or processing instruction
                if child.text:
                    add(child.text)
                walk(child)
            if child.tail:
                add(child.tail)

    if cell.text:
        add(cell.text)
    walk(cell)
    return "".join(parts)


# csv: decoded whole (the upload limit bounds it), then split into lines and records lazily.


def _csv_rows(content: bytes, rows: _Rows) -> None:
    text = _decode(content)
    delimiter = _delimiter(text)
    number = 0  # records read
    marks = 0  # delimiters since the current record began: a record cannot grow past Excel's width

    def lines():
        nonlocal marks
        start, size = 0, len(text)
        while start < size:
            end = text.find("\n", start) + 1 or size
            line = text[start:end]
            marks += line.count(delimiter)
            if marks >= EXCEL_MAX_COLUMNS:
                raise SpreadsheetError(ROW_TOO_WIDE.format(row=number + 1, limit=EXCEL_MAX_COLUMNS))
            start = end
            yield line

    try:
        for record in csv.reader(lines(), delimiter=delimiter):
            number += 1
            marks = 0
            if number > EXCEL_MAX_ROWS:
                raise SpreadsheetError(SHEET_TOO_LONG.format(limit=EXCEL_MAX_ROWS))
            joined = "".join(record)
            if joined and not joined.isspace():
                rows.add(number, record)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise SpreadsheetError(CELL_TOO_LONG.format(row=number + 1, limit=csv.field_size_limit())) from exc
        raise SpreadsheetError(UNREADABLE.format(detail=f"第{number + 1}行：{exc}")) from exc


def _delimiter(text: str) -> str:
    """The separator the most lines use: a one-cell title row must not decide (csv.Sniffer lets it)."""
    head = text[:DELIMITER_SAMPLE_CHARS].splitlines()[: HEADER_SEARCH_ROWS + 20]
    lines = [line for line in head if line.strip()]
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
    """Skip title and blank rows above the header; map headers to fields; keep row numbers.

    `cells` are rows as read_cells gives them, each with its number, or plain lists numbered from 1.
    """
    if not any(any(normalize_text(c) for c in row) for row in cells):
        raise SpreadsheetError(EMPTY_FILE)
    lookup = {name: column for column in columns for name in column.names()}
    expected = "、".join(column.header for column in columns)
    for position, row in enumerate(cells):
        if row_number(row, position) > HEADER_SEARCH_ROWS:
            continue
        matched = [lookup.get(normalize_header(cell)) for cell in row]
        hits = [column for column in matched if column]
        if len(hits) >= 2 or (hits and len([c for c in row if normalize_text(c)]) == len(hits)):
            return _table_under(cells, position, row, matched, columns, expected)
    required = "、".join(column.header for column in columns if column.required)
    raise SpreadsheetError(NO_HEADER.format(rows=HEADER_SEARCH_ROWS, expected=required or expected))


def _table_under(cells, position, header_cells, matched, columns, expected) -> Table:
    header_row = row_number(header_cells, position)
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
    for at, record in enumerate(itertools.islice(cells, position + 1, None), start=position + 1):
        if not any(normalize_text(cell) for cell in record):
            continue
        rows.append(
            (row_number(record, at), {name: record[i] if i < len(record) else None for name, i in index.items()})
        )
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
