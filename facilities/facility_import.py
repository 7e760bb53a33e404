"""The facilities spreadsheet (单位代码, 阵地类型, 名称, 启用日期, 停用日期, 备注), all rows or none.

A row is one facility, known by its unit, kind and 启用日期: a known one has its name, 停用日期 and
备注 updated, a new one is added. The rules are the services' (facility_errors), checked against the
stored facilities and the file's other rows together. A code from before a division change means the
unit it meant on the row's 启用日期 (orgunits.old_codes), and a unit outside her scope reads as unknown.
The export (export_rows) writes the same columns, so it imports back unchanged.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from access.scope import OUT_OF_SCOPE
from facilities.models import Facility, FacilityKind
from facilities.services import facility_errors
from imports.audit import bulk_history_kwargs
from imports.errors import REQUIRED_VALUE, UNKNOWN_UNIT
from imports.pipeline import Importer, Plan, PlannedRow
from imports.queries import chunked_in
from imports.spreadsheets import Column, normalize_text, parse_date
from orgunits.old_codes import CodeLookup, units_by_code

COLUMNS = [
    Column("unit_code", "单位代码", ("代码", "code"), required=True),
    Column("unit_name", "单位名称", ("unit",)),
    Column("kind", "阵地类型", ("类型", "kind"), required=True),
    Column("name", "名称", ("阵地名称", "name")),
    Column("opened_on", "启用日期", ("opened_on",), required=True),
    Column("closed_on", "停用日期", ("closed_on",)),
    Column("note", "备注", ("note",)),
]
UPDATED_FIELDS = ("name", "closed_on", "note")

UNKNOWN_KIND = "没有这个阵地类型，可选：{choices}。"
DUPLICATE_ROW = "与第{first}行重复：同一单位、同一阵地类型、同一启用日期只能有一行。"
TEXT_TOO_LONG = "不能超过{limit}个字。"


@dataclass
class FacilityRow(PlannedRow):
    facility: Facility | None = None  # the facility the row adds or updates, as it will be


@dataclass
class FacilityImport(Plan):
    to_create: list[Facility] = field(default_factory=list)
    to_update: list[Facility] = field(default_factory=list)


class FacilityImporter(Importer):
    columns = COLUMNS
    plan_class = FacilityImport

    def plan_rows(self, plan: FacilityImport, table, *, scope) -> None:
        headers = {column.field: column.header for column in table.columns}
        plan.rows = [FacilityRow(number, raw) for number, raw in table.rows]
        kinds = _kinds()
        units = units_by_code({normalize_text(row.raw.get("unit_code")).upper() for row in plan.rows})
        for row in plan.rows:
            _parse(row, headers, kinds, units, scope)
        stored = _stored(plan.rows)
        _match(plan, stored, headers)
        _check_rules(plan, stored, headers)

    def write_rows(self, plan: FacilityImport) -> None:
        history = bulk_history_kwargs()
        if plan.to_update:
            bulk_update_with_history(plan.to_update, Facility, list(UPDATED_FIELDS), **history)
        if plan.to_create:
            bulk_create_with_history(plan.to_create, Facility, batch_size=2000, **history)

    def summary(self, plan: FacilityImport) -> str:
        return f"新增阵地{len(plan.to_create)}个，修改{len(plan.to_update)}个，未变{plan.count('skip')}行"


def _kinds() -> dict[str, FacilityKind]:
    kinds = {}
    for kind in FacilityKind.objects.all():
        kinds[kind.code] = kinds[kind.name] = kind
    return kinds


def _parse(row: FacilityRow, headers: dict, kinds: dict, units: CodeLookup, scope) -> None:
    opened_on = _date(row, headers, "opened_on", required=True)
    closed_on = _date(row, headers, "closed_on")
    unit = _unit(row, headers, units, scope, opened_on)
    kind = _kind(row, headers, kinds)
    name, note = _text(row, headers, "name", 100), _text(row, headers, "note", 200)
    if unit is not None and kind is not None and opened_on is not None:
        row.facility = Facility(unit=unit, kind=kind, name=name, opened_on=opened_on, closed_on=closed_on, note=note)


def _date(row: FacilityRow, headers: dict, name: str, *, required: bool = False):
    try:
        value = parse_date(row.raw.get(name))
    except ValueError as exc:
        row.errors[headers[name]].append(str(exc))
        return None
    if value is None and required:
        row.errors[headers[name]].append(REQUIRED_VALUE)
    return value


def _unit(row: FacilityRow, headers: dict, units: CodeLookup, scope, day):
    code = normalize_text(row.raw.get("unit_code")).upper()
    if not code:
        row.errors[headers["unit_code"]].append(REQUIRED_VALUE)
        return None
    unit, note = units.unit_on(code, day)
    if unit is not None and scope is not None and not scope.can_view(unit):
        unit = None  # out of her scope reads exactly like a code that does not exist
    if unit is None:
        row.errors[headers["unit_code"]].append(UNKNOWN_UNIT.format(code=code))
        return None
    if note:
        row.notes[headers["unit_code"]].append(note)
    if scope is not None and not scope.can_edit(unit):
        row.errors[headers["unit_code"]].append(OUT_OF_SCOPE.format(unit=unit.name))
        return None
    return unit


def _kind(row: FacilityRow, headers: dict, kinds: dict):
    text = normalize_text(row.raw.get("kind"))
    if not text:
        row.errors[headers["kind"]].append(REQUIRED_VALUE)
        return None
    kind = kinds.get(text)
    if kind is None:
        ordered = sorted(set(kinds.values()), key=lambda k: (k.sort_order, k.code))
        choices = "、".join(k.name for k in ordered)
        row.errors[headers["kind"]].append(UNKNOWN_KIND.format(choices=choices))
    return kind


def _text(row: FacilityRow, headers: dict, name: str, limit: int) -> str:
    text = normalize_text(row.raw.get(name))
    if len(text) > limit and name in headers:
        row.errors[headers[name]].append(TEXT_TOO_LONG.format(limit=limit))
    return text


def _stored(rows: list[FacilityRow]) -> dict[tuple[int, int], list[Facility]]:
    """The stored facilities of the file's units, by (unit, kind): one query per chunk of units."""
    found: dict[tuple[int, int], list[Facility]] = defaultdict(list)
    unit_ids = {row.facility.unit_id for row in rows if row.facility is not None}
    units = {row.facility.unit_id: row.facility.unit for row in rows if row.facility is not None}
    for chunk in chunked_in(Facility.objects.select_related("kind").order_by("opened_on"), "unit_id", unit_ids):
        for facility in chunk:
            facility.unit = units[facility.unit_id]
            found[(facility.unit_id, facility.kind_id)].append(facility)
    return found


