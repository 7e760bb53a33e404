"""Coverage tables as files a federation sends up: .xlsx laid out for printing, and .csv.

The xlsx prints on landscape A4, one page wide (issue 16): a county's ten kinds make 34 columns, which
printed at 100% ran over five portrait pages with the title cut and 合计 alone on the last one.
"""

import csv
import io
import math
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from imports.spreadsheets import display_width, keep_as_text, neutralize
from stats.coverage import Coverage, CoverageComparison, Tally, current_of
from stats.export_sheets import chinese_date, write_table_sheet
from stats.formatting import MISSING, format_rate, rate_number_format
from stats.tables import TOTAL_LABEL, CoverageLine, comparison_lines, conversion_table, coverage_table, summary_table

PARTS = ("应建数", "已建数", "组建率")
COMPARISON_SHEET = "与上年同期比较"
FIRST_LINE_ROW = 5  # title, info line, kind names, parts; then the lines

# Column widths, in digits of the default font. Counts and rates are short; the part names under
# them wrap onto two lines instead of widening every column.
COUNT_WIDTH, RATE_WIDTH = 4, 6
NAME_WIDTH_MIN, NAME_WIDTH_MAX = 8, 30

# Printing. A column w digits wide prints about w × 0.19 cm at 100% in Excel (Calibri 11's digit is
# 7 px); LibreOffice without Calibri or Carlito measures the digit of DejaVu Sans, 0.25 cm. The wider
# one decides, so that the scale is what the narrower one makes at least.
CM_PER_CHARACTER, EXCEL_CM_PER_CHARACTER = 0.25, 0.19
SIDE_MARGIN_IN, TOP_MARGIN_IN = 0.5, 0.6
PRINTABLE_WIDTH_CM = 29.7 - 2 * 2.54 * SIDE_MARGIN_IN  # landscape A4: ≈ 27.2 cm
PRINTABLE_HEIGHT_CM = 21.0 - 2 * 2.54 * TOP_MARGIN_IN - 1.5  # less the page number's footer
# Below 60% the figures get too small to read on paper: such a table prints at 60% across pages.
MIN_SCALE = 60
ROW_CM, HEADING_CM = 0.53, 0.53 + 0.8 + 0.53 + 0.99  # a line; title, info line and the two header rows
TITLE_HEIGHT, PARTS_HEIGHT = 24, 28  # points: the title's 14 pt font; two lines of part names


def title_of(coverage: Coverage) -> str:
    return f"{coverage.unit.name}妇女组织组建情况统计表"


def _cells(tally: Tally) -> list:
    # A kind without an eligible unit in the row has no figures to give, as on the page.
    if not tally.eligible:
        return [MISSING] * len(PARTS)
    # Excel shows a fraction as a rate through the cell's number format. Kept exact until written, so
    # that the format is chosen from the rate format_rate rounds (99.95% is 100%, not 99.9%).
    return [tally.eligible, tally.established, tally.rate / Decimal(100)]


def _tallies(line: CoverageLine) -> tuple[Tally, ...]:
    return (*line.by_kind, line.total)


def table_rows(coverage: Coverage) -> list[tuple[str, list]]:
    """(label, [eligible, established, rate] per kind + total) per line, the 合计 line last; "—" for
    the three of a kind without an eligible unit in the line."""
    return [(line.label, [v for t in _tallies(line) for v in _cells(t)]) for line in coverage_table(coverage).lines]


def column_widths(lines: list[tuple[str, list]], group_count: int) -> list[float]:
    """Widths from the content: the names' column fits the longest name (up to a limit; longer ones
    wrap), a count's column the largest count."""
    names = max(display_width(label) for label, _ in lines) + 2
    counts = [value for _, values in lines for value in values if isinstance(value, int)]
    count = max(COUNT_WIDTH, len(str(max(counts, default=0))) + 1.5)
    return [min(max(NAME_WIDTH_MIN, names), NAME_WIDTH_MAX), *[count, count, RATE_WIDTH] * group_count]


