"""ods: content.xml streamed; only the first table; a repeat count moves the row or column number on,
and only a row or cell with content is copied, as many times as it repeats."""

import datetime
import zipfile

from imports.errors import SpreadsheetError
from imports.readers.rows import (
    CELL_MAX_ELEMENTS,
    CELL_TOO_LONG,
    MAX_CELL_CHARS,
    Rows,
    blank,
)
from imports.readers.xml import drop_read, xml_events

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")


def ods_rows(archive: zipfile.ZipFile, rows: Rows) -> None:
    table_tag, row_tag = _TABLE + "table", _TABLE + "table-row"
    in_table = False
    number = 0  # rows before the open one
    cells = None  # the open row's cells
    column = repeat = 0
    depth = elements = 0  # inside a cell: its children are kept until it ends
    for event, element in xml_events(archive, "content.xml"):
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
            if not blank(value):
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
        drop_read(element)


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
