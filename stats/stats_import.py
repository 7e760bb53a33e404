"""Statistics spreadsheets, in two shapes, all rows written or none.

- Long: one figure per row (单位代码, 指标项, 年度, 合计, 其中女性).
- Wide: what the system exports for a form, one row per unit and year, one column per element
  and one per female part. Blank cells leave stored figures alone.

Each value is checked as on the data-entry page (integers, "5200余" for an approximate one, female ≤
total, female parts only where the element has one), and the validation rules are checked on each
unit's figures as they will be after the import, stored figures included.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from access.scope import OUT_OF_SCOPE
from imports.errors import REQUIRED_VALUE, UNKNOWN_UNIT
from imports.pipeline import Importer, Plan, PlannedRow
from imports.queries import chunked_in
from imports.spreadsheets import Column, SpreadsheetError, Table, find_table, normalize_text
from orgunits.models import OrgUnit
from orgunits.old_codes import CodeLookup, units_by_code
from stats import errors
from stats.models import DataElement, DataValue, ValidationRule
from stats.periods import Period
from stats.services import datavalues_write, figure_text, parse_figure, rule_violations

UNIT_COLUMN = Column("unit_code", "单位代码", ("代码", "code"), required=True)
NAME_COLUMN = Column("unit_name", "单位名称", ("名称", "unit"))
PERIOD_COLUMN = Column("period", "年度", ("年份", "统计期", "period"), required=True)
LONG_COLUMNS = [
    UNIT_COLUMN,
    NAME_COLUMN,
    Column("element", "指标项", ("指标", "element"), required=True),
    PERIOD_COLUMN,
    Column("total", "合计", ("total",), required=True),
    Column("female", "其中女性", ("女性", "female")),
]
FEMALE_SUFFIX = "其中女性"

UNKNOWN_ELEMENT = "没有这个统计指标项，可选：{choices}。"
DUPLICATE_FIGURE = "与第{first}行重复：同一单位、同一年度、同一指标项只能有一行。"
DUPLICATE_UNIT_ROW = "与第{first}行重复：同一单位、同一年度只能有一行。"
RULES_BROKEN = "{unit}{period}的数据{message}"


def wide_columns(elements: list[DataElement]) -> list[Column]:
    columns = [UNIT_COLUMN, NAME_COLUMN, PERIOD_COLUMN]
    for element in elements:
        columns.append(Column(f"{element.code}.total", element.name, (element.code, f"{element.name}合计")))
        if element.has_female:
            female = f"{element.name}{FEMALE_SUFFIX}"
            columns.append(Column(f"{element.code}.female", female, (f"{element.code}.female", f"{element.name}女性")))
    return columns


@dataclass
class StatsRow(PlannedRow):
    unit: OrgUnit | None = None
    period: Period | None = None
    values: dict = field(default_factory=dict)  # element code -> (total, female, approximate)


@dataclass
class StatsImport(Plan):
    shape: str = "long"  # long | wide
    to_create: list[DataValue] = field(default_factory=list)
    to_update: list[DataValue] = field(default_factory=list)


class StatsImporter(Importer):
    """Long or wide, told by the header; figures for units the user may not edit are errors."""

    columns = LONG_COLUMNS
    plan_class = StatsImport

    def __init__(self, shape: str = "long"):
        self.shape = shape

    def read(self, cells: list[list]) -> Table:
        self.shape, table = read_table(cells)
        return table

    def plan_rows(self, plan: StatsImport, table: Table, *, scope) -> None:
        plan.shape = self.shape
        plan.rows = [StatsRow(number, raw) for number, raw in table.rows]
        _check_rows(plan, table, scope)

    def write_rows(self, plan: StatsImport) -> None:
        datavalues_write(to_create=plan.to_create, to_update=plan.to_update, batch_size=2000)

    def summary(self, plan: StatsImport) -> str:
        shape = "宽表" if plan.shape == "wide" else "长表"
        return (
            f"{shape}{len(plan.rows)}行：新增数据{len(plan.to_create)}项，"
            f"修改{len(plan.to_update)}项，未变{plan.count('skip')}行"
        )


def read_table(cells: list[list]) -> tuple[str, Table]:
    """The wide shape when the header names elements, else the long one."""
    elements = list(DataElement.objects.order_by("sort_order", "code"))
    try:
        wide = find_table(cells, wide_columns(elements))
        if any("." in column.field for column in wide.columns):
            return "wide", wide
    except SpreadsheetError:
        pass
    return "long", find_table(cells, LONG_COLUMNS)


def check_table(shape: str, table: Table, *, scope=None) -> StatsImport:
    return StatsImporter(shape).plan(table, scope=scope)


def write(plan: StatsImport) -> StatsImport:
    return StatsImporter(plan.shape).write(plan)


def _check_rows(plan: StatsImport, table: Table, scope) -> None:
    elements = {element.code: element for element in DataElement.objects.all()}
    headers = {column.field: column.header for column in table.columns}
    units = units_by_code({normalize_text(row.raw.get("unit_code")).upper() for row in plan.rows})
    for row in plan.rows:
        _parse_key(row, headers, units, scope)
        if plan.shape == "long":
            _parse_long(row, headers, elements)
        else:
            _parse_wide(row, headers, elements)
    _mark_duplicates(plan, headers)
    _plan_writes(plan, elements, headers)


def _parse_key(row: StatsRow, headers: dict, units: CodeLookup, scope) -> None:
    _parse_period(row, headers)
    code = normalize_text(row.raw.get("unit_code")).upper()
    if not code:
        row.errors[headers["unit_code"]].append(REQUIRED_VALUE)
    else:
        # A code from before a division change means the unit it meant on the period's last day.
        row.unit, note = units.unit_on(code, row.period.end if row.period else None)
        if row.unit is not None and scope is not None and not scope.can_view(row.unit):
            row.unit = None  # out of her scope reads exactly like a code that does not exist
        if row.unit is not None and note:
            row.notes[headers["unit_code"]].append(note)
        if row.unit is None:
            row.errors[headers["unit_code"]].append(UNKNOWN_UNIT.format(code=code))
        elif scope is not None and not scope.can_edit(row.unit):
            row.errors[headers["unit_code"]].append(OUT_OF_SCOPE.format(unit=row.unit.name))


def _parse_period(row: StatsRow, headers: dict) -> None:
    text = normalize_text(row.raw.get("period"))
    if not text:
        row.errors[headers["period"]].append(REQUIRED_VALUE)
        return
    try:
        row.period = Period.parse(text)
    except ValidationError as exc:
        row.errors[headers["period"]].extend(exc.messages)


def _figure(raw, what: str, row: StatsRow, header: str) -> tuple[int | None, bool]:
    """The cell's count, and whether it was written as approximate (5200余)."""
    try:
        return parse_figure(normalize_text(raw) if isinstance(raw, str) else raw, what=what)
    except ValidationError as exc:
        row.errors[header].extend(exc.messages)
        return None, False