def fitted_scale(widths: list[float], cm_per_character: float = CM_PER_CHARACTER) -> int:
    """The scale, in percent, at which a spreadsheet program prints the columns one page wide."""
    printed = sum(widths) * cm_per_character
    return min(100, math.floor(PRINTABLE_WIDTH_CM / printed * 100))


def columns_on_first_page(widths: list[float], scale: int) -> int:
    # With room to spare, so that a heading merged over them never runs onto the second page.
    room, used, count = 0.9 * PRINTABLE_WIDTH_CM / (scale / 100), 0.0, 0
    for width in widths:
        used += width * CM_PER_CHARACTER
        if used > room:
            break
        count += 1
    return max(1, count)


def page_ends(line_count: int, scale: int) -> list[int]:
    """The rows after which a page ends, when the lines run over one page: full pages (with room to
    spare, so the program's own breaks never come first), except that 合计 never starts the last page
    alone — the last break moves up a line. Empty when the lines fit on one page, the usual case.
    At the largest scale a program may print at, where a page holds the fewest lines."""
    factor = scale / 100
    capacity = math.floor((PRINTABLE_HEIGHT_CM - HEADING_CM * factor) / (ROW_CM * factor) * 0.9)
    if line_count <= capacity:
        return []
    ends = list(range(capacity, line_count, capacity))
    if line_count - ends[-1] == 1:
        ends[-1] -= 1
    return [FIRST_LINE_ROW - 1 + end for end in ends]


def coverage_xlsx(result: Coverage | CoverageComparison) -> bytes:
    coverage = current_of(result)
    book = Workbook()
    sheet = book.active
    sheet.title = "组建率"
    groups = [kind.name for kind in coverage.kinds] + [TOTAL_LABEL]
    lines = table_rows(coverage)
    widths = column_widths(lines, len(groups))
    scale = fitted_scale(widths)
    if scale >= MIN_SCALE:
        _write_heading(sheet, coverage, 1, len(widths))
    else:
        # Printed across pages, column A starts each of them: the heading starts in B, or the pages
        # after the first would repeat a piece of it.
        _write_heading(sheet, coverage, 2, columns_on_first_page(widths, MIN_SCALE))
    _write_headers(sheet, groups)
    _write_lines(sheet, lines)
    _frame(sheet, len(widths))
    # Unit and kind names land in the title, the headers and the labels: none of them may become a formula.
    for row in sheet.iter_rows():
        for cell in row:
            keep_as_text(cell)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"B{FIRST_LINE_ROW}"
    _set_up_pages(sheet, widths, len(lines))
    if isinstance(result, CoverageComparison):
        _write_comparison_sheet(book, result)
    _write_conversion_sheet(book, coverage)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_conversion_sheet(book, coverage: Coverage) -> None:
    """改建率 by kind on a sheet of its own, when any kind has 妇代会 to convert (stats.conversion)."""
    table = conversion_table(coverage)
    if table is not None:
        title = f"{coverage.unit.name}妇代会改建妇联情况（截至{chinese_date(coverage.on)}）"
        write_table_sheet(book, "会改联", title, [table])


def _write_comparison_sheet(book, result: CoverageComparison) -> None:
    """What the page shows when compared: by kind against the year before, then each line's rate."""
    current = result.current
    title = f"{current.unit.name}组建率与上年同期比较（{chinese_date(current.on)}与{chinese_date(result.previous.on)}）"
    table = coverage_table(result)  # built once for both
    write_table_sheet(book, COMPARISON_SHEET, title, [summary_table(table), comparison_lines(table)])


def _write_heading(sheet, coverage: Coverage, first: int, last: int) -> None:
    """The title and the info line, merged over the columns (first to last) that print on the first page."""
    info = f"单位：{coverage.unit.name}（{coverage.unit.code}）　截至：{chinese_date(coverage.on)}"
    title = sheet.cell(1, first, title_of(coverage))
    title.font, title.alignment = Font(bold=True, size=14), Alignment(horizontal="center", vertical="center")
    sheet.cell(2, first, info)
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    sheet.row_dimensions[1].height = TITLE_HEIGHT


