"""The 阵地覆盖 table, once for the page, the exports and the survey report: one line per row of the
coverage (本级, each child area, the host units together) and 合计, one column per facility kind."""

from facilities.coverage import FacilityCoverage
from stats.coverage import Tally
from stats.formatting import MISSING, format_rate
from stats.tables import Cell, Table

PARTS = ("应建", "已建", "覆盖率")


def _ratio(tally: Tally) -> Cell:
    if not tally.eligible:
        return Cell(MISSING)
    return Cell(f"{tally.established}/{tally.eligible}（{format_rate(tally.rate)}）", tally.rate)


def summary_table(result: FacilityCoverage) -> Table:
    """One line per facility kind: 应建, 已建, 覆盖率."""
    rows = []
    for kind in result.kinds:
        tally = result.summary.tally(kind)
        rows.append(
            [Cell(kind.name), Cell(str(tally.eligible)), Cell(str(tally.established)), Cell(format_rate(tally.rate))]
        )
    return Table(["阵地类型", *PARTS], rows)


def branch_table(result: FacilityCoverage) -> Table:
    """One line per row of the coverage and 合计; each cell 已建/应建（覆盖率）."""
    lines = [*result.rows, result.summary]
    rows = []
    for line in lines:
        link = line.unit.pk if line.unit is not None and line.unit != result.unit else None
        rows.append([Cell(line.label, unit_id=link), *(_ratio(line.tally(kind)) for kind in result.kinds)])
    return Table(["单位", *(kind.name for kind in result.kinds)], rows)


def flat_rows(result: FacilityCoverage) -> tuple[list[str], list[list]]:
    """For the .xlsx and .csv: 应建, 已建 and 覆盖率 of each kind in columns of their own."""
    headers = ["单位", *(f"{kind.name}{part}" for kind in result.kinds for part in PARTS)]
    rows = []
    for line in [*result.rows, result.summary]:
        cells = [line.label]
        for kind in result.kinds:
            tally = line.tally(kind)
            cells += [tally.eligible, tally.established, format_rate(tally.rate)] if tally.eligible else [MISSING] * 3
        rows.append(cells)
    return headers, rows
