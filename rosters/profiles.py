"""Who the officers of a subtree are on a date: counts by post, sex, age band, education (level and
group), political status and mode; the new officers (新任); the chairs' profile; and the 进两委 and
三位一体 rates. Three queries, whatever the size (five when the bands and groups are not given).

Age bands and education groups are data (rosters.profile_models); here they are plain values,
`Band` and `Group`, so that callers and tests may pass their own.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from orgunits.as_of import TreeOn
from orgunits.dates import shift_years
from orgunits.models import OrgUnit
from rosters.models import AgeBand, AgeBandSet, Appointment, EducationGroup, EducationGroupSet, Term

VILLAGE_KINDS = ("village", "community")
COMMITTEE_ROLES = ("village_party_committee", "village_committee")
THREE_IN_ONE_ROLES = ("family_planning", "maternal_child_health")
UNFILLED = "未填"


@dataclass(frozen=True)
class Band:
    """Ages from `lower` to `upper` in whole years; a missing bound is open."""

    label: str
    lower: int | None = None
    lower_inclusive: bool = True
    upper: int | None = None
    upper_inclusive: bool = True

    def born(self, on: datetime.date, via: str = "person__") -> Q:
        """Whose birth date puts them in the band on the day: age ≥ n exactly when born on or before
        the day n years earlier; age ≤ n exactly when born after the day n+1 years earlier."""
        condition = Q()
        if self.lower is not None:
            oldest_start = self.lower if self.lower_inclusive else self.lower + 1
            condition &= Q(**{f"{via}birth_date__lte": shift_years(on, -oldest_start)})
        if self.upper is not None:
            youngest_end = self.upper + 1 if self.upper_inclusive else self.upper
            condition &= Q(**{f"{via}birth_date__gt": shift_years(on, -youngest_end)})
        return condition


@dataclass(frozen=True)
class Group:
    label: str
    levels: tuple[str, ...]

    def holds(self, via: str = "person__") -> Q:
        return Q(**{f"{via}education__in": self.levels})


# Used only where the database holds no default set (a flushed test database); the migration
# rosters/0003_seed_profiles seeds the same.
FALLBACK_AGE_BANDS = (
    Band("35岁及以下", None, True, 35, True),
    Band("36–45岁", 36, True, 45, True),
    Band("46–55岁", 46, True, 55, True),
    Band("56岁及以上", 56, True, None, True),
)
FALLBACK_EDUCATION_GROUPS = (
    Group("大学以上", ("研究生", "大学本科", "大学专科")),
    Group("高中及中专", ("高中", "中专")),
    Group("初中及以下", ("初中及以下",)),
)


def _band(row) -> Band:
    return Band(row.label, row.lower, row.lower_inclusive, row.upper, row.upper_inclusive)


def _group(row) -> Group:
    return Group(row.label, tuple(row.levels))


def age_bands_of(band_set: AgeBandSet | int) -> tuple[Band, ...]:
    """The bands of a set (or of the set with that id), in order: one query."""
    return tuple(_band(row) for row in AgeBand.objects.filter(set=band_set).order_by("position", "pk"))


def education_groups_of(group_set: EducationGroupSet | int) -> tuple[Group, ...]:
    return tuple(_group(row) for row in EducationGroup.objects.filter(set=group_set).order_by("position", "pk"))


def _nearest_default(model, unit: OrgUnit | None):
    """The rows of the default set nearest the unit (its own, then its ancestors', then the
    national one), in one query."""
    owners = Q(set__owner__isnull=True)
    if unit is not None:
        owners |= Q(set__owner__path__in=[*unit.ancestor_paths(), unit.path])
    rows = model.objects.filter(owners, set__is_default=True).order_by(
        F("set__owner__depth").desc(nulls_last=True), "position", "pk"
    )
    found = []
    for row in rows:
        if found and row.set_id != found[0].set_id:
            break
        found.append(row)
    return found


def default_age_bands(unit: OrgUnit | None = None) -> tuple[Band, ...]:
    return tuple(_band(row) for row in _nearest_default(AgeBand, unit)) or FALLBACK_AGE_BANDS


def default_education_groups(unit: OrgUnit | None = None) -> tuple[Group, ...]:
    return tuple(_group(row) for row in _nearest_default(EducationGroup, unit)) or FALLBACK_EDUCATION_GROUPS


@dataclass
class RosterStats:
    appointments: int = 0
    people: int = 0
    by_post: Counter = field(default_factory=Counter)
    by_sex: Counter = field(default_factory=Counter)
    by_age_band: Counter = field(default_factory=Counter)  # in the bands' order, bands with nobody left out
    by_education: Counter = field(default_factory=Counter)
    by_education_group: Counter = field(default_factory=Counter)  # in the groups' order, then 未填
    by_political_status: Counter = field(default_factory=Counter)
    by_mode: Counter = field(default_factory=Counter)
    new_officers: int = 0
    chairs: int = 0  # posts that count as chair, at every level
    new_chairs: int = 0
    chairs_by_age_band: Counter = field(default_factory=Counter)
    chairs_by_education_group: Counter = field(default_factory=Counter)
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


def _has_role(code: str):
    return Exists(
        Appointment.concurrent_roles.through.objects.filter(appointment=OuterRef("pk"), concurrentrole__code=code)
    )


def new_since(on: datetime.date):
    """新任 counts from the start of the unit's term covering the day (elected on or before it, not
    closed by then), or from 1 January of the day's year where the unit has no such term."""
    covering = (
        Term.objects.filter(unit=OuterRef("unit"), elected_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .order_by("-elected_on")
        .values("elected_on")[:1]
    )
    return Coalesce(Subquery(covering), Value(datetime.date(on.year, 1, 1)))


def is_new() -> Q:
    """Began on or after the threshold (alias `new_since`), and held the same post at the same unit
    by no earlier appointment that began before it: a re-appointment is not 新任."""
    earlier = Appointment.objects.filter(
        person=OuterRef("person"), post=OuterRef("post"), unit=OuterRef("unit"), start_on__lt=OuterRef("new_since")
    )
    return Q(start_on__gte=F("new_since")) & ~Q(Exists(earlier))


def _profile_counts(prefix: str, among: Q, on, age_bands, education_groups) -> dict:
    counts = {f"{prefix}band{i}": Count("pk", filter=among & band.born(on)) for i, band in enumerate(age_bands)}
    for i, group in enumerate(education_groups):
        counts[f"{prefix}group{i}"] = Count("pk", filter=among & group.holds())
    counts[f"{prefix}unfilled"] = Count("pk", filter=among & Q(person__education=""))
    return counts


def _profile(summary: dict, prefix: str, age_bands, education_groups) -> tuple[Counter, Counter]:
    bands = Counter({b.label: summary[f"{prefix}band{i}"] for i, b in enumerate(age_bands)})
    groups = Counter({g.label: summary[f"{prefix}group{i}"] for i, g in enumerate(education_groups)})
    groups[UNFILLED] += summary[f"{prefix}unfilled"]
    return +bands, +groups  # unary plus drops the zeros and keeps the order


def _summary(active, on, age_bands, education_groups) -> dict:
    """One aggregate: every band and group (each its own conditional count, so overlapping bands
    both count), the distinct people, the chairs' profile and the village chairs' rates."""
    chair, village_chair = (
        Q(post__counts_as_chair=True),
        Q(post__counts_as_chair=True, unit__kind__code__in=VILLAGE_KINDS),
    )
    in_committee = Q(_has_role(COMMITTEE_ROLES[0])) | Q(_has_role(COMMITTEE_ROLES[1]))
    three_in_one = Q(_has_role(THREE_IN_ONE_ROLES[0])) & Q(_has_role(THREE_IN_ONE_ROLES[1]))
    everyone = Q(pk__isnull=False)
    return active.aggregate(
        **_profile_counts("all_", everyone, on, age_bands, education_groups),
        **_profile_counts("chair_", chair, on, age_bands, education_groups),
        people=Count("person", distinct=True),
        chairs=Count("pk", filter=chair),
        village_chairs=Count("pk", filter=village_chair),
        in_committee=Count("pk", filter=village_chair & in_committee),
        three_in_one=Count("pk", filter=village_chair & three_in_one),
    )


def _new_officers(active, on) -> dict:
    """新任 and the new chairs, in a query of their own: as a filter the test runs once per
    appointment; as a subquery inside the summary's counts it ran once per count (twice)."""
    return (
        active.annotate(new_since=new_since(on))
        .filter(is_new())
        .aggregate(new=Count("pk"), new_chairs=Count("pk", filter=Q(post__counts_as_chair=True)))
    )


def _count_rows(stats: RosterStats, active) -> None:
    rows = (
        active.values("post__name", "person__sex", "person__education", "person__political_status", "mode")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        n = row["n"]
        stats.appointments += n
        stats.by_post[row["post__name"]] += n
        stats.by_sex[row["person__sex"]] += n
        stats.by_education[row["person__education"] or UNFILLED] += n
        stats.by_political_status[row["person__political_status"] or UNFILLED] += n
        stats.by_mode[row["mode"]] += n


def roster_stats(unit, on: datetime.date, *, age_bands=None, education_groups=None, tree=None) -> RosterStats:
    """Counts of appointments (人次) in the subtree as it stood on the day (`tree`, the TreeOn of
    that day, when the caller has it). Bands and groups default to the nearest default sets
    (rosters.profile_models)."""
    age_bands = default_age_bands(unit) if age_bands is None else age_bands
    education_groups = default_education_groups(unit) if education_groups is None else education_groups
    active = Appointment.objects.in_subtree(unit, tree=tree or TreeOn.of(on)).active_on(on)
    stats = RosterStats()
    _count_rows(stats, active)
    summary = _summary(active, on, age_bands, education_groups) | _new_officers(active, on)
    stats.by_age_band, stats.by_education_group = _profile(summary, "all_", age_bands, education_groups)
    stats.chairs_by_age_band, stats.chairs_by_education_group = _profile(summary, "chair_", age_bands, education_groups)
    stats.new_officers, stats.chairs, stats.new_chairs = summary["new"], summary["chairs"], summary["new_chairs"]
    stats.village_chairs = summary["village_chairs"]
    stats.village_chairs_in_committees = summary["in_committee"]
    stats.village_chairs_three_in_one = summary["three_in_one"]
    stats.people = summary["people"]
    return stats
