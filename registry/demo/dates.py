"""The demo's calendar. Every dated event of the demo happens on or before DEMO_TODAY, so a run on any
later day loads the same rows; the pages that default to today then see the demo as of that day."""

import datetime
import random

DEMO_TODAY = datetime.date(2026, 11, 30)
# 会改联: the villages' and communities' 妇代会 became 妇联 (2016–2017 reform).
REFORM = datetime.date(2017, 6, 30)
# The village and community committees (村（社区）“两委”) were re-elected in spring 2021 and 2026, and
# their 妇联 with them.
VILLAGE_ELECTIONS_2021 = (datetime.date(2021, 3, 10), datetime.date(2021, 5, 20))
VILLAGE_ELECTIONS_2026 = (datetime.date(2026, 3, 10), datetime.date(2026, 6, 10))
FIGURE_YEARS = (2024, 2025)


def between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def seeded(*parts: object) -> random.Random:
    """A generator of its own for each unit and purpose, so that one unit's draws never shift another's."""
    return random.Random(":".join(["fulian-demo", *map(str, parts)]))
