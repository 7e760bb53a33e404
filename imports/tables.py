"""The table under a header: title and blank rows above it skipped, headers mapped to fields by name
or alias, each row keeping its number."""

import itertools
from dataclasses import dataclass, field

from imports.cells import normalize_header, normalize_text
from imports.errors import SpreadsheetError
from imports.readers.rows import EMPTY_FILE, HEADER_SEARCH_ROWS, row_number

NO_HEADER = "在前{rows}行中找不到表头。表头应包含：{expected}。"
MISSING_COLUMNS = "第{row}行表头缺少列：{columns}。表头应为：{expected}。"
DUPLICATE_COLUMN = "第{row}行表头中“{header}”出现了两次（第{first}列和第{second}列）。"


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
