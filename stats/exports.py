"""Coverage tables as files a federation sends up: .xlsx laid out for printing, and .csv."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from imports.spreadsheets import display_width, keep_as_text, neutralize
from stats.coverage import Coverage, CoverageComparison, Tally, current_of
from stats.formatting import format_rate
from stats.tables import TOTAL_LABEL, CoverageLine, coverage_table

PARTS = ("应建数", "已建数", "组建率")
RATE_FORMAT = "0.0%"


def title_of(coverage: Coverage) -> str:
    return f"{coverage.unit.name}妇女组织组建情况统计表"


def _cells(tally: Tally) -> list:
    # Excel shows a fraction as a rate through the cell's number format.
    rate = None if tally.rate is None else float(tally.rate / Decimal(100))
    return [tally.eligible, tally.established, rate]


def _tallies(line: CoverageLine) -> tuple[Tally, ...]:
    return (*line.by_kind, line.total)


def table_rows(coverage: Coverage) -> list[tuple[str, list]]:
    """(label, [eligible, established, rate] per kind + total) per line, the 合计 line last."""
    return [(line.label, [v for t in _tallies(line) for v in _cells(t)]) for line in coverage_table(coverage).lines]


def coverage_xlsx(result: Coverage | CoverageComparison) -> bytes:
    coverage = current_of(result)
    book = Workbook()
    sheet = book.active
    sheet.title = "组建率"
    groups = [kind.name for kind in coverage.kinds] + [TOTAL_LABEL]
    width = 1 + 3 * len(groups)
    bold, thin = Font(bold=True), Side(style="thin")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    sheet.cell(1, 1, title_of(coverage)).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).alignment = centre
    on = coverage.on
    sheet.cell(2, 1, f"单位：{coverage.unit.name}（{coverage.unit.code}）　截至：{on.year}年{on.month}月{on.day}日")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)

    sheet.cell(3, 1, "单位")
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for index, group in enumerate(groups):
        column = 2 + 3 * index
        sheet.cell(3, column, group)
        sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + 2)
        for offset, part in enumerate(PARTS):
            sheet.cell(4, column + offset, part)
    for row in sheet.iter_rows(min_row=3, max_row=4, max_col=width):
        for cell in row:
            cell.font, cell.alignment = bold, centre

    lines = table_rows(coverage)
    for row_index, (label, values) in enumerate(lines, start=5):
        sheet.cell(row_index, 1, label)
        for column, value in enumerate(values, start=2):
            cell = sheet.cell(row_index, column, value)
            if (column - 2) % 3 == 2:
                cell.number_format = RATE_FORMAT
        if label == TOTAL_LABEL:
            for cell in sheet[row_index]:
                cell.font = bold
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row, max_col=width):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    # Unit and kind names land in the title, the headers and the labels: none of them may become a formula.
    for row in sheet.iter_rows():
        for cell in row:
            keep_as_text(cell)

    sheet.column_dimensions["A"].width = max(12, *(display_width(label) + 2 for label, _ in lines))
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 9
    sheet.freeze_panes = "B5"
    sheet.print_title_rows = "3:4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
    for line in coverage_table(coverage).lines:
        shown = [value for t in _tallies(line) for value in (t.eligible, t.established, format_rate(t.rate))]
        writer.writerow([neutralize(line.label), *shown])
    return out.getvalue()