def _match(plan: FacilityImport, stored: dict, headers: dict) -> None:
    """Each row is a stored facility (same unit, kind and 启用日期) or a new one; a key twice is an error."""
    first: dict[tuple, int] = {}
    for row in plan.rows:
        facility = row.facility
        if facility is None:
            continue
        key = (facility.unit_id, facility.kind_id, facility.opened_on)
        if key in first:
            row.errors[headers["unit_code"]].append(DUPLICATE_ROW.format(first=first[key]))
            continue
        first[key] = row.number
        known = next((f for f in stored[key[:2]] if f.opened_on == facility.opened_on), None)
        if known is None:
            stored[key[:2]].append(facility)
            row.kind = "new"
            continue
        _changes(row, known, headers)
        row.facility = known


def _changes(row: FacilityRow, known: Facility, headers: dict) -> None:
    """The stored facility takes the row's values; the preview shows what each replaces."""
    changed = False
    for name in UPDATED_FIELDS:
        value = getattr(row.facility, name)
        if getattr(known, name) != value:
            if name in headers:
                old = getattr(known, name)
                row.changes[headers[name]] = "" if old is None else str(old)
            setattr(known, name, value)
            changed = True
    row.kind = "update" if changed else "skip"


def _check_rules(plan: FacilityImport, stored: dict, headers: dict) -> None:
    """The services' rules on every row, against the stored facilities and the file's rows as they will be."""
    for row in plan.rows:
        if row.errors or row.facility is None:
            continue
        facility = row.facility
        for name, messages in facility_errors(facility, others=stored[(facility.unit_id, facility.kind_id)]).items():
            row.errors[headers.get(name, "")].extend(messages)
        if row.errors:
            continue
        if row.kind == "new":
            plan.to_create.append(facility)
        elif row.kind == "update":
            plan.to_update.append(facility)


def export_rows(facilities) -> tuple[list[str], list[list]]:
    """The facilities in the import's columns, by unit code, kind and 启用日期."""
    rows = []
    for facility in facilities.select_related("unit", "kind").order_by("unit__code", "kind__sort_order", "opened_on"):
        rows.append(
            [
                facility.unit.code,
                facility.unit.name,
                facility.kind.name,
                facility.name,
                facility.opened_on.isoformat(),
                facility.closed_on.isoformat() if facility.closed_on else "",
                facility.note,
            ]
        )
    return [column.header for column in COLUMNS], rows
