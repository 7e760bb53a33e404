"""Writing tables people open in Excel or WPS, with nothing in them that a spreadsheet would run."""

import csv
import datetime
import io

from imports.cells import looks_like_formula

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralize(text: str) -> str:
    """For csv: a leading apostrophe keeps a formula-looking cell as text (and is dropped on import)."""
    return f"'{text}" if looks_like_formula(text) else text


def keep_as_text(cell):
    """For xlsx: formula-looking text stored as a string cell; openpyxl makes any "=…" string a formula."""
    if looks_like_formula(cell.value):
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
    if looks_like_formula(value):
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
