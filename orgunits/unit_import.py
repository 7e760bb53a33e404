"""Unit spreadsheets: a whole tree in one file, rows in any order, all rows written or none.

A row's parent may be another row of the file (before or after it) or a unit already in the
tree. Rows are checked against data fetched in bulk, with the services' rules, on the tree as it
will be after the import; then new units are written in one go by the tree's forest writer, like
load_divisions, while the few changed or moved units go through the services.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from imports.audit import bulk_history_kwargs
from imports.errors import REQUIRED_VALUE
from imports.pipeline import Importer, Plan, PlannedRow
from imports.spreadsheets import (
    Column,
    Table,
    normalize_text,
    parse_bool,
    parse_code,
    parse_date,
)
from imports.spreadsheets import plain_text as name_text
from orgunits.codes import validate_unit_code
from orgunits.errors import (
    CODE_TAKEN,
    CYCLE,
    DUPLICATE_ROW,
    FORMER_CODE,
    NAME_TOO_LONG,
    OUT_OF_SCOPE,
    OWN_PARENT,
    PARENT_INVALID,
    PARENT_NEEDED,
    UNKNOWN_KIND,
    UNKNOWN_ORG_FORM,
    UNKNOWN_PARENT,
)
from orgunits.import_tree import UnitLookups, parents_first
from orgunits.models import OrgForm, OrgUnit, UnitKind
from orgunits.old_codes import former_codes
from orgunits.services import unit_move, unit_rule_errors

COLUMNS = [
    Column("code", "代码", ("单位代码", "统计用区划代码", "区划代码"), required=True),
    Column("name", "名称", ("单位名称",), required=True),
    Column("kind", "类型", ("单位类型",), required=True),
    Column("parent_code", "上级代码", ("上级单位代码", "parent")),
    Column("opened_on", "成立日期"),
    Column("closed_on", "撤销日期"),
    Column("org_established_on", "妇女组织成立日期"),
    Column("org_dissolved_on", "妇女组织撤销日期"),
    Column("org_form", "妇女组织形式", ("组织形式",)),
    Column("eligibility", "纳入组建率统计", ("组建率统计",)),
]
HEADER_OF = {column.field: column.header for column in COLUMNS}
DATE_FIELDS = ("opened_on", "closed_on", "org_established_on", "org_dissolved_on")
COMPARED_FIELDS = ("name", "kind", *DATE_FIELDS, "org_form", "eligibility")
ELIGIBILITY_OF_ANSWER = {True: OrgUnit.Eligibility.INCLUDED, False: OrgUnit.Eligibility.EXCLUDED}

# Codes are unique nationally; a code used outside her scope is refused without naming its unit.

CHILD_RULE_HEADERS = {HEADER_OF[name] for name in ("kind", "opened_on", "closed_on")}
MAX_NAME_LENGTH = OrgUnit._meta.get_field("name").max_length


@dataclass
class UnitRow(PlannedRow):
    code: str = ""
    values: dict = field(default_factory=dict)  # field -> parsed value, for the columns present
    parent_code: str = ""
    existing: OrgUnit | None = None
    planned: OrgUnit | None = None  # the unit as it will be
    final_parent: str = ""  # the parent code after the import
    final_depth: int = 0  # the depth after the import, in the whole tree
    changes: dict = field(default_factory=dict)  # header -> (before, after) as text

    @property
    def moves(self) -> bool:
        return self.existing is not None and HEADER_OF["parent_code"] in self.changes


@dataclass
class UnitImport(Plan):
    created: int = 0
    updated: int = 0
    moved: int = 0


class UnitImporter(Importer):
    """A whole tree in one file, rows in any order; units outside the user's scope are errors."""

    columns = COLUMNS
    plan_class = UnitImport

    def plan_rows(self, plan: UnitImport, table: Table, *, scope) -> None:
        plan.rows = _check_rows(table, scope)

    def write(self, plan: UnitImport) -> UnitImport:
        return write(plan)

    def summary(self, plan: UnitImport) -> str:
        moves = sum(1 for row in plan.rows if row.kind == "update" and row.moves)
        return (
            f"新增{plan.count('new')}个，修改{plan.count('update')}个，未变{plan.count('skip')}个（其中移动{moves}个）"
        )

    def shown(self, row: UnitRow, column: Column) -> tuple[str, str | None]:
        return super().shown(row, column)[0], row.changes.get(column.header, (None,))[0]


