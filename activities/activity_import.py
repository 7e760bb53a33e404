"""Activity spreadsheets: one activity per row, in any order, all rows written or none.

A row is known by its unit, type, name and start date: a row that matches a stored activity updates
its figures (or leaves it alone when nothing differs), so an export imports back unchanged. Units are
looked up by code, former codes included (orgunits.old_codes), as they were on the start date; a unit
outside her scope reads as unknown.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from activities import errors
from activities.import_cells import parsed_cell, unit_cell
from activities.models import COUNT_FIELDS, Activity, ActivityType, Campaign
from activities.services import activities_write, activity_errors
from imports.errors import REQUIRED_VALUE
from imports.pipeline import Importer, Plan, PlannedRow
from imports.queries import chunked_in
from imports.spreadsheets import Column, normalize_text, parse_bool, parse_date
from orgunits.old_codes import units_by_code

COLUMNS = [
    Column("unit_code", "单位代码", ("代码", "code"), required=True),
    Column("unit_name", "单位名称", ("unit",)),
    Column("type", "活动类型", ("类型", "type"), required=True),
    Column("title", "名称", ("活动名称", "title"), required=True),
    Column("started_on", "开始日期", ("日期", "started_on"), required=True),
    Column("ended_on", "结束日期", ("ended_on",)),
    Column("sessions", "场次", ("sessions",)),
    Column("participants", "参与人次", ("participants",)),
    Column("served", "服务人数", ("served",)),
    Column("households", "户数", ("households",)),
    Column("cases", "件数", ("cases",)),
    Column("amount", "金额（元）", ("金额", "amount")),
    Column("approximate", "约数", ("approximate",)),
    Column("campaign", "活动载体", ("campaign",)),
    Column("note", "备注", ("note",)),
]
HEADERS = {column.field: column.header for column in COLUMNS}
TITLE_LENGTH = Activity._meta.get_field("title").max_length
EDITED = ("ended_on", *COUNT_FIELDS, "approximate", "campaign_id", "note")


@dataclass
class ActivityRow(PlannedRow):
    activity: Activity | None = None


@dataclass
class ActivityPlan(Plan):
    to_create: list[Activity] = field(default_factory=list)
    to_update: list[Activity] = field(default_factory=list)


class ActivityImporter(Importer):
    columns = COLUMNS
    plan_class = ActivityPlan

    def plan_rows(self, plan: ActivityPlan, table, *, scope) -> None:
        plan.rows = [ActivityRow(number, raw) for number, raw in table.rows]
        types = list(ActivityType.objects.all())
        units = units_by_code({normalize_text(row.raw.get("unit_code")).upper() for row in plan.rows})
        for row in plan.rows:
            row.activity = Activity()
            _read(row, types, units, scope)
        _campaigns(plan.rows)
        _check_and_match(plan)

    def write_rows(self, plan: ActivityPlan) -> None:
        activities_write(to_create=plan.to_create, to_update=plan.to_update)

    def summary(self, plan: ActivityPlan) -> str:
        created, updated = len(plan.to_create), len(plan.to_update)
        return f"{len(plan.rows)}行：新增活动{created}项，修改{updated}项，未变{plan.count('skip')}行"


def _read(row: ActivityRow, types: list[ActivityType], units, scope) -> None:
    activity = row.activity
    activity.started_on = _cell(row, "started_on", parse_date, required=True)
    activity.ended_on = _cell(row, "ended_on", parse_date)
    _read_unit(row, units, scope)
    _read_type(row, types)
    activity.title = normalize_text(row.raw.get("title"))
    if not activity.title:
        row.errors[HEADERS["title"]].append(REQUIRED_VALUE)
    elif len(activity.title) > TITLE_LENGTH:
        row.errors[HEADERS["title"]].append(errors.TOO_LONG.format(limit=TITLE_LENGTH))
    for name in COUNT_FIELDS:
        setattr(activity, name, _cell(row, name, parse_amount if name == "amount" else parse_count))
    activity.approximate = bool(_cell(row, "approximate", parse_flag))
    activity.note = normalize_text(row.raw.get("note"))


def _cell(row: ActivityRow, name: str, parse, *, required: bool = False):
    return parsed_cell(row, name, HEADERS[name], parse, _BAD.get(name, errors.BAD_DATE), required=required)


def parse_count(raw) -> int | None:
    text = normalize_text(raw).replace(",", "")
    if not text:
        return None
    number = Decimal(text) if text.replace(".", "", 1).isdigit() else None
    if number is None or number != number.to_integral_value():
        raise ValueError(text)
    return int(number)


def parse_amount(raw) -> Decimal | None:
    text = normalize_text(raw).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if number < 0 or number != number.quantize(Decimal("0.01")):
        raise ValueError(text)
    return number


def parse_flag(raw) -> bool | None:
    return parse_bool(raw)


_BAD = {
    **dict.fromkeys(COUNT_FIELDS, errors.BAD_COUNT),
    "amount": errors.BAD_AMOUNT,
    "approximate": errors.BAD_FLAG,
}


def _read_unit(row: ActivityRow, units, scope) -> None:
    unit = unit_cell(row, HEADERS["unit_code"], units, scope, row.activity.started_on)
    if unit is not None:
        row.activity.unit = unit


def _read_type(row: ActivityRow, types: list[ActivityType]) -> None:
    text = normalize_text(row.raw.get("type"))
    found = next((t for t in types if text in (t.name, t.code)), None) if text else None
    if not text:
        row.errors[HEADERS["type"]].append(REQUIRED_VALUE)
    elif found is None:
        choices = "、".join(t.name for t in types)
        row.errors[HEADERS["type"]].append(errors.UNKNOWN_TYPE.format(choices=choices))
    else:
        row.activity.type = found


def _campaigns(rows: list[ActivityRow]) -> None:
    """Campaigns by name: national ones, or those of the row's unit or its ancestors (one query)."""
    names = {normalize_text(row.raw.get("campaign")) for row in rows} - {""}
    if not names:
        return
    found: dict[str, list[Campaign]] = {}
    for campaign in Campaign.objects.filter(name__in=names).select_related("owner"):
        found.setdefault(campaign.name, []).append(campaign)
    for row in rows:
        name, unit = normalize_text(row.raw.get("campaign")), row.activity.unit_id and row.activity.unit
        if not name or not unit:
            continue
        mine = [c for c in found.get(name, []) if c.owner is None or unit.path.startswith(c.owner.path)]
        if not mine:
            row.errors[HEADERS["campaign"]].append(errors.UNKNOWN_CAMPAIGN)
        else:  # the nearest owner first: a unit's own campaign over the nation's of the same name
            row.activity.campaign = max(mine, key=lambda c: len(c.owner.path) if c.owner else 0)


