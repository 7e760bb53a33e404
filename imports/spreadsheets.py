"""Reading and writing the spreadsheets people actually send, in one place for the importers and exports.

Every importer reads through here, so that xlsx, xls, ods and csv (UTF-8, UTF-8 with BOM, GBK)
behave the same, rows keep the numbers the user sees in Excel, and values written by hand
(full-width digits, 2025年3月1日, Excel date serials, 是/否) mean what the writer meant. The work is
done in imports.readers (one module a format), imports.cells, imports.tables and imports.writers.
"""

from imports.cells import (
    BAD_BOOLEAN,
    BAD_DATE,
    FORMULA_STARTS,
    SCIENTIFIC_NUMBER,
    looks_like_formula,
    normalize_header,
    normalize_text,
    parse_bool,
    parse_code,
    parse_date,
    plain_text,
)
from imports.errors import ROW_ERROR, ROW_ERROR_NO_COLUMN, ROW_ERROR_NO_VALUE, SpreadsheetError, format_row_error
from imports.readers import read_cells, read_upload
from imports.readers.rows import (
    CELL_TOO_LONG,
    EMPTY_FILE,
    ROW_TOO_WIDE,
    SHEET_TOO_LONG,
    TOO_MANY_CELLS,
    TOO_MANY_COLUMNS,
    TOO_MANY_ROWS,
    UNKNOWN_ENCODING,
    UNREADABLE,
    Row,
    row_number,
)
from imports.tables import DUPLICATE_COLUMN, MISSING_COLUMNS, NO_HEADER, Column, Table, find_table
from imports.writers import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    display_width,
    keep_as_text,
    neutralize,
    table_csv,
    table_xlsx,
)

__all__ = [
    "BAD_BOOLEAN",
    "BAD_DATE",
    "CELL_TOO_LONG",
    "CSV_CONTENT_TYPE",
    "DUPLICATE_COLUMN",
    "EMPTY_FILE",
    "FORMULA_STARTS",
    "MISSING_COLUMNS",
    "NO_HEADER",
    "ROW_ERROR",
    "ROW_ERROR_NO_COLUMN",
    "ROW_ERROR_NO_VALUE",
    "ROW_TOO_WIDE",
    "SCIENTIFIC_NUMBER",
    "SHEET_TOO_LONG",
    "TOO_MANY_CELLS",
    "TOO_MANY_COLUMNS",
    "TOO_MANY_ROWS",
    "UNKNOWN_ENCODING",
    "UNREADABLE",
    "XLSX_CONTENT_TYPE",
    "Column",
    "Row",
    "SpreadsheetError",
    "Table",
    "display_width",
    "find_table",
    "format_row_error",
    "keep_as_text",
    "looks_like_formula",
    "neutralize",
    "normalize_header",
    "normalize_text",
    "parse_bool",
    "parse_code",
    "parse_date",
    "plain_text",
    "read_cells",
    "read_upload",
    "row_number",
    "table_csv",
    "table_xlsx",
]
