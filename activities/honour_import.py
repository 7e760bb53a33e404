"""Honour spreadsheets: one honour per row, in any order, all rows written or none.

A row is known by its unit, title, level and date, as an activity by its unit, type, name and start
date: a row that matches a stored honour updates its 授予单位 and 备注 (or leaves it alone when nothing
differs), so an export imports back unchanged; the same honour twice in one file is an error naming
the first row. Units are looked up by code, former codes included (orgunits.old_codes), as they were
on the date; a unit outside her scope reads as unknown.
"""

from dataclasses import dataclass, field

from activities import errors
from activities.import_cells import parsed_cell, unit_cell
from activities.models import Honour, HonourLevel
from activities.services import HONOUR_IMPORTED_FIELDS, honour_errors, honours_write
from imports.errors import REQUIRED_VALUE
from imports.pipeline import Importer, Plan, PlannedRow
from imports.queries import chunked_in
from imports.spreadsheets import Column, normalize_text, parse_date
from orgunits.old_codes import units_by_code

COLUMNS = [
    Column("unit_code", "单位代码", ("代码", "code"), required=True),
    Column("unit_name", "单位名称", ("unit",)),
    Column("title", "荣誉称号", ("称号", "荣誉", "title"), required=True),
    Column("level", "级别", ("表彰级别", "level"), required=True),
    Column("awarded_on", "授予日期", ("日期", "awarded_on"), required=True),
    Column("awarded_by", "授予单位", ("awarded_by",)),
    Column("note", "备注", ("note",)),
]
HEADERS = {column.field: column.header for column in COLUMNS}
LENGTHS = {name: Honour._meta.get_field(name).max_length for name in ("title", "awarded_by")}
LEVELS = {text: value for value, label in HonourLevel.choices for text in (value, label)}


@dataclass
class HonourRow(PlannedRow):
    honour: Honour | None = None


@dataclass
class HonourPlan(Plan):
    to_create: list[Honour] = field(default_factory=list)
    to_update: list[Honour] = field(default_factory=list)


class HonourImporter(Importer):
    columns = COLUMNS
    plan_class = HonourPlan

    def plan_rows(self, plan: HonourPlan, table, *, scope) -> None:
        plan.rows = [HonourRow(number, raw) for number, raw in table.rows]
        units = units_by_code({normalize_text(row.raw.get("unit_code")).upper() for row in plan.rows})
        for row in plan.rows:
            row.honour = Honour()
            _read(row, units, scope)
        _check_and_match(plan)

    def write_rows(self, plan: HonourPlan) -> None:
        honours_write(to_create=plan.to_create, to_update=plan.to_update)

    def summary(self, plan: HonourPlan) -> str:
        created, updated = len(plan.to_create), len(plan.to_update)
        return f"{len(plan.rows)}行：新增荣誉{created}项，修改{updated}项，未变{plan.count('skip')}行"


def _read(row: HonourRow, units, scope) -> None:
    honour = row.honour
    honour.awarded_on = parsed_cell(
        row, "awarded_on", HEADERS["awarded_on"], parse_date, errors.BAD_DATE, required=True
    )
    unit = unit_cell(row, HEADERS["unit_code"], units, scope, honour.awarded_on)
    if unit is not None:
        honour.unit = unit
    honour.title = _text(row, "title", required=True)
    honour.awarded_by = _text(row, "awarded_by")
    honour.note = normalize_text(row.raw.get("note"))
    _read_level(row)


def _text(row: HonourRow, name: str, *, required: bool = False) -> str:
    text = normalize_text(row.raw.get(name))
    if required and not text:
        row.errors[HEADERS[name]].append(REQUIRED_VALUE)
    elif len(text) > LENGTHS[name]:
        row.errors[HEADERS[name]].append(errors.TOO_LONG.format(limit=LENGTHS[name]))
    return text


def _read_level(row: HonourRow) -> None:
    text = normalize_text(row.raw.get("level"))
    if not text:
        row.errors[HEADERS["level"]].append(REQUIRED_VALUE)
    elif text not in LEVELS:
        choices = "、".join(HonourLevel.labels)
        row.errors[HEADERS["level"]].append(errors.UNKNOWN_LEVEL.format(choices=choices))
    else:
        row.honour.level = LEVELS[text]


def _check_and_match(plan: HonourPlan) -> None:
    stored = _stored(plan.rows)
    first: dict[tuple, int] = {}
    for row in plan.rows:
        if row.errors:
            continue
        key = _key(row.honour)
        if key in first:
            row.errors[HEADERS["unit_code"]].append(errors.DUPLICATE_HONOUR.format(first=first[key]))
            continue
        first[key] = row.number
        for name, messages in honour_errors(row.honour).items():
            row.errors[HEADERS[name]].extend(messages)
        if not row.errors:
            _classify(plan, row, stored.get(key))


def _key(honour: Honour) -> tuple:
    return (honour.unit_id, honour.title, honour.level, honour.awarded_on)


def _stored(rows: list[HonourRow]) -> dict[tuple, Honour]:
    keyed = [row.honour for row in rows if not row.errors]
    if not keyed:
        return {}
    query = Honour.objects.filter(awarded_on__in={honour.awarded_on for honour in keyed})
    found = {}
    for chunk in chunked_in(query, "unit_id", {honour.unit_id for honour in keyed}):
        found.update((_key(honour), honour) for honour in chunk)
    return found


def _classify(plan: HonourPlan, row: HonourRow, stored: Honour | None) -> None:
    if stored is None:
        row.kind = "new"
        plan.to_create.append(row.honour)
        return
    changed = [name for name in HONOUR_IMPORTED_FIELDS if getattr(stored, name) != getattr(row.honour, name)]
    for name in changed:
        row.changes[HEADERS[name]] = getattr(stored, name)
        setattr(stored, name, getattr(row.honour, name))
    row.kind = "update" if changed else "skip"
    if changed:
        plan.to_update.append(stored)


# ---- export


def export_rows(honours) -> tuple[list[str], list[list]]:
    """The import's columns, one row per honour: what imports back unchanged."""
    rows = [
        [
            honour.unit.code,
            honour.unit.name,
            honour.title,
            honour.get_level_display(),
            honour.awarded_on,
            honour.awarded_by,
            honour.note,
        ]
        for honour in honours.select_related("unit").order_by("unit__path", "awarded_on", "pk")
    ]
    return [column.header for column in COLUMNS], rows