# Checking ---------------------------------------------------------------------------------------


def check_table(table: Table, *, scope=None) -> UnitImport:
    """Check every row and plan the writes; nothing is written."""
    return UnitImporter().plan(table, scope=scope)


def _check_rows(table: Table, scope) -> list[UnitRow]:
    rows = [UnitRow(number, raw) for number, raw in table.rows]
    present = {column.field for column in table.columns}
    for row in rows:
        _parse(row, present)
    _mark_duplicates(rows)
    lookups = UnitLookups(rows, scope)
    for row in rows:
        if row.code in lookups.hidden_codes:
            row.errors[HEADER_OF["code"]].append(CODE_TAKEN)
    _refuse_former_codes(rows, lookups, scope)
    by_code = {row.code: row for row in rows if row.code and HEADER_OF["code"] not in row.errors}
    for row in by_code.values():
        _plan(row, present, lookups)
    _check_parents(by_code, lookups)
    _check_rules(by_code, lookups, scope)
    for row in rows:
        if row.errors:
            row.kind = "invalid"
        elif row.existing is None:
            row.kind = "new"
        else:
            row.kind = "update" if row.changes else "skip"
    return rows


def _refuse_former_codes(rows: list[UnitRow], lookups: UnitLookups, scope) -> None:
    """A code a unit of hers had before a division change names that unit, by its code today."""
    named = {code for row in rows for code in (row.code, row.parent_code)}
    former = former_codes(named - set(lookups.units) - lookups.hidden_codes)
    for row, name in ((row, name) for row in rows for name in ("code", "parent_code")):
        unit, on = former.get(getattr(row, name), (None, None))
        if unit and (scope is None or scope.can_view(unit)):
            message = FORMER_CODE.format(old=getattr(row, name), on=on, new=unit.code, name=unit.name)
            row.errors[HEADER_OF[name]].append(message)


def _parse(row: UnitRow, present: set[str]) -> None:
    raw, problems = row.raw, row.errors
    try:
        row.code = parse_code(raw.get("code"))
    except ValueError as exc:
        problems[HEADER_OF["code"]].append(str(exc))
    if not row.code and HEADER_OF["code"] not in problems:
        problems[HEADER_OF["code"]].append(REQUIRED_VALUE)
    try:
        row.parent_code = parse_code(raw.get("parent_code"))
    except ValueError as exc:
        problems[HEADER_OF["parent_code"]].append(str(exc))
    values = row.values
    values["name"] = name_text(raw.get("name"))
    if not values["name"]:
        problems[HEADER_OF["name"]].append(REQUIRED_VALUE)
    elif len(values["name"]) > MAX_NAME_LENGTH:
        problems[HEADER_OF["name"]].append(NAME_TOO_LONG.format(limit=MAX_NAME_LENGTH))
    values["kind"] = normalize_text(raw.get("kind"))
    if not values["kind"]:
        problems[HEADER_OF["kind"]].append(REQUIRED_VALUE)
    for name in DATE_FIELDS:
        if name in present:
            try:
                values[name] = parse_date(raw.get(name))
            except ValueError as exc:
                problems[HEADER_OF[name]].append(str(exc))
    if "org_form" in present:
        text = normalize_text(raw.get("org_form"))
        form = next((value for value, label in OrgForm.choices if text in (value, str(label))), None)
        if text and form is None:
            choices = "、".join(str(label) for _value, label in OrgForm.choices)
            problems[HEADER_OF["org_form"]].append(UNKNOWN_ORG_FORM.format(choices=choices))
        values["org_form"] = form or ""
    if "eligibility" in present:
        text = normalize_text(raw.get("eligibility"))
        labels = {str(label): value for value, label in OrgUnit.Eligibility.choices}
        if text in labels:
            values["eligibility"] = labels[text]
        else:
            try:
                values["eligibility"] = ELIGIBILITY_OF_ANSWER.get(parse_bool(text), OrgUnit.Eligibility.DEFAULT)
            except ValueError as exc:
                problems[HEADER_OF["eligibility"]].append(str(exc))