def _write_headers(sheet, groups: list[str]) -> None:
    sheet.cell(3, 1, "单位")
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for index, group in enumerate(groups):
        column = 2 + 3 * index
        sheet.cell(3, column, group)
        sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + 2)
        for offset, part in enumerate(PARTS):
            sheet.cell(4, column + offset, part)
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in sheet.iter_rows(min_row=3, max_row=4, max_col=1 + 3 * len(groups)):
        for cell in row:
            cell.font, cell.alignment = bold, centre
    sheet.row_dimensions[4].height = PARTS_HEIGHT


def _write_lines(sheet, lines: list[tuple[str, list]]) -> None:
    right = Alignment(horizontal="right")
    for row, (label, values) in enumerate(lines, start=FIRST_LINE_ROW):
        sheet.cell(row, 1, label).alignment = Alignment(wrap_text=True, vertical="center")
        for column, value in enumerate(values, start=2):
            cell = sheet.cell(row, column, float(value) if isinstance(value, Decimal) else value)
            if value == MISSING:
                cell.alignment = right
            elif isinstance(value, Decimal):
                cell.number_format = rate_number_format(value * 100)
        if label == TOTAL_LABEL:
            for cell in sheet[row]:
                cell.font = Font(bold=True)


def _frame(sheet, width: int) -> None:
    thin = Side(style="thin")
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row, max_col=width):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)


def _set_up_pages(sheet, widths: list[float], line_count: int) -> None:
    """Landscape A4, one page wide, the headers and the names' column on every page."""
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    # Excel, with Calibri's narrower digit, prints larger than LibreOffice: fewer lines on a page.
    scale = fitted_scale(widths, EXCEL_CM_PER_CHARACTER)
    if fitted_scale(widths) >= MIN_SCALE:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0  # 0: as many pages tall as the lines need
    else:
        # Too wide to read at one page wide: 60%, across pages, each starting with the names.
        setup.scale = scale = MIN_SCALE
    sheet.page_margins = PageMargins(left=SIDE_MARGIN_IN, right=SIDE_MARGIN_IN, top=TOP_MARGIN_IN, bottom=TOP_MARGIN_IN)
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"3:{FIRST_LINE_ROW - 1}"
    sheet.print_title_cols = "A:A"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    # LibreOffice keeps these breaks with fit to width (tests/reports/test_coverage_print.py); Excel
    # documents ignoring manual breaks when fitting to a number of pages, and then breaks by itself.
    for row in page_ends(line_count, scale):
        sheet.row_breaks.append(Break(id=row))


def coverage_csv(result: Coverage | CoverageComparison) -> str:
    coverage = current_of(result)
    out = io.StringIO()
    # A CR inside a name must be quoted, or Excel starts a new row there; the writer quotes only the
    # line terminator's characters, so the terminator holds both.
    writer = csv.writer(out, lineterminator="\r\n")
    groups = [kind.name for kind in coverage.kinds] + [TOTAL_LABEL]
    writer.writerow([neutralize(title_of(coverage))])
    writer.writerow([f"截至{coverage.on.isoformat()}"])
    writer.writerow(["单位", *(neutralize(f"{group}{part}") for group in groups for part in PARTS)])
    table = coverage_table(result)  # its lines' figures are the chosen date's, compared or not
    for line in table.lines:
        writer.writerow([neutralize(line.label), *(value for t in _tallies(line) for value in _csv_cells(t))])
    if isinstance(result, CoverageComparison):
        for block in (summary_table(table), comparison_lines(table)):
            _csv_block(writer, block)
    conversion = conversion_table(coverage)
    if conversion is not None:
        _csv_block(writer, conversion, "妇代会改建妇联（会改联）")
    return out.getvalue()


def _csv_block(writer, table, heading: str = "") -> None:
    """A table below the coverage, after a blank line (and its heading): the names neutralised."""
    writer.writerow([])
    if heading:
        writer.writerow([heading])
    writer.writerow([neutralize(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([neutralize(row[0].text), *(cell.text for cell in row[1:])])


def _csv_cells(tally: Tally) -> list:
    if not tally.eligible:
        return [MISSING] * len(PARTS)
    return [tally.eligible, tally.established, format_rate(tally.rate)]
