"""csv: decoded whole (the upload limit bounds it), then split into lines and records lazily."""

import csv

from imports.errors import SpreadsheetError
from imports.readers.rows import (
    CELL_TOO_LONG,
    DELIMITER_SAMPLE_CHARS,
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    HEADER_SEARCH_ROWS,
    ROW_TOO_WIDE,
    SHEET_TOO_LONG,
    UNKNOWN_ENCODING,
    UNREADABLE,
    Rows,
)


def csv_rows(content: bytes, rows: Rows) -> None:
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