def _mark_duplicates(rows: list[UnitRow]) -> None:
    first_row: dict[str, int] = {}
    for row in rows:
        if not row.code:
            continue
        if row.code in first_row:
            row.errors[HEADER_OF["code"]].append(DUPLICATE_ROW.format(first=first_row[row.code]))
        else:
            first_row[row.code] = row.number


def _plan(row: UnitRow, present: set[str], lookups: UnitLookups) -> None:
    values, problems = row.values, row.errors
    kind = lookups.kind_by_text.get(values["kind"]) or lookups.kind_by_text.get(values["kind"].lower())
    if values["kind"] and kind is None:
        problems[HEADER_OF["kind"]].append(UNKNOWN_KIND.format(choices=lookups.kind_names))
    values["kind"] = kind
    row.existing = lookups.units.get(row.code)
    if row.existing is None:
        row.planned = OrgUnit(code=row.code)
        try:
            validate_unit_code(row.code)
        except ValidationError as exc:
            problems[HEADER_OF["code"]].extend(exc.messages)
    else:
        existing = row.existing
        row.planned = OrgUnit(**{f.attname: getattr(existing, f.attname) for f in OrgUnit._meta.concrete_fields})
    planned = row.planned
    for name, value in values.items():
        if value is not None or name in DATE_FIELDS:
            setattr(planned, name, value)
    if kind is None and row.existing is not None:
        planned.kind_id = row.existing.kind_id
    if planned.kind_id:
        planned.kind = lookups.kinds[planned.kind_id]  # the instance with allowed parents prefetched
    if row.parent_code == row.code:
        problems[HEADER_OF["parent_code"]].append(OWN_PARENT)
    if row.parent_code:
        row.final_parent = row.parent_code
    elif row.existing is not None:
        row.final_parent = lookups.db_parent_code(row.existing)
    elif planned.kind_id and planned.kind.code != "nation":
        problems[HEADER_OF["parent_code"]].append(PARENT_NEEDED)
    if row.existing is not None:
        _record_changes(row, lookups)


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, UnitKind):
        return value.name
    return str(value)


def _record_changes(row: UnitRow, lookups: UnitLookups) -> None:
    existing, planned = row.existing, row.planned
    for name in COMPARED_FIELDS:
        if name not in row.values:
            continue
        before = lookups.kinds[existing.kind_id] if name == "kind" else getattr(existing, name)
        after = planned.kind if name == "kind" else getattr(planned, name)
        if before != after:
            row.changes[HEADER_OF[name]] = (_display(name, before), _display(name, after))
    old_parent = lookups.db_parent_code(existing)
    if row.parent_code and row.parent_code != old_parent:
        row.changes[HEADER_OF["parent_code"]] = (old_parent, row.parent_code)


def _display(name: str, value) -> str:
    if name == "org_form":
        return str(OrgForm(value).label) if value else ""
    if name == "eligibility":
        return str(OrgUnit.Eligibility(value).label)
    return _shown(value)


def _check_parents(by_code: dict[str, UnitRow], lookups: UnitLookups) -> None:
    """Every parent exists (in the tree or the file), and the tree after the import has no cycle."""
    parent_header = HEADER_OF["parent_code"]
    for row in by_code.values():
        if row.final_parent and row.final_parent not in by_code and row.final_parent not in lookups.units:
            row.errors[parent_header].append(UNKNOWN_PARENT.format(code=row.final_parent))

    def parent_of(code: str) -> str:
        if code in by_code:
            return by_code[code].final_parent
        unit = lookups.units.get(code)
        return lookups.db_parent_code(unit) if unit else ""

    settled: set[str] = set()
    for start in by_code:
        trail: list[str] = []
        on_trail: set[str] = set()
        code = start
        while code and code not in settled and code not in on_trail:
            trail.append(code)
            on_trail.add(code)
            code = parent_of(code)
        if code in on_trail:
            loop = trail[trail.index(code) :]
            looped_rows = [by_code[c] for c in loop if c in by_code]
            chain = " → ".join([*loop, code])
            numbers = "、".join(str(r.number) for r in sorted(looped_rows, key=lambda r: r.number))
            for looped in looped_rows:
                looped.errors[parent_header].append(CYCLE.format(chain=chain, rows=numbers))
        settled.update(trail)

    # Depths in the tree as it will be: moves are made shallowest first, so that no unit is ever
    # moved under a unit that still sits inside it.
    depth: dict[str, int] = {}
    for start, row in by_code.items():
        if row.errors.get(parent_header):
            continue
        trail, code = [], start
        while code and code not in depth and len(trail) <= len(by_code) + 64:
            trail.append(code)
            code = parent_of(code)
        base = depth.get(code, 0)
        for offset, seen in enumerate(reversed(trail), start=1):
            depth[seen] = base + offset
        row.final_depth = depth[start]


