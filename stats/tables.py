"""Coverage results as plain tables (header + rows of cells), shared by the page and the exports."""

from dataclasses import dataclass

from stats.coverage import Change, Coverage, CoverageComparison, CoverageRow, Tally, current_of
from stats.formatting import format_change, format_rate


@dataclass(frozen=True)
class Cell:
    text: str
    value: object = None  # the number behind the text, for spreadsheets
    unit_id: int | None = None  # a unit the cell links to


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]


def _split(result: Coverage | CoverageComparison) -> tuple[Coverage, CoverageComparison | None]:
    return current_of(result), result if isinstance(result, CoverageComparison) else None


def _tally_cells(tally: Tally) -> list[Cell]:
    return [
        Cell(str(tally.eligible), tally.eligible),
        Cell(str(tally.established), tally.established),
        Cell(format_rate(tally.rate), tally.rate),
    ]


def _change_cells(change: Change) -> list[Cell]:
    return [
        *_tally_cells(change.before),
        Cell(format_change(change.established, 0), change.established),
        Cell(format_change(change.points, 1), change.points),
    ]


PREVIOUS_HEADERS = ["上年应建", "上年已建", "上年组建率", "已建增减", "组建率变化（百分点）"]


def summary_table(result: Coverage | CoverageComparison) -> Table:
    """One line per kind and a total: eligible, established, rate (and the year before)."""
    current, comparison = _split(result)
    headers = ["单位类型", "应建", "已建", "组建率"] + (PREVIOUS_HEADERS if comparison else [])
    rows = []
    for kind in [*current.kinds, None]:
        tally = current.summary.tally(kind) if kind else current.summary.total
        cells = [Cell(kind.name if kind else "合计"), *_tally_cells(tally)]
        if comparison:
            cells += _change_cells(comparison.summary_change(kind))
        rows.append(cells)
    return Table(headers, rows)


def branch_table(result: Coverage | CoverageComparison) -> Table:
    """The table a federation sends up: one line per child area (and the host units together),
    one column per kind with 已建/应建 and the rate, then the total."""
    current, comparison = _split(result)
    headers = ["单位", *(kind.name for kind in current.kinds), "合计"]
    headers += ["上年组建率", "变化（百分点）"] if comparison else []
    rows = [_branch_cells(row, current, comparison) for row in current.rows]
    rows.append(_branch_cells(current.summary, current, comparison, label="合计"))
    return Table(headers, rows)


def _ratio_cell(tally: Tally) -> Cell:
    if not tally.eligible:
        return Cell("—")
    return Cell(f"{tally.established}/{tally.eligible}（{format_rate(tally.rate)}）", tally.rate)


def _branch_cells(row: CoverageRow, current: Coverage, comparison, label: str | None = None) -> list[Cell]:
    link = row.unit.pk if row.unit and row.unit.pk != current.unit.pk else None
    cells = [Cell(label or row.label, unit_id=link)]
    cells += [_ratio_cell(row.tally(kind)) for kind in current.kinds]
    cells.append(_ratio_cell(row.total))
    if comparison:
        change = comparison.summary_change() if label else comparison.row_change(row)
        cells += [
            Cell(format_rate(change.before.rate), change.before.rate),
            Cell(format_change(change.points), change.points),
        ]
    return cells
