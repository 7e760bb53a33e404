"""Who the officers of a subtree are on a date: counts by post, sex, age band, education,
political status and mode, and the 进两委 and 三位一体 rates. Three queries, whatever the size."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When

from orgunits.dates import shift_years
from rosters.models import Appointment

# (label, youngest age, oldest age); reports use different bands, so they are data, not code.
AGE_BANDS = (("35岁及以下", None, 35), ("36–45岁", 36, 45), ("46–55岁", 46, 55), ("56岁及以上", 56, None))
VILLAGE_KINDS = ("village", "community")
COMMITTEE_ROLES = ("village_party_committee", "village_committee")
THREE_IN_ONE_ROLES = ("family_planning", "maternal_child_health")


@dataclass
class RosterStats:
    appointments: int = 0
    people: int = 0
    by_post: Counter = field(default_factory=Counter)
    by_sex: Counter = field(default_factory=Counter)
    by_age_band: Counter = field(default_factory=Counter)
    by_education: Counter = field(default_factory=Counter)
    by_political_status: Counter = field(default_factory=Counter)
    by_mode: Counter = field(default_factory=Counter)
    village_chairs: int = 0
    village_chairs_in_committees: int = 0
    village_chairs_three_in_one: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> Decimal | None:
        return Decimal(part) * 100 / whole if whole else None

    @property
    def committee_rate(self) -> Decimal | None:
        """进两委率"""
        return self._rate(self.village_chairs_in_committees, self.village_chairs)

    @property
    def three_in_one_rate(self) -> Decimal | None:
        """三位一体率"""
        return self._rate(self.village_chairs_three_in_one, self.village_chairs)


def age_band_expression(on: datetime.date, bands=AGE_BANDS):
    """The band label from the birth date: age ≤ n exactly when born after the day n+1 years earlier."""
    whens = []
    for label, _youngest, oldest in bands:
        if oldest is None:
            whens.append(When(person__birth_date__isnull=False, then=Value(label)))
        else:
            whens.append(When(person__birth_date__gt=shift_years(on, -(oldest + 1)), then=Value(label)))
    return Case(*whens, default=Value("未知"))


def _has_role(code: str):
    return Exists(
        Appointment.concurrent_roles.through.objects.filter(appointment=OuterRef("pk"), concurrentrole__code=code)
    )


def roster_stats(unit, on: datetime.date, bands=AGE_BANDS) -> RosterStats:
    active = Appointment.objects.in_subtree(unit).active_on(on)
    stats = RosterStats()
    rows = (
        active.annotate(age_band=age_band_expression(on, bands))
        .values("post__name", "person__sex", "age_band", "person__education", "person__political_status", "mode")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        n = row["n"]
        stats.appointments += n
        stats.by_post[row["post__name"]] += n
        stats.by_sex[row["person__sex"]] += n
        stats.by_age_band[row["age_band"]] += n
        stats.by_education[row["person__education"] or "未填"] += n
        stats.by_political_status[row["person__political_status"] or "未填"] += n
        stats.by_mode[row["mode"]] += n
    chairs = active.filter(post__counts_as_chair=True, unit__kind__code__in=VILLAGE_KINDS)
    in_committee = Q(_has_role(COMMITTEE_ROLES[0])) | Q(_has_role(COMMITTEE_ROLES[1]))
    three_in_one = Q(_has_role(THREE_IN_ONE_ROLES[0])) & Q(_has_role(THREE_IN_ONE_ROLES[1]))
    summary = chairs.aggregate(
        chairs=Count("pk"),
        in_committee=Count("pk", filter=in_committee),
        three_in_one=Count("pk", filter=three_in_one),
    )
    stats.village_chairs = summary["chairs"]
    stats.village_chairs_in_committees = summary["in_committee"]
    stats.village_chairs_three_in_one = summary["three_in_one"]
    stats.people = active.values("person").distinct().count()
    return stats
