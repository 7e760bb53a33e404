"""Reading the spreadsheets people actually send: xlsx, xls, ods and csv (UTF-8, UTF-8 with BOM, GBK),
told apart by their content, each row keeping the number the user sees in Excel."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

from imports.errors import SpreadsheetError
from imports.readers.ods import ods_rows
from imports.readers.rows import EMPTY_FILE, UNREADABLE, Row, Rows
from imports.readers.text import csv_rows
from imports.readers.xls import xls_rows
from imports.readers.xlsx import xlsx_rows
from imports.readers.xml import mimetype
from imports.uploads import check_upload

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    rows = Rows(
        settings.SPREADSHEET_MAX_ROWS_COMMAND if max_rows is None else max_rows,
        settings.SPREADSHEET_MAX_COLUMNS,
        settings.SPREADSHEET_MAX_CELLS,
    )
    if not content.startswith((XLS_MAGIC, b"PK")):
        csv_rows(content, rows)
        return rows.rows
    try:
        if content.startswith(XLS_MAGIC):
            xls_rows(content, rows)
        else:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "opendocument.spreadsheet" in mimetype(archive):
                    ods_rows(archive, rows)
                else:
                    xlsx_rows(archive, rows)
    except SpreadsheetError:
        raise
    except Exception as exc:  # each reader raises its own kinds for a damaged file
        raise SpreadsheetError(UNREADABLE.format(detail=exc)) from exc
    return rows.rows
