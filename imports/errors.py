"""Errors every importer shares: a file that cannot be read, and a row's cell that is wrong.

A row error names the row as Excel shows it, the column by its header and, when the cell has
one, the value the user wrote, so she can find it; one formatter writes them all.
"""

from imports.cells import normalize_text

REQUIRED_VALUE = "不能为空。"
UNKNOWN_UNIT = "单位代码“{code}”不存在。"
ROW_ERROR = "第{row}行，列“{column}”，值“{value}”：{message}"
ROW_ERROR_NO_VALUE = "第{row}行，列“{column}”：{message}"
ROW_ERROR_NO_COLUMN = "第{row}行：{message}"


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; nothing row-level can be said."""


def format_row_error(row: int, column: str, value, message: str) -> str:
    if not column:
        return ROW_ERROR_NO_COLUMN.format(row=row, message=message)
    shown = normalize_text(value)
    if shown:
        return ROW_ERROR.format(row=row, column=column, value=shown, message=message)
    return ROW_ERROR_NO_VALUE.format(row=row, column=column, message=message)
