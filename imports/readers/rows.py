"""The rows a reader keeps, and the limits that end a reading.

Every reader streams the file and keeps only the rows with something in them, each a Row that
carries the number Excel shows. It stops at the first row, column or cell past the limits. Declared
dimensions are never read, and blank cells, blank rows and repeat counts cost nothing, so a small
file cannot unfold into a big table.
"""

from imports.errors import SpreadsheetError

UNREADABLE = "无法读取文件：{detail}。请确认文件是 .xlsx、.xls、.ods 或 .csv 格式。"
UNKNOWN_ENCODING = "无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。"
EMPTY_FILE = "文件中没有任何数据。"
TOO_MANY_ROWS = "文件中有内容的行超过上限{limit}行，读到第{row}行时超出。请拆成几个文件分别导入。"
TOO_MANY_COLUMNS = "第{row}行第{column}列有内容，超过上限{limit}列。请删去多余的列后再导入。"
TOO_MANY_CELLS = (
    "文件的单元格（每行数到最后一个有内容的）超过上限{limit}个，读到第{row}行时超出。请拆成几个文件分别导入。"
)
SHEET_TOO_LONG = "文件超过{limit}行（Excel 表格的最大行数），无法读取。"
ROW_TOO_WIDE = "第{row}行超过{limit}列（Excel 表格的最大列数），无法读取。"
CELL_TOO_LONG = "第{row}行有单元格超过{limit}个字符，无法读取。"

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 131_072  # csv's own field limit (Excel's is 32,767)
CELL_MAX_ELEMENTS = 10_000  # XML elements inside one cell: rich-text runs and their formatting
HEADER_SEARCH_ROWS = 20  # a title, notes and blank rows may sit above the header
DELIMITER_SAMPLE_CHARS = 1 << 20
# lxml without entity expansion, network or DTDs; huge_tree=False caps a text node at 10 MB.
SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


class Row(list):
    """One row's cells, up to its last non-blank one, with `number`: the row number Excel shows."""

    __slots__ = ("number",)

    def __init__(self, cells=(), number: int = 0):
        super().__init__(cells)
        self.number = number


def row_number(row, position: int) -> int:
    """A Row knows its number; rows given as plain lists are numbered from 1 by position."""
    return getattr(row, "number", position + 1)


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Rows:
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
        while end and blank(cells[end - 1]):
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
