"""执委履职 spreadsheets: one row is one duty record, all rows or none, in any order.

The person is found by identity number (among the people she may change), or by name among the people
who held a post at the row's unit (two namesakes there: the number is needed). A record is the same
record as a stored one when person, unit, day and type agree: its counts and note are then updated.
Errors name the row and the column and never repeat a cell (they may hold identity numbers)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from access.scope import READ_ONLY_SCOPE
from imports.audit import bulk_history_kwargs
from imports.errors import REQUIRED_VALUE, UNKNOWN_UNIT
from imports.pipeline import Importer, Plan, PlannedRow
from imports.spreadsheets import Column, Table, normalize_text, parse_date
from orgunits.old_codes import units_by_code
from rosters import errors
from rosters.duties import duty_record_errors
from rosters.identity import normalize_id_number
from rosters.models import Appointment, DutyRecord, DutyType, Person
from rosters.selectors import people_for

COLUMNS = [
    ("id_number", "身份证号"),
    ("name", "姓名"),
    ("unit_code", "单位代码"),
    ("done_on", "日期"),
    ("duty_type", "履职类型"),
    ("households", "走访户数"),
    ("women", "联系妇女人数"),
    ("note", "备注"),
]
HEADER_OF = dict(COLUMNS)
REQUIRED = ("unit_code", "done_on", "duty_type")
ALIASES = {"id_number": ("身份证号码", "公民身份号码"), "done_on": ("履职日期",), "women": ("联系妇女",)}
DUTY_COLUMNS = [Column(name, header, ALIASES.get(name, ()), required=name in REQUIRED) for name, header in COLUMNS]
MODEL_FIELD_COLUMNS = {"person": "name", "unit": "unit_code", "appointment": "unit_code"}


@dataclass
class DutyRow(PlannedRow):
    record: DutyRecord | None = None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Lookups:
    """Everything the rows refer to, fetched once for the whole file."""

    def __init__(self, rows: list[dict], scope=None):
        self.scope = scope
        self.units = units_by_code({normalize_text(row.get("unit_code")).upper() for row in rows})
        self.types = {duty_type.name: duty_type for duty_type in DutyType.objects.all()}
        mine = people_for(scope, editable=True) if scope is not None else Person.objects.all()
        ids = {normalize_id_number(_text(row.get("id_number"))) for row in rows} - {""}
        self.people_by_id = {person.id_number: person for person in mine.filter(id_number__in=ids)}
        units = [u.pk for u in self.units.current.values()] + [u.pk for u, _day in self.units.recoded.values()]
        names = {_text(row.get("name")) for row in rows} - {""}
        named = mine.filter(Q(name__in=names) | Q(id_number__in=ids))
        held = Appointment.objects.filter(unit__in=units, person__in=named)
        self.appointments = defaultdict(list)  # (person pk, unit pk) -> appointments
        self.people_at = defaultdict(dict)  # (unit pk, name) -> {person pk: person}
        for appointment in held.select_related("person"):
            self.appointments[appointment.person_id, appointment.unit_id].append(appointment)
            self.people_at[appointment.unit_id, appointment.person.name][appointment.person_id] = appointment.person
        people = {p.pk for p in self.people_by_id.values()} | {pk for found in self.people_at.values() for pk in found}
        self.stored = {
            (r.person_id, r.unit_id, r.done_on, r.duty_type_id): r
            for r in DutyRecord.objects.filter(person__in=people, unit__in=units).select_related("appointment")
        }

    def unit(self, code: str, day, problems) -> object:
        header = HEADER_OF["unit_code"]
        unit, _note = self.units.unit_on(normalize_text(code).upper(), day)
        if unit is not None and self.scope is not None and not self.scope.can_view(unit):
            unit = None  # out of her scope reads exactly like a code that does not exist
        if code and unit is None:
            problems[header].append(UNKNOWN_UNIT.format(code=code))
        elif unit is not None and self.scope is not None and not self.scope.can_edit(unit):
            problems[header].append(READ_ONLY_SCOPE.format(unit=unit.name))
            unit = None
        return unit

    def person(self, text: dict, unit, problems) -> Person | None:
        number = normalize_id_number(text["id_number"])
        if number:
            person = self.people_by_id.get(number)
        else:
            found = self.people_at.get((unit.pk, text["name"]), {}) if text["name"] else {}
            if len(found) > 1:
                message = errors.DUTY_PERSON_AMBIGUOUS.format(unit=unit.name, count=len(found), name=text["name"])
                problems[HEADER_OF["name"]].append(message)
                return None
            person = next(iter(found.values()), None)
        if person is None:
            problems[HEADER_OF["id_number" if number else "name"]].append(errors.DUTY_PERSON_NOT_FOUND)
        return person

    def appointment(self, person: Person, unit, day: datetime.date) -> Appointment | None:
        held = self.appointments.get((person.pk, unit.pk), [])
        return next((a for a in held if a.start_on <= day and (a.end_on is None or a.end_on >= day)), None)


def _count(value: str, problems, header: str) -> int:
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    problems[header].append(errors.DUTY_COUNT_FORMAT.format(value=value))
    return 0


def _day(value, problems, header: str) -> datetime.date | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        problems[header].append(str(exc))
        return None


class DutyImporter(Importer):
    columns = DUTY_COLUMNS
    quotes_values = False  # a row error never repeats an identity number

    def plan_rows(self, plan: Plan, table: Table, *, scope) -> None:
        lookups = _Lookups([raw for _number, raw in table.rows], scope)
        seen: dict[tuple, int] = {}
        for number, raw in table.rows:
            row = DutyRow(number, raw)
            plan.rows.append(row)
            _plan_row(row, lookups, seen)

    def write_rows(self, plan: Plan) -> None:
        history = bulk_history_kwargs()
        fresh = [row.record for row in plan.rows if row.kind == "new"]
        changed = [row.record for row in plan.rows if row.kind == "update"]
        bulk_create_with_history(fresh, DutyRecord, batch_size=2000, **history)
        bulk_update_with_history(changed, DutyRecord, ["households", "women", "note", "appointment"], **history)

    def summary(self, plan: Plan) -> str:
        return f"新增履职记录{plan.count('new')}条，更新{plan.count('update')}条，未变{plan.count('skip')}条"


def _plan_row(row: DutyRow, lookups: _Lookups, seen: dict) -> None:
    problems = row.errors
    text = {name: _text(row.raw.get(name)) for name, _header in COLUMNS}
    for name in REQUIRED:
        if not text[name]:
            problems[HEADER_OF[name]].append(REQUIRED_VALUE)
    if not text["id_number"] and not text["name"]:
        problems[HEADER_OF["name"]].append(REQUIRED_VALUE)
    done_on = _day(row.raw.get("done_on"), problems, HEADER_OF["done_on"]) if text["done_on"] else None
    duty_type = lookups.types.get(text["duty_type"])
    if text["duty_type"] and duty_type is None:
        choices = "、".join(lookups.types)
        message = errors.DUTY_TYPE_UNKNOWN.format(value=text["duty_type"], choices=choices)
        problems[HEADER_OF["duty_type"]].append(message)
    counts = {name: _count(text[name], problems, HEADER_OF[name]) for name in ("households", "women")}
    unit = lookups.unit(text["unit_code"], done_on, problems) if text["unit_code"] else None
    person = lookups.person(text, unit, problems) if unit is not None else None
    if problems or person is None:
        return
    key = (person.pk, unit.pk, done_on, duty_type.pk)
    if key in seen:
        problems[HEADER_OF["done_on"]].append(errors.DUTY_SAME_ROW.format(other=seen[key]))
        return
    seen[key] = row.number
    _plan_record(row, lookups, key, person, unit, duty_type, counts, text["note"])


def _plan_record(row: DutyRow, lookups: _Lookups, key, person, unit, duty_type, counts, note) -> None:
    stored = lookups.stored.get(key)
    record = stored or DutyRecord(person=person, unit=unit, done_on=key[2], duty_type=duty_type)
    before = (record.households, record.women, record.note) if stored else None
    record.households, record.women, record.note = counts["households"], counts["women"], note
    if not record.appointment_id:
        record.appointment = lookups.appointment(person, unit, key[2])
    try:
        # The linked rows came from the lookups: no query per row to check that they exist.
        record.clean_fields(exclude={"person", "unit", "duty_type", "appointment"})
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            row.errors[HEADER_OF.get(MODEL_FIELD_COLUMNS.get(name, name), "")].extend(messages)
    for name, messages in duty_record_errors(record).items():
        row.errors[HEADER_OF.get(MODEL_FIELD_COLUMNS.get(name, name), "")].extend(messages)
    if row.errors:
        return
    if stored is not None:
        for name, old in zip(("households", "women", "note"), before, strict=True):
            if old != getattr(record, name):
                row.changes[HEADER_OF[name]] = str(old)
    row.kind = "new" if stored is None else ("update" if row.changes else "skip")
    row.record = record


def check_rows(raw_rows: list[dict], first_row_number: int = 2, *, scope=None) -> Plan:
    numbers = range(first_row_number, first_row_number + len(raw_rows))
    table = Table(first_row_number - 1, DUTY_COLUMNS, list(zip(numbers, raw_rows, strict=True)))
    return DutyImporter().plan(table, scope=scope)
