"""The coverage table, built once (CoverageTable) and rendered by the page, the exports and the survey
report alike; and plain tables (header + rows of cells) for pages and documents."""

from collections.abc import Sequence
from dataclasses import dataclass

from stats.conversion import CONVERSION_HEADERS, conversions
from stats.coverage import Change, Coverage, CoverageComparison, Tally, current_of
from stats.formatting import format_change, format_rate

TOTAL_LABEL = "合计"
NEW_LABEL = "新设"


@dataclass(frozen=True)
class Cell:
    text: str
    value: object = None  # the number behind the text, for spreadsheets
    unit_id: int | None = None  # a unit the cell links to


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]


# ---------------------------------------------------------------- the coverage table


@dataclass(frozen=True)
class CoverageLine:
    label: str
    unit_id: int | None  # the line's unit; None for the host units together and for the total
    by_kind: tuple[Tally, ...]  # one per kind of the table, in its order
    before: Tally | None = None  # the line's total a year earlier, when compared
    new: bool = False  # compared, and the line's unit was not there a year earlier (新设)

    @property
    def total(self) -> Tally:
        return sum(self.by_kind, Tally())


@dataclass(frozen=True)
class CoverageTable:
    kinds: tuple[str, ...]  # kind names, the columns
    lines: tuple[CoverageLine, ...]  # one per row of the coverage, then the total
    own_unit_id: int | None = None
    before_by_kind: tuple[Tally, ...] | None = None  # the total's kinds a year earlier, when compared

    @property
    def compared(self) -> bool:
        return self.before_by_kind is not None

    @property
    def summary(self) -> CoverageLine:
        return self.lines[-1]


def table_of(
    kinds: Sequence[str], rows: Sequence[CoverageLine], own_unit_id: int | None = None, before=None
) -> CoverageTable:
    """The table from its rows: the total line is their sum. before: (the total a year earlier, per
    kind of the table), when compared."""
    by_kind = tuple(sum((row.by_kind[index] for row in rows), Tally()) for index in range(len(kinds)))
    before_total, before_by_kind = before or (None, None)
    total = CoverageLine(TOTAL_LABEL, None, by_kind, before_total)
    return CoverageTable(tuple(kinds), (*rows, total), own_unit_id, before_by_kind)


def coverage_table(result: Coverage | CoverageComparison) -> CoverageTable:
    current = current_of(result)
    comparison = result if isinstance(result, CoverageComparison) else None
    rows = [
        CoverageLine(
            row.label,
            row.unit.pk if row.unit else None,
            tuple(row.tally(kind) for kind in current.kinds),
            comparison.row_change(row).before if comparison else None,
            bool(comparison) and comparison.is_new(row),
        )
        for row in current.rows
    ]
    before = None
    if comparison:
        per_kind = tuple(comparison.summary_change(kind).before for kind in current.kinds)
        before = (comparison.summary_change().before, per_kind)
    return table_of([kind.name for kind in current.kinds], rows, current.unit.pk, before)


def _table(result: Coverage | CoverageComparison | CoverageTable) -> CoverageTable:
    return result if isinstance(result, CoverageTable) else coverage_table(result)


# ---------------------------------------------------------------- the page's two renderings


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


def summary_table(result: Coverage | CoverageComparison | CoverageTable) -> Table:
    """One line per kind and a total: eligible, established, rate (and the year before)."""
    table = _table(result)
    headers = ["单位类型", "应建", "已建", "组建率"] + (PREVIOUS_HEADERS if table.compared else [])
    summary = table.summary
    befores = [*(table.before_by_kind or [None] * len(table.kinds)), summary.before]
    tallies = [*summary.by_kind, summary.total]
    rows = [_summary_cells(*line) for line in zip([*table.kinds, TOTAL_LABEL], tallies, befores, strict=True)]
    return Table(headers, rows)


def _summary_cells(name: str, tally: Tally, before: Tally | None) -> list[Cell]:
    cells = [Cell(name), *_tally_cells(tally)]
    return cells + _change_cells(Change(tally, before)) if before is not None else cells


def branch_table(result: Coverage | CoverageComparison | CoverageTable) -> Table:
    """The table a federation sends up: one line per child area (and the host units together),
    one column per kind with 已建/应建 and the rate, then the total."""
    table = _table(result)
    headers = ["单位", *table.kinds, TOTAL_LABEL]
    headers += ["上年组建率", "变化（百分点）"] if table.compared else []
    return Table(headers, [_branch_cells(line, table) for line in table.lines])


def _ratio_cell(tally: Tally) -> Cell:
    if not tally.eligible:
        return Cell("—")
    return Cell(f"{tally.established}/{tally.eligible}（{format_rate(tally.rate)}）", tally.rate)


def _branch_cells(line: CoverageLine, table: CoverageTable) -> list[Cell]:
    link = line.unit_id if line.unit_id != table.own_unit_id else None
    cells = [Cell(line.label, unit_id=link), *map(_ratio_cell, line.by_kind), _ratio_cell(line.total)]
    return cells + _previous_cells(line) if table.compared else cells


def _previous_cells(line: CoverageLine) -> list[Cell]:
    """上年组建率 and the change in points; 新设 for a line that was not there a year earlier."""
    if line.new:
        return [Cell(NEW_LABEL), Cell("—")]
    change = Change(line.total, line.before)
    return [
        Cell(format_rate(change.before.rate), change.before.rate),
        Cell(format_change(change.points), change.points),
    ]


def comparison_lines(result: Coverage | CoverageComparison | CoverageTable) -> Table:
    """Each line's total against the year before: 本年 and 上年 rates and the change in points (新设 for
    a line that was not there)."""
    table = _table(result)
    headers = ["单位", "应建", "已建", "组建率", "上年组建率", "变化（百分点）"]
    uncompared = [Cell("—"), Cell("—")]
    rows = [
        [Cell(line.label), *_tally_cells(line.total), *(_previous_cells(line) if table.compared else uncompared)]
        for line in table.lines
    ]
    return Table(headers, rows)


def conversion_table(coverage: Coverage) -> Table | None:
    """改建率 by kind (stats.conversion), or None when no kind has any 妇代会 to convert."""
    found = conversions(coverage)
    if not found:
        return None
    rows = [
        [
            Cell(c.kind.name),
            Cell(str(c.due), c.due),
            Cell(str(c.converted), c.converted),
            Cell(str(c.still_congress), c.still_congress),
            Cell(format_rate(c.rate), c.rate),
        ]
        for c in found
    ]
    return Table(CONVERSION_HEADERS, rows)
