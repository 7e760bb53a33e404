"""The change plan as a spreadsheet, and the mapping file read back from one.

Both have the same first three columns, 原代码, 新代码 and 关系 (同一单位 or 并入): a clerk
corrects the exported plan, e.g. picks the successor of an ambiguous unit, and feeds it back as the
mapping. The other columns only inform and are ignored on the way back, as are rows without 关系.
"""

from imports.errors import SpreadsheetError, format_row_error
from imports.spreadsheets import Column, find_table, parse_code, plain_text, read_cells, table_csv, table_xlsx
from orgunits import errors
from orgunits.division_matching import CLOSE, MERGED, MOVE_TO, SAME, MappingEntry
from orgunits.division_plan import COLUMNS, DivisionChange, DivisionPlan, DivisionPlanError

RELATIONS = (SAME, MERGED, MOVE_TO, CLOSE)
MAPPING_COLUMNS = [Column(field, header, required=True) for field, header in COLUMNS.items()]
INFORMATIVE = ("变更类型", "原名称", "新名称", "原上级", "新上级", "原类型", "新类型", "说明", "版本")
SHEET_TITLE = "区划调整计划"


def read_mapping(content: bytes, *, max_rows: int | None = None) -> list[MappingEntry]:
    """The rows that name a relation; raises DivisionPlanError naming each wrong row and column.
    At most `max_rows` rows are read (read_cells' limit for commands unless given)."""
    try:
        table = find_table(read_cells(content, max_rows=max_rows), MAPPING_COLUMNS)
    except SpreadsheetError as exc:
        raise DivisionPlanError([str(exc)]) from exc
    entries, problems = [], []
    for row, cells in table.rows:
        entry = _entry(row, cells, problems)
        if entry:
            entries.append(entry)
    if problems:
        raise DivisionPlanError(problems)
    return entries


def _entry(row: int, cells: dict, problems: list[str]) -> MappingEntry | None:
    relation = plain_text(cells.get("relation"))
    if not relation:
        return None
    if relation not in RELATIONS:
        problems.append(format_row_error(row, COLUMNS["relation"], relation, errors.MAPPING_BAD_RELATION))
        return None
    codes = {}
    for field in ("old_code", "new_code"):
        try:
            codes[field] = parse_code(cells.get(field))
        except ValueError as exc:
            problems.append(format_row_error(row, COLUMNS[field], cells.get(field), str(exc)))
            return None
        if not codes[field] and not (field == "new_code" and relation == CLOSE):
            problems.append(format_row_error(row, COLUMNS[field], "", errors.MAPPING_NEEDS_CODES))
            return None
    return MappingEntry(row, codes["old_code"], codes["new_code"], relation)


def plan_table(plan: DivisionPlan, *, kind_names: dict[str, str], edition: str) -> tuple[list[str], list[list]]:
    """Header and rows: the mapping's three columns first, then what the clerk needs to decide."""
    headers = [*COLUMNS.values(), *INFORMATIVE]
    rows = [_row(change, kind_names, edition) for change in (*plan.changes, *plan.hand_added)]
    return headers, rows


def _row(change: DivisionChange, kind_names: dict[str, str], edition: str) -> list[str]:
    return [
        change.old_code,
        change.new_code,
        change.relation,
        change.kind,
        change.old_name,
        change.new_name,
        change.old_parent,
        change.new_parent,
        kind_names.get(change.old_kind, change.old_kind),
        kind_names.get(change.new_kind, change.new_kind),
        change.note,
        edition,
    ]


def plan_file(plan: DivisionPlan, *, suffix: str, kind_names: dict[str, str], edition: str) -> bytes:
    """The plan as .xlsx or .csv (UTF-8 with BOM), formula-looking text kept as text."""
    headers, rows = plan_table(plan, kind_names=kind_names, edition=edition)
    if suffix == ".csv":
        return table_csv(headers, rows)
    return table_xlsx(SHEET_TITLE, headers, rows)
