"""Officer spreadsheets: read, check every row, then write all rows or none.

One row is one appointment of one person, matched by identity number when the row has one, otherwise
by name and birth date (two namesakes stay apart). Rows are checked with the services' rules, against
data fetched in bulk up front."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from simple_history.utils import bulk_update_with_history

from access.scope import READ_ONLY_SCOPE
from imports.audit import bulk_history_kwargs
from imports.bulk_insert import bulk_create_recorded
from imports.errors import REQUIRED_VALUE, UNKNOWN_UNIT
from imports.pipeline import Importer, Plan, PlannedRow
from imports.spreadsheets import Column, Table, find_table, normalize_text, parse_date, read_upload
from orgunits.old_codes import units_by_code
from rosters import errors
from rosters.identity import mask_id_number, mask_phone, normalize_id_number, normalize_phone
from rosters.models import Appointment, AppointmentMode, ConcurrentRole, Person, Post, Sex
from rosters.selectors import people_for
from rosters.services import PERSON_FIELDS, appointment_errors, person_validate

# field, Chinese header (what we write), English alias (also accepted)
COLUMNS = [
    ("name", "姓名"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
    ("ethnicity", "民族"),
    ("education", "学历"),
    ("political_status", "政治面貌"),
    ("phone", "手机"),
    ("id_number", "身份证号"),
    ("unit_code", "单位代码"),
    ("post", "职务"),
    ("start_on", "任职开始"),
    ("end_on", "任职结束"),
    ("mode", "任职方式"),
    ("concurrent_roles", "兼任"),
]
HEADER_OF = dict(COLUMNS)
REQUIRED = ("name", "birth_date", "unit_code", "post", "start_on")
ALIASES = {
    "phone": ("手机号", "手机号码", "联系电话"),
    "id_number": ("身份证号码", "公民身份号码"),
    "unit_code": ("所在单位代码",),
    "start_on": ("任职时间", "任职开始日期"),
    "end_on": ("任职结束日期", "离任时间"),
}
SPREADSHEET_COLUMNS = [
    Column(name, header, ALIASES.get(name, ()), required=name in REQUIRED) for name, header in COLUMNS
]
APPOINTMENT_FIELD_COLUMNS = {"start_on": "start_on", "end_on": "end_on", "term": "unit_code"}
MASK = "*"

UNKNOWN_POST = "职务“{value}”不存在，可选：{choices}。"
UNKNOWN_ROLE = "兼任职务“{value}”不存在，可选：{choices}。"
UNKNOWN_CHOICE = "“{value}”不是有效的{what}，可选：{choices}。"
AMBIGUOUS_PERSON = "库中有{count}位“{name}”（{birth_date}出生），请填写身份证号以区分。"
SAME_PERSON_DIFFERS = "与第{other}行是同一人（身份证号或姓名+出生日期相同），但这一项不同。"

_ROLE_SPLIT = re.compile(r"[、,，;；]")


@dataclass
class RowOutcome(PlannedRow):
    appointment: Appointment | None = None


@dataclass
class ImportReport(Plan):
    people_created: int = 0
    people_updated: int = 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value, problems, header) -> datetime.date | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        problems[header].append(str(exc))
        return None


class _Choices:
    """A choice list as a lookup from what a spreadsheet may say (stored value or label) to the stored value."""

    def __init__(self, choices, what: str, default: str = ""):
        self.accepted = {}
        for stored, label in choices:
            self.accepted[str(stored)] = stored
            self.accepted[str(label)] = stored
        self.labels = "、".join(dict.fromkeys(str(label) for _stored, label in choices))
        self.what, self.default = what, default

    def __call__(self, value: str, problems, header: str):
        if not value:
            return self.default
        if value in self.accepted:
            return self.accepted[value]
        problems[header].append(UNKNOWN_CHOICE.format(value=value, what=self.what, choices=self.labels))
        return self.default


class _Lookups:
    """Everything rows refer to, fetched once for the whole file."""

    def __init__(self, rows: list[dict], scope=None):
        self.scope = scope
        codes = {normalize_text(row.get("unit_code")).upper() for row in rows}
        self.units = units_by_code(codes)
        self.posts = {post.name: post for post in Post.objects.all()}
        self.roles = list(ConcurrentRole.objects.all())
        self.sex = _Choices(Sex.choices, "性别", default=Sex.FEMALE)
        self.mode = _Choices(AppointmentMode.choices, "任职方式", default=AppointmentMode.PART_TIME)
        self.education = _Choices(Person._meta.get_field("education").choices, "学历")
        self.political_status = _Choices(Person._meta.get_field("political_status").choices, "政治面貌")
        ids = {normalize_id_number(_text(row.get("id_number"))) for row in rows} - {""}
        names = {_text(row.get("name")) for row in rows}
        # Identity numbers are unique nationally, so a number held outside her scope is an error; a
        # name and birth date only match people she may change (namesakes elsewhere are other people).
        mine = people_for(scope, editable=True) if scope is not None else Person.objects.all()
        self.people_by_id = {p.id_number: p for p in mine.filter(id_number__in=ids)}
        self.ids_held_elsewhere = set(
            Person.objects.filter(id_number__in=ids - set(self.people_by_id)).values_list("id_number", flat=True)
        )
        self.people_by_name = defaultdict(list)
        for person in mine.filter(name__in=names):
            self.people_by_name[(person.name, person.birth_date)].append(person)
        people = list(self.people_by_id.values()) + [p for group in self.people_by_name.values() for p in group]
        self.appointments = defaultdict(list)  # (person, unit, post) -> appointments
        for appointment in (
            Appointment.objects.filter(person__in=people).select_related("term").prefetch_related("concurrent_roles")
        ):
            key = (appointment.person_id, appointment.unit_id, appointment.post_id)
            self.appointments[key].append(appointment)

    def role(self, text: str) -> ConcurrentRole | None:
        return next((r for r in self.roles if text in (r.name, r.code)), None)


class OfficerImporter(Importer):
    """One row is one appointment; rows for units the user may not edit are errors."""

    columns = SPREADSHEET_COLUMNS
    plan_class = ImportReport
    quotes_values = False  # a row error never repeats an identity number or a phone

    def plan_rows(self, plan: ImportReport, table: Table, *, scope) -> None:
        lookups = _Lookups([raw for _number, raw in table.rows], scope)
        new_people: dict[tuple, Person] = {}
        for number, raw in table.rows:
            outcome = RowOutcome(number, raw)
            plan.rows.append(outcome)
            _check_row(outcome, lookups, new_people)

    def write_rows(self, plan: ImportReport) -> None:
        _write(plan)

    def summary(self, plan: ImportReport) -> str:
        text = f"新增任职{plan.count('new')}条，更新{plan.count('update')}条，未变{plan.count('skip')}条"
        if plan.people_created or plan.people_updated:
            text += f"；新增人员{plan.people_created}人，更新{plan.people_updated}人"
        return text


def check_rows(raw_rows: list[dict], first_row_number: int = 2, *, scope=None) -> ImportReport:
    """Rows given as dicts keyed by field (numbered from `first_row_number` unless they know their numbers)."""
    numbers = getattr(raw_rows, "numbers", None) or range(first_row_number, first_row_number + len(raw_rows))
    table = Table(first_row_number - 1, SPREADSHEET_COLUMNS, list(zip(numbers, raw_rows, strict=True)))
    return OfficerImporter().plan(table, scope=scope)


def write(report: ImportReport) -> ImportReport:
    return OfficerImporter().write(report)


def _check_row(outcome: RowOutcome, lookups: _Lookups, new_people: dict) -> None:
    raw, problems = outcome.raw, outcome.errors
    text = {name: _text(raw.get(name)) for name, _header in COLUMNS}
    for name in REQUIRED:
        if not text[name]:
            problems[HEADER_OF[name]].append(REQUIRED_VALUE)
    birth_date = _date(raw.get("birth_date"), problems, HEADER_OF["birth_date"])
    start_on = _date(raw.get("start_on"), problems, HEADER_OF["start_on"])
    end_on = _date(raw.get("end_on"), problems, HEADER_OF["end_on"])
    unit, note = lookups.units.unit_on(normalize_text(text["unit_code"]).upper(), start_on)  # old codes too
    if unit is not None and lookups.scope is not None and not lookups.scope.can_view(unit):
        unit, note = None, ""  # out of her scope reads exactly like a code that does not exist
    outcome.notes[HEADER_OF["unit_code"]].extend([note] if note else [])
    if text["unit_code"] and unit is None:
        problems[HEADER_OF["unit_code"]].append(UNKNOWN_UNIT.format(code=text["unit_code"]))
    elif unit is not None and lookups.scope is not None and not lookups.scope.can_edit(unit):
        problems[HEADER_OF["unit_code"]].append(READ_ONLY_SCOPE.format(unit=unit.name))
    post = lookups.posts.get(text["post"])
    if text["post"] and post is None:
        problems[HEADER_OF["post"]].append(UNKNOWN_POST.format(value=text["post"], choices="、".join(lookups.posts)))
    roles = []
    for part in filter(None, (p.strip() for p in _ROLE_SPLIT.split(text["concurrent_roles"]))):
        found = lookups.role(part)
        if found is None:
            names = "、".join(r.name for r in lookups.roles)
            problems[HEADER_OF["concurrent_roles"]].append(UNKNOWN_ROLE.format(value=part, choices=names))
        else:
            roles.append(found)
    mode = lookups.mode(text["mode"], problems, HEADER_OF["mode"])
    if problems:
        return
    person = _person_for(outcome, text, birth_date, lookups, new_people)
    if person is None:
        return
    _plan_appointment(outcome, person, unit, post, start_on, end_on, mode, roles, lookups)


def _person_fields(text: dict, birth_date, problems, lookups: _Lookups) -> dict:
    return {
        "name": text["name"],
        "sex": lookups.sex(text["sex"], problems, HEADER_OF["sex"]),
        "birth_date": birth_date,
        "ethnicity": text["ethnicity"] or "汉族",
        "education": lookups.education(text["education"], problems, HEADER_OF["education"]),
        "political_status": lookups.political_status(text["political_status"], problems, HEADER_OF["political_status"]),
        "phone": normalize_phone(text["phone"]),
        "id_number": normalize_id_number(text["id_number"]) or None,
    }


def _person_for(outcome, text, birth_date, lookups: _Lookups, new_people: dict) -> Person | None:
    problems = outcome.errors
    fields = _person_fields(text, birth_date, problems, lookups)
    masked = {name for name in ("phone", "id_number") if MASK in (fields[name] or "")}
    for name in masked:  # a masked export read back: keep what is stored
        fields.pop(name)
    key = ("id", fields["id_number"]) if fields.get("id_number") else ("name", fields["name"], birth_date)
    if key in new_people:
        person, first_row = new_people[key]
        for name, value in fields.items():
            if text.get(name) and value != getattr(person, name):
                problems[HEADER_OF[name]].append(SAME_PERSON_DIFFERS.format(other=first_row))
        return None if problems else person
    if fields.get("id_number") in lookups.ids_held_elsewhere:
        problems[HEADER_OF["id_number"]].append(errors.ID_REGISTERED)
        return None
    if fields.get("id_number"):
        person = lookups.people_by_id.get(fields["id_number"])
    else:
        matches = lookups.people_by_name.get((fields["name"], birth_date), [])
        if len(matches) > 1:
            problems[HEADER_OF["id_number"]].append(
                AMBIGUOUS_PERSON.format(count=len(matches), name=fields["name"], birth_date=birth_date)
            )
            return None
        person = matches[0] if matches else None
    if person is None:
        if masked:
            problems[HEADER_OF["id_number"]].append(errors.ID_SHAPE.format(value=text["id_number"]))
            return None
        person = Person(**fields)
    else:
        # Blank cells leave stored values alone; only what the row states is compared.
        stated = {name: value for name, value in fields.items() if text.get(name)}
        changed = {name: value for name, value in stated.items() if value != getattr(person, name)}
        for name, value in changed.items():
            outcome.changes[HEADER_OF[name]] = _stored_text(person, name)
            setattr(person, name, value)
        person._import_changed = bool(changed)
    try:
        # Every number in the file was looked up in bulk: a known one matched its person above.
        person_validate(person, check_duplicate_id=False, check_links=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems[HEADER_OF.get(name, "")].extend(messages)
        return None
    new_people[key] = (person, outcome.number)
    return person


def _stored_text(person: Person, name: str) -> str:
    """A stored value as the preview shows it: personal numbers masked, choices by their labels."""
    value = getattr(person, name)
    if name in ("phone", "id_number"):
        return mask_phone(value) if name == "phone" else mask_id_number(value)
    if name == "sex":
        return person.get_sex_display()
    return "" if value is None else str(value)


def _plan_appointment(outcome, person, unit, post, start_on, end_on, mode, roles, lookups: _Lookups) -> None:
    key = (person.pk, unit.pk, post.pk) if person.pk else (id(person), unit.pk, post.pk)
    siblings = lookups.appointments[key]
    same = next((a for a in siblings if a.pk and a.start_on == start_on), None)
    appointment = same or Appointment(start_on=start_on)
    appointment.person, appointment.unit, appointment.post = person, unit, post
    before = (
        (appointment.end_on, appointment.mode, {r.pk for r in appointment.concurrent_roles.all()}) if same else None
    )
    if same is not None:
        if same.end_on != end_on:
            outcome.changes[HEADER_OF["end_on"]] = str(same.end_on or "")
        if same.mode != mode:
            outcome.changes[HEADER_OF["mode"]] = same.get_mode_display()
        if before[2] != {r.pk for r in roles}:
            outcome.changes[HEADER_OF["concurrent_roles"]] = "、".join(r.name for r in same.concurrent_roles.all())
    appointment.end_on, appointment.mode = end_on, mode
    appointment._import_roles = roles
    for name, messages in appointment_errors(appointment, others=siblings).items():
        header = HEADER_OF.get(APPOINTMENT_FIELD_COLUMNS.get(name, name), "")
        outcome.errors[header].extend(messages)
    if outcome.errors:
        return
    if same is None:
        siblings.append(appointment)
        outcome.kind = "new"
    elif before == (end_on, mode, {r.pk for r in roles}) and not getattr(person, "_import_changed", False):
        outcome.kind = "skip"
    else:
        outcome.kind = "update"
    outcome.appointment = appointment


def _write(report: ImportReport) -> None:
    """People first (appointments need their keys), then appointments and their concurrent roles, in bulk."""
    people = {id(row.appointment.person): row.appointment.person for row in report.rows if row.appointment}
    new_people = [p for p in people.values() if p.pk is None]
    changed_people = [p for p in people.values() if p.pk and getattr(p, "_import_changed", False)]
    history = bulk_history_kwargs()
    for person in new_people:
        person.created_by = history["default_user"]
    bulk_create_recorded(new_people, Person, **history)
    bulk_update_with_history(changed_people, Person, list(PERSON_FIELDS), **history)
    report.people_created, report.people_updated = len(new_people), len(changed_people)
    fresh = [row.appointment for row in report.rows if row.kind == "new"]
    updated = [row.appointment for row in report.rows if row.kind == "update"]
    for appointment in fresh:
        appointment.person_id = appointment.person.pk  # set after the people got their keys
    bulk_create_recorded(fresh, Appointment, **history)
    bulk_update_with_history(updated, Appointment, ["end_on", "mode"], **history)
    through = Appointment.concurrent_roles.through
    through.objects.filter(appointment__in=updated).delete()
    through.objects.bulk_create(
        [through(appointment_id=a.pk, concurrentrole_id=role.pk) for a in fresh + updated for role in a._import_roles],
        batch_size=5000,
    )


class NumberedRows(list):
    """Rows as dicts keyed by field, with each row's number as the spreadsheet shows it in .numbers."""

    def __init__(self, rows=(), numbers=()):
        super().__init__(rows)
        self.numbers = list(numbers)


def read_spreadsheet(content: bytes, filename: str) -> NumberedRows:
    """Rows from .xlsx, .xls, .ods or .csv (UTF-8 or GBK), below a title row if there is one."""
    table = find_table(read_upload(content, filename), SPREADSHEET_COLUMNS)
    return NumberedRows((raw for _number, raw in table.rows), (number for number, _raw in table.rows))