def _check_parts(row: StatsRow, element: DataElement, total, female, female_header: str) -> None:
    if female is None:
        return
    if not element.has_female:
        row.errors[female_header].append(errors.FEMALE_NOT_APPLICABLE.format(element=element.name))
    elif total is None:
        row.errors[female_header].append(errors.FEMALE_WITHOUT_TOTAL.format(element=element.name))
    elif female > total:
        row.errors[female_header].append(
            errors.FEMALE_ABOVE_TOTAL.format(element=element.name, female=female, total=total)
        )


def _parse_long(row: StatsRow, headers: dict, elements: dict[str, DataElement]) -> None:
    text = normalize_text(row.raw.get("element"))
    element = elements.get(text) or next((e for e in elements.values() if e.name == text), None)
    if not text:
        row.errors[headers["element"]].append(REQUIRED_VALUE)
    elif element is None:
        choices = "、".join(e.name for e in sorted(elements.values(), key=lambda e: e.sort_order))
        row.errors[headers["element"]].append(UNKNOWN_ELEMENT.format(choices=choices))
    female_header = headers.get("female", headers["total"])
    name = element.name if element else text
    total, total_approximate = _figure(row.raw.get("total"), f"{name}合计", row, headers["total"])
    female, female_approximate = _figure(row.raw.get("female"), f"{name}{FEMALE_SUFFIX}", row, female_header)
    if total is None and headers["total"] not in row.errors:
        row.errors[headers["total"]].append(REQUIRED_VALUE)
    if element is not None:
        _check_parts(row, element, total, female, female_header)
        row.values[element.code] = (total, female, total_approximate or female_approximate)


def _parse_wide(row: StatsRow, headers: dict, elements: dict[str, DataElement]) -> None:
    for code, element in elements.items():
        total_field, female_field = f"{code}.total", f"{code}.female"
        if total_field not in headers and female_field not in headers:
            continue
        total_header = headers.get(total_field, headers.get(female_field))
        female_header = headers.get(female_field, total_header)
        total, total_approximate = _figure(row.raw.get(total_field), f"{element.name}合计", row, total_header)
        female, female_approximate = _figure(
            row.raw.get(female_field), f"{element.name}{FEMALE_SUFFIX}", row, female_header
        )
        if total is None and female is None:
            continue  # a blank cell leaves the stored figure alone
        _check_parts(row, element, total, female, female_header)
        row.values[code] = (total, female, total_approximate or female_approximate)


