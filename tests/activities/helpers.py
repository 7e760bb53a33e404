"""Activities and honours in 双峰县 and 香河县 for the tests, written through the services."""

from activities.models import ActivityType
from activities.services import activity_create, honour_create
from tests.base import day


def activity_type(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


def training(unit, on: str, sessions: int, participants: int, **more):
    return activity_create(
        unit=unit,
        type=activity_type("training"),
        title=more.pop("title", f"{unit.name}培训{on}"),
        started_on=day(on),
        sessions=sessions,
        participants=participants,
        **more,
    )


def honour(unit, title: str, level: str, on: str):
    return honour_create(unit=unit, title=title, level=level, awarded_on=day(on), awarded_by="授予单位")