def _check_rules(by_code: dict[str, UnitRow], lookups: UnitLookups, scope) -> None:
    """The services' rules on each new, changed or moved row, against its parent as it will be."""
    in_file = {row.existing.pk for row in by_code.values() if row.existing is not None}
    for row in parents_first(by_code):
        if row.errors or (row.existing is not None and not row.changes):
            _check_scope(row, lookups, scope)
            continue
        parent_row = by_code.get(row.final_parent)
        if parent_row is not None and parent_row.errors:
            row.errors[HEADER_OF["parent_code"]].append(
                PARENT_INVALID.format(code=row.final_parent, row=parent_row.number)
            )
            continue
        parent = parent_row.planned if parent_row else lookups.units.get(row.final_parent)
        if parent is not None and parent.kind_id:
            parent.kind = lookups.kinds[parent.kind_id]
        # Children are checked against the kind and dates only: a rename needs no query per unit.
        children = bool(row.existing is not None and row.existing.numchild and set(row.changes) & CHILD_RULE_HEADERS)
        found = unit_rule_errors(unit=row.planned, parent=parent, children=children, checked_elsewhere=in_file)
        for name, messages in found.items():
            header = HEADER_OF.get(name, HEADER_OF["parent_code"] if name == "parent" else "")
            row.errors[header].extend(messages)
        _check_scope(row, lookups, scope)


def _check_scope(row: UnitRow, lookups: UnitLookups, scope) -> None:
    if scope is None:
        return
    if row.existing is not None and not scope.can_edit(row.existing):
        row.errors[HEADER_OF["code"]].append(OUT_OF_SCOPE.format(unit=row.existing.name))
        return
    if row.existing is None or row.moves:
        parent = lookups.units.get(row.final_parent)
        if parent is not None and not scope.can_edit(parent):
            row.errors[HEADER_OF["parent_code"]].append(OUT_OF_SCOPE.format(unit=parent.name))


# Writing ----------------------------------------------------------------------------------------


@transaction.atomic
def write(plan: UnitImport) -> UnitImport:
    """Write a checked plan. Refuses a plan with any error."""
    if not plan.valid:
        raise ValidationError(plan.messages())
    OrgUnit.objects.lock_for_bulk_write()  # other writers wait; readers go on
    changed = [row for row in plan.rows if row.kind == "update"]
    field_changes = [row for row in changed if set(row.changes) - {HEADER_OF["parent_code"]}]
    fields = sorted({name for row in field_changes for name in COMPARED_FIELDS if HEADER_OF[name] in row.changes})
    if field_changes:
        now = timezone.now()
        for row in field_changes:
            row.planned.updated_at = now
        bulk_update_with_history(
            [row.planned for row in field_changes], OrgUnit, [*fields, "updated_at"], **bulk_history_kwargs()
        )
    new_rows = [row for row in plan.rows if row.kind == "new"]
    if new_rows:
        # Under each parent, after its last child, in code order; one "created" history entry each.
        OrgUnit.objects.add_forest(
            ((row.final_parent, row.planned) for row in new_rows), fields=NEW_FIELDS, history=True
        )
    moves = sorted((row for row in changed if row.moves), key=lambda row: row.final_depth)
    for row in moves:
        unit_move(unit=row.existing, new_parent=OrgUnit.objects.get(code=row.final_parent))
    plan.created, plan.updated, plan.moved = len(new_rows), len(field_changes), len(moves)
    return plan


NEW_FIELDS = ("name", "kind_id", *DATE_FIELDS, "org_form", "eligibility")