def _mark_duplicates(plan: StatsImport, headers: dict) -> None:
    first: dict[tuple, int] = {}
    for row in plan.rows:
        if row.unit is None or row.period is None:
            continue
        keys = (
            [(row.unit.pk, row.period, code) for code in row.values]
            if plan.shape == "long"
            else [(row.unit.pk, row.period)]
        )
        for key in keys:
            if key in first:
                template = DUPLICATE_FIGURE if plan.shape == "long" else DUPLICATE_UNIT_ROW
                row.errors[headers["unit_code"]].append(template.format(first=first[key]))
            else:
                first[key] = row.number


def _plan_writes(plan: StatsImport, elements: dict[str, DataElement], headers: dict) -> None:
    """Compare with the stored figures, then check the rules on each unit-year as it will be."""
    keyed = [row for row in plan.rows if row.unit is not None and row.period is not None]
    stored = _stored(keyed)
    groups: dict[tuple, list[StatsRow]] = defaultdict(list)
    for row in keyed:
        groups[(row.unit.pk, row.period)].append(row)
    rules = list(ValidationRule.objects.filter(active=True))
    for (unit_pk, period), rows in groups.items():
        current = stored.get((unit_pk, period), {})
        merged = {code: (value.total, value.female) for code, value in current.items()}
        for row in rows:
            for code, (total, female, _approximate) in row.values.items():
                merged[code] = (total, female)
        if not any(row.errors for row in rows):
            for message in rule_violations(merged, rules=rules, elements=elements):
                rows[0].errors[""].append(
                    RULES_BROKEN.format(unit=rows[0].unit.name, period=period.label, message=message)
                )
        for row in rows:
            _classify(plan, row, current, elements, headers)


def _stored(rows: list[StatsRow]) -> dict[tuple, dict[str, DataValue]]:
    found: dict[tuple, dict[str, DataValue]] = defaultdict(dict)
    periods = sorted({str(row.period) for row in rows})
    values = DataValue.objects.filter(period__in=periods).select_related("element")
    for chunk in chunked_in(values, "unit_id", (row.unit.pk for row in rows)):
        for value in chunk:
            found[(value.unit_id, value.period)][value.element.code] = value
    return found


def _classify(plan: StatsImport, row: StatsRow, current: dict, elements: dict, headers: dict) -> None:
    if row.errors:
        return
    created = updated = False
    for code, (total, female, approximate) in row.values.items():
        value = current.get(code)
        if value is None:
            plan.to_create.append(
                DataValue(
                    unit=row.unit,
                    element=elements[code],
                    period=row.period,
                    total=total,
                    female=female,
                    approximate=approximate,
                )
            )
            created = True
        elif (value.total, value.female, value.approximate) != (total, female, approximate):
            long = plan.shape == "long"
            total_header = headers["total"] if long else headers.get(f"{code}.total")
            female_header = headers.get("female") if long else headers.get(f"{code}.female")
            marked = value.approximate != approximate
            if (value.total != total or marked) and total_header:
                row.changes[total_header] = figure_text(value.total, value.approximate)
            if (value.female != female or (marked and female is not None)) and female_header:
                row.changes[female_header] = figure_text(value.female, value.approximate)
            value.total, value.female, value.approximate = total, female, approximate
            plan.to_update.append(value)
            updated = True
    row.kind = "update" if updated else "new" if created else "skip"


# Exporting --------------------------------------------------------------------------------------


def export_wide(values) -> tuple[list[str], list[list]]:
    """One row per unit and year, one column per element and female part: the wide import shape."""
    elements = list(DataElement.objects.order_by("sort_order", "code"))
    columns = wide_columns(elements)
    rows: dict[tuple, dict] = {}
    for value in values.select_related("unit", "element").order_by("unit__path", "period"):
        line = rows.setdefault(
            (value.unit.path, str(value.period)),
            {"unit_code": value.unit.code, "unit_name": value.unit.name, "period": str(value.period)},
        )
        # an approximate figure goes out as written, 5200余, so that the file imports back unchanged
        line[f"{value.element.code}.total"] = figure_text(value.total, True) if value.approximate else value.total
        line[f"{value.element.code}.female"] = (
            figure_text(value.female, True) if value.approximate and value.female is not None else value.female
        )
    return [c.header for c in columns], [[line.get(c.field) for c in columns] for line in rows.values()]
