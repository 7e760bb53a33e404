"""xlsx: the worksheet streamed cell by cell with openpyxl's own cell parser; shared strings read after
it, and only those the kept cells use."""

import posixpath
import zipfile

from imports.errors import SpreadsheetError
from imports.readers.rows import (
    CELL_MAX_ELEMENTS,
    CELL_TOO_LONG,
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    MAX_CELL_CHARS,
    ROW_TOO_WIDE,
    SHEET_TOO_LONG,
    UNREADABLE,
    Rows,
    blank,
)
from imports.readers.xml import drop_read, xml_ends, xml_events

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_INLINE_STRING, _TEXT = _MAIN + "is", _MAIN + "t"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class _SharedString(int):
    """A cell's index into the shared strings, until the strings the kept cells use are read."""

    __slots__ = ()


class _SharedStringIndexes:
    def __getitem__(self, index: int) -> _SharedString:
        return _SharedString(index)


def xlsx_rows(archive: zipfile.ZipFile, rows: Rows) -> None:
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
    for event, element in xml_events(archive, sheet):
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
            cell = _inline_text_cell(parser, element) if element.get("t") == "inlineStr" else None
            cell = cell or parser.parse_cell(element)
            if not blank(cell["value"]):
                if cell["column"] > rows.max_columns:
                    raise rows.too_wide(number, cell["column"])
                values[cell["column"]] = cell["value"]
        elif element.tag == row_tag:
            if values:
                rows.add(number, [values.get(column) for column in range(1, max(values) + 1)])
            values = None
        elif element.tag == data_tag:
            break  # the rest of the sheet is formatting
        drop_read(element)
    if strings:
        _resolve_shared_strings(archive, strings, rows)


def _inline_text_cell(parser, element) -> dict | None:
    """What parse_cell gives for an inline string of plain text (None for rich text), without building
    openpyxl's rich-text objects: those took half the time of reading a file written by openpyxl's
    write-only mode (every string inline)."""
    from openpyxl.utils.cell import coordinate_to_tuple

    inline = element.find(_INLINE_STRING)
    if inline is None or len(inline) != 1 or inline[0].tag != _TEXT:
        return None
    coordinate = element.get("r")
    if coordinate:
        parser.col_counter = coordinate_to_tuple(coordinate)[1]
    else:
        parser.col_counter += 1
    return {"column": parser.col_counter, "value": inline[0].text or ""}


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
    for element in xml_ends(archive, workbook):
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
    for element in xml_ends(archive, path):
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
    for element in xml_ends(archive, styles):
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


def _resolve_shared_strings(archive: zipfile.ZipFile, path: str, rows: Rows) -> None:
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
        while end and blank(row[end - 1]):
            end -= 1
        if end:
            del row[end:]
            kept.append(row)
    rows.rows[:] = kept


def _shared_strings(archive: zipfile.ZipFile, path: str, wanted: set[int]) -> dict[int, str]:
    from openpyxl.cell.text import Text

    found: dict[int, str] = {}
    item_tag, text_tag = _MAIN + "si", _MAIN + "t"
    index = -1
    depth = elements = chars = 0
    for event, element in xml_events(archive, path):
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
                raise SpreadsheetError(UNREADABLE.format(detail=f"第{index + 2}个共享字符串超过{MAX_CELL_CHARS}个字符"))
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
        drop_read(element)
    return found
