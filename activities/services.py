"""Writes of activities, campaigns and honours: checked against the unit's open period, the type's
counts and the campaign's span, each in one transaction."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from activities import errors
from activities.models import COUNT_FIELDS, COUNT_NAMES, Activity, Campaign, Honour
from imports.audit import bulk_history_kwargs
from orgunits.models import OrgUnit

ACTIVITY_FIELDS = ("unit", "type", "campaign", "title", "started_on", "ended_on", *COUNT_FIELDS, "approximate", "note")
HONOUR_FIELDS = ("unit", "title", "level", "awarded_on", "awarded_by", "note")
CAMPAIGN_FIELDS = ("name", "owner", "year", "starts_on", "ends_on")


def _date_errors(unit: OrgUnit, on: datetime.date | None) -> list[str]:
    if unit is None or on is None:
        return []
    if unit.opened_on and on < unit.opened_on:
        return [errors.BEFORE_UNIT_OPENED.format(on=on, unit=unit.name, opened_on=unit.opened_on)]
    if unit.closed_on and on >= unit.closed_on:
        return [errors.AFTER_UNIT_CLOSED.format(on=on, unit=unit.name, closed_on=unit.closed_on)]
    return []


def campaign_errors(campaign: Campaign | None, unit: OrgUnit | None, on: datetime.date | None) -> list[str]:
    """A campaign is national or belongs to the unit or one of its ancestors, and holds the date."""
    if campaign is None or unit is None:
        return []
    owner = campaign.owner
    if owner is not None and not unit.path.startswith(owner.path):
        return [errors.CAMPAIGN_OTHER_UNIT.format(campaign=campaign.name, unit=unit.name)]
    if on is not None and (campaign.year or campaign.starts_on):
        first, last = campaign.span()
        if not first <= on <= last:
            span = f"{first}至{last}"
            return [errors.CAMPAIGN_OUT_OF_SPAN.format(on=on, campaign=campaign.name, span=span)]
    return []


def activity_errors(activity: Activity) -> dict[str, list[str]]:
    """Every rule of an activity beyond its fields' own: {field: [message]}."""
    found: dict[str, list[str]] = defaultdict(list)
    unit = activity.unit if activity.unit_id else None
    if activity.ended_on and activity.started_on and activity.ended_on < activity.started_on:
        found["ended_on"].append(
            errors.ENDED_BEFORE_STARTED.format(ended_on=activity.ended_on, started_on=activity.started_on)
        )
    found["started_on"].extend(_date_errors(unit, activity.started_on))
    found["ended_on"].extend(_date_errors(unit, activity.ended_on))
    if activity.type_id:
        for name in COUNT_FIELDS:
            if getattr(activity, name) is not None and not activity.type.uses(name):
                found[name].append(errors.COUNT_UNUSED.format(type=activity.type.name, what=COUNT_NAMES[name]))
    campaign = activity.campaign if activity.campaign_id else None
    found["campaign"].extend(campaign_errors(campaign, unit, activity.started_on))
    return {key: messages for key, messages in found.items() if messages}


def activity_validate(activity: Activity) -> None:
    found: dict[str, list[str]] = defaultdict(list)
    try:
        activity.full_clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            found[key].extend(messages)
    for key, messages in activity_errors(activity).items():
        found[key].extend(messages)
    if found:
        raise ValidationError(dict(found))


@transaction.atomic
def activity_create(**fields) -> Activity:
    activity = Activity(**_only(fields, ACTIVITY_FIELDS))
    activity_validate(activity)
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, **fields) -> Activity:
    for name, value in _only(fields, ACTIVITY_FIELDS).items():
        setattr(activity, name, value)
    activity_validate(activity)
    activity.save()
    return activity


IMPORTED_FIELDS = ("ended_on", *COUNT_FIELDS, "approximate", "campaign", "note")


@transaction.atomic
def activities_write(*, to_create: list[Activity], to_update: list[Activity], batch_size: int = 1000) -> None:
    """Many checked activities at once (the import), new and changed, each with its history entry."""
    _bulk_write(Activity, to_create, to_update, IMPORTED_FIELDS, batch_size)


HONOUR_IMPORTED_FIELDS = ("awarded_by", "note")


@transaction.atomic
def honours_write(*, to_create: list[Honour], to_update: list[Honour], batch_size: int = 1000) -> None:
    """Many checked honours at once (the import), new and changed, each with its history entry."""
    _bulk_write(Honour, to_create, to_update, HONOUR_IMPORTED_FIELDS, batch_size)


def _bulk_write(model, to_create: list, to_update: list, fields: tuple[str, ...], batch_size: int) -> None:
    # Bulk writes send no signal, so the history learns who and where from (the file, the command) here.
    history = bulk_history_kwargs()
    bulk_create_with_history(to_create, model, batch_size=batch_size, **history)
    if to_update:
        bulk_update_with_history(to_update, model, list(fields), batch_size=batch_size, **history)


def honour_errors(honour: Honour) -> dict[str, list[str]]:
    """Every rule of an honour beyond its fields' own: the date lies in the unit's open period."""
    found = _date_errors(honour.unit if honour.unit_id else None, honour.awarded_on)
    return {"awarded_on": found} if found else {}


def honour_validate(honour: Honour) -> None:
    found: dict[str, list[str]] = defaultdict(list)
    try:
        honour.full_clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            found[key].extend(messages)
    for key, messages in honour_errors(honour).items():
        found[key].extend(messages)
    if found:
        raise ValidationError(dict(found))


@transaction.atomic
def honour_create(**fields) -> Honour:
    honour = Honour(**_only(fields, HONOUR_FIELDS))
    honour_validate(honour)
    honour.save()
    return honour


@transaction.atomic
def honour_update(*, honour: Honour, **fields) -> Honour:
    for name, value in _only(fields, HONOUR_FIELDS).items():
        setattr(honour, name, value)
    honour_validate(honour)
    honour.save()
    return honour


def campaign_validate(campaign: Campaign) -> None:
    if campaign.year is None and not (campaign.starts_on and campaign.ends_on):
        raise ValidationError({"year": [errors.CAMPAIGN_YEAR_OR_SPAN]})
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        message = errors.ENDED_BEFORE_STARTED.format(ended_on=campaign.ends_on, started_on=campaign.starts_on)
        raise ValidationError({"ends_on": [message]})
    campaign.full_clean()


@transaction.atomic
def campaign_create(**fields) -> Campaign:
    campaign = Campaign(**_only(fields, CAMPAIGN_FIELDS))
    campaign_validate(campaign)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, **fields) -> Campaign:
    for name, value in _only(fields, CAMPAIGN_FIELDS).items():
        setattr(campaign, name, value)
    campaign_validate(campaign)
    campaign.save()
    return campaign


def _only(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    return fields