def _check_and_match(plan: ActivityPlan) -> None:
    stored = _stored(plan.rows)
    first: dict[tuple, int] = {}
    for row in plan.rows:
        if row.errors:
            continue
        key = _key(row.activity)
        if key in first:
            row.errors[HEADERS["unit_code"]].append(errors.DUPLICATE_ACTIVITY.format(first=first[key]))
            continue
        first[key] = row.number
        for name, messages in activity_errors(row.activity).items():
            row.errors[_header_of(name)].extend(messages)
        if not row.errors:
            _classify(plan, row, stored.get(key))


def _key(activity: Activity) -> tuple:
    return (activity.unit_id, activity.type_id, activity.title, activity.started_on)


def _header_of(name: str) -> str:
    return HEADERS.get("campaign" if name == "campaign" else name, "")


def _stored(rows: list[ActivityRow]) -> dict[tuple, Activity]:
    keyed = [row.activity for row in rows if not row.errors]
    if not keyed:
        return {}
    days = {activity.started_on for activity in keyed}
    found = {}
    query = Activity.objects.filter(started_on__in=days)
    for chunk in chunked_in(query, "unit_id", {activity.unit_id for activity in keyed}):
        found.update((_key(activity), activity) for activity in chunk)
    return found


def _classify(plan: ActivityPlan, row: ActivityRow, stored: Activity | None) -> None:
    if stored is None:
        row.kind = "new"
        plan.to_create.append(row.activity)
        return
    changed = [name for name in EDITED if getattr(stored, name) != getattr(row.activity, name)]
    for name in changed:
        header = _header_of(name.removesuffix("_id"))
        if header:
            before = getattr(stored, name)
            row.changes[header] = "" if before is None else str(before)
        setattr(stored, name, getattr(row.activity, name))
    row.kind = "update" if changed else "skip"
    if changed:
        plan.to_update.append(stored)


# ---- export


def export_rows(activities) -> tuple[list[str], list[list]]:
    """The import's columns, one row per activity: what imports back unchanged."""
    rows = []
    for activity in activities.select_related("unit", "type", "campaign").order_by("unit__path", "started_on", "pk"):
        rows.append(
            [
                activity.unit.code,
                activity.unit.name,
                activity.type.name,
                activity.title,
                activity.started_on,
                activity.ended_on,
                *(getattr(activity, name) for name in COUNT_FIELDS),
                "是" if activity.approximate else "",
                activity.campaign.name if activity.campaign else "",
                activity.note,
            ]
        )
    return [column.header for column in COLUMNS], rows
