"""Plain tables (stats.tables.Table) on sheets of their own beside the coverage sheet: 会改联 and, when
compared, 与上年同期比较. Laid out like the coverage sheet: a bold title, bold headers, thin borders,
landscape A4 one page wide, dates written as on the page (2025年12月31日)."""

import datetime
from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from imports.spreadsheets import display_width, keep_as_text
from stats.formatting import rate_number_format
from stats.tables import Table

NAME_WIDTH_MIN, NAME_WIDTH_MAX, FIGURE_WIDTH = 10, 30, 11
HEADER_HEIGHT = 30  # points: two lines, for 组建率变化（百分点）


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_table_sheet(book, name: str, title: str, tables: list[Table]) -> None:
    """The tables one under the other, a blank line between them. A rate (a Decimal behind a text in %)
    is written as the fraction it is, formatted as the page writes it; other numbers as numbers; the
    rest (+0.5, 新设, —) as their text."""
    sheet = book.create_sheet(name)
    width = max(len(table.headers) for table in tables)
    sheet.cell(1, 1, title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    thin = Side(style="thin")
    frame, bold = Border(top=thin, bottom=thin, left=thin, right=thin), Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = 3
    for table in tables:
        for column, header in enumerate(table.headers, start=1):
            cell = sheet.cell(row, column, header)
            cell.font, cell.alignment, cell.border = bold, centre, frame
        sheet.row_dimensions[row].height = HEADER_HEIGHT
        for cells in table.rows:
            row += 1
            for column, source in enumerate(cells, start=1):
                _write_cell(sheet.cell(row, column), source).border = frame
        row += 2
    for line in sheet.iter_rows():
        for cell in line:
            keep_as_text(cell)  # unit and kind names must not become formulas
    names = [str(sheet.cell(r, 1).value or "") for r in range(3, sheet.max_row + 1)]
    name_width = max([NAME_WIDTH_MIN, *(min(display_width(n) + 2, NAME_WIDTH_MAX) for n in names)])
    sheet.column_dimensions["A"].width = name_width
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = FIGURE_WIDTH
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth, setup.fitToHeight = 1, 0


def _write_cell(cell, source):
    value = source.value
    if isinstance(value, Decimal) and source.text.endswith("%"):
        cell.value, cell.number_format = float(value / 100), rate_number_format(value)
    elif isinstance(value, int) and not isinstance(value, bool) and source.text[:1] not in "+−":
        cell.value = value
    else:
        cell.value = source.text
    if cell.column > 1:  # figures given as text (+0.5, 0, —, 新设) line up with the numbers
        cell.alignment = Alignment(horizontal="right")
    return cell
