"""组织形式变更 spreadsheets: a county records its 会改联 of 2016–2018, dated, all rows or none.

Columns: 单位代码, 单位名称 (for the reader), 变更日期, 原组织形式 (blank: the form the day before),
新组织形式, 说明. Rows may come in any order; each unit's changes, those recorded and those of the file,
must follow each other in date order (orgunits.org_forms.form_chain). A code from before a division
change means its unit as of the row's date.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from imports.errors import REQUIRED_VALUE, UNKNOWN_UNIT
from imports.pipeline import Importer, Plan, PlannedRow
from imports.spreadsheets import Column, Table, normalize_text, parse_date
from orgunits.errors import OUT_OF_SCOPE, UNKNOWN_ORG_FORM
from orgunits.models import OrgForm, OrgFormChange, OrgUnit
from orgunits.old_codes import units_by_code
from orgunits.org_forms import FormStep, form_chain, org_form_changes_add

COLUMNS = [
    Column("unit_code", "单位代码", ("代码", "code"), required=True),
    Column("unit_name", "单位名称", ("名称",)),
    Column("changed_on", "变更日期", ("改建日期", "日期"), required=True),
    Column("from_form", "原组织形式", ("原形式",)),
    Column("to_form", "新组织形式", ("新形式", "组织形式"), required=True),
    Column("note", "说明", ("备注",)),
]
FORM_OF_TEXT = {str(form.label): form.value for form in OrgForm} | {form.value: form.value for form in OrgForm}


@dataclass
class FormChangeRow(PlannedRow):
    unit: OrgUnit | None = None
    step: FormStep | None = None


@dataclass
class FormChangeImport(Plan):
    by_unit: dict = field(default_factory=dict)  # unit pk -> (unit, [rows])


class FormChangeImporter(Importer):
    columns = COLUMNS
    plan_class = FormChangeImport

    def plan_rows(self, plan: FormChangeImport, table: Table, *, scope) -> None:
        headers = {column.field: column.header for column in table.columns}
        plan.rows = [FormChangeRow(number, raw) for number, raw in table.rows]
        units = units_by_code({normalize_text(row.raw.get("unit_code")).upper() for row in plan.rows})
        for row in plan.rows:
            _parse(row, headers, units, scope)
            if row.unit is not None and row.step is not None:
                plan.by_unit.setdefault(row.unit.pk, (row.unit, []))[1].append(row)
        _check_chains(plan, headers)

    @transaction.atomic
    def write_rows(self, plan: FormChangeImport) -> None:
        for unit, rows in plan.by_unit.values():
            org_form_changes_add(unit=unit, steps=[row.step for row in rows])

    def summary(self, plan: FormChangeImport) -> str:
        return f"组织形式变更{plan.count('new')}条，涉及{len(plan.by_unit)}个单位"


def _parse(row: FormChangeRow, headers: dict, units, scope) -> None:
    on = _date(row, headers)
    forms = {name: _form(row, headers, name) for name in ("from_form", "to_form")}
    code = normalize_text(row.raw.get("unit_code")).upper()
    if not code:
        row.errors[headers["unit_code"]].append(REQUIRED_VALUE)
        return
    unit, note = units.unit_on(code, on)
    if unit is not None and scope is not None and not scope.can_view(unit):
        unit = None  # out of her scope reads exactly like a code that does not exist
    if unit is None:
        row.errors[headers["unit_code"]].append(UNKNOWN_UNIT.format(code=code))
    elif scope is not None and not scope.can_edit(unit):
        row.errors[headers["unit_code"]].append(OUT_OF_SCOPE.format(unit=unit.name))
    else:
        row.unit = unit
        if note:
            row.notes[headers["unit_code"]].append(note)
    if on is not None and forms["to_form"] and not row.errors:
        text = normalize_text(row.raw.get("note"))[:200]
        row.step = FormStep(on, forms["to_form"], forms["from_form"] or None, text)


def _date(row: FormChangeRow, headers: dict):
    try:
        on = parse_date(row.raw.get("changed_on"))
    except ValueError as exc:
        row.errors[headers["changed_on"]].append(str(exc))
        return None
    if on is None:
        row.errors[headers["changed_on"]].append(REQUIRED_VALUE)
    return on


def _form(row: FormChangeRow, headers: dict, name: str) -> str:
    text = normalize_text(row.raw.get(name))
    if not text:
        if name == "to_form":
            row.errors[headers[name]].append(REQUIRED_VALUE)
        return ""
    if text not in FORM_OF_TEXT:
        choices = "、".join(str(form.label) for form in OrgForm)
        row.errors[headers[name]].append(UNKNOWN_ORG_FORM.format(choices=choices))
        return ""
    return FORM_OF_TEXT[text]


def _check_chains(plan: FormChangeImport, headers: dict) -> None:
    """Each unit's changes, recorded and new, in date order: one query for all the units."""
    recorded = defaultdict(list)
    for change in OrgFormChange.objects.filter(unit_id__in=list(plan.by_unit)).order_by():
        recorded[change.unit_id].append(change)
    for pk, (unit, rows) in plan.by_unit.items():
        _resolved, problems = form_chain(unit, recorded[pk], [row.step for row in rows])
        for index, by_field in problems.items():
            for name, messages in by_field.items():
                # 原组织形式 may be absent from the file: its problems then go to 新组织形式.
                rows[index].errors[headers.get(name, headers["to_form"])].extend(messages)
