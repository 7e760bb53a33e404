"""Who the officers of a subtree are on a date: counts by post, sex, age band, education (level and
group), political status and mode; the new officers (新任); the chairs' profile; and the 进两委 and
三位一体 rates: counted by rosters.roster_tally, from maintained rollups where they serve
(rosters.roster_rollups).

Age bands and education groups are data (rosters.profile_models); here they are plain values,
`Band` and `Group`, so that callers and tests may pass their own.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q

from orgunits.as_of import TreeOn
from orgunits.dates import shift_years
from orgunits.models import OrgUnit
from rosters import roster_rollups, roster_tally
from rosters.models import AgeBand, AgeBandSet, Appointment, EducationGroup, EducationGroupSet
from rosters.roster_tally import Partial

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


def _profile(bands: Counter, education: Counter, age_bands, education_groups) -> tuple[Counter, Counter]:
    """Bands in their order and education groups in theirs, then 未填; groups with nobody left out."""
    by_band = Counter({band.label: bands[str(i)] for i, band in enumerate(age_bands)})
    by_group = Counter({g.label: sum(education[level] for level in set(g.levels)) for g in education_groups})
    by_group[UNFILLED] += education[""]
    return +by_band, +by_group  # unary plus drops the zeros and keeps the order


def _stats(partial: Partial, age_bands, education_groups) -> RosterStats:
    stats = RosterStats(
        appointments=partial.appointments,
        people=partial.people,
        by_post=+partial.by_post,
        by_sex=+partial.by_sex,
        by_education=Counter({level or UNFILLED: n for level, n in partial.by_education.items() if n}),
        by_political_status=Counter({s or UNFILLED: n for s, n in partial.by_political_status.items() if n}),
        by_mode=+partial.by_mode,
        new_officers=partial.new_officers,
        chairs=partial.chairs,
        new_chairs=partial.new_chairs,
        village_chairs=partial.village_chairs,
        village_chairs_in_committees=partial.in_committee,
        village_chairs_three_in_one=partial.three_in_one,
    )
    stats.by_age_band, stats.by_education_group = _profile(
        partial.bands, partial.by_education, age_bands, education_groups
    )
    stats.chairs_by_age_band, stats.chairs_by_education_group = _profile(
        partial.chair_bands, partial.chair_education, age_bands, education_groups
    )
    return stats


def roster_stats(
    unit, on: datetime.date, *, age_bands=None, education_groups=None, tree=None, use_rollups: bool = True
) -> RosterStats:
    """Counts of appointments (人次) in the subtree as it stood on the day (`tree`, the TreeOn of
    that day, when the caller has it). Bands and groups default to the nearest default sets
    (rosters.profile_models).

    A subtree at or above the township level, as it stands, is added up from the maintained rollups
    (rosters.roster_rollups); a village, or a subtree on a day before a division change, is counted
    directly in three queries. use_rollups=False counts directly whatever the unit (the rollups'
    tests compare the two)."""
    age_bands = default_age_bands(unit) if age_bands is None else age_bands
    education_groups = default_education_groups(unit) if education_groups is None else education_groups
    tree = tree or TreeOn.of(on)
    if use_rollups and not tree.changed and roster_rollups.covers(unit):
        partial = roster_rollups.subtree_partial(unit, on, age_bands)
    else:
        active = Appointment.objects.in_subtree(unit, tree=tree).active_on(on)
        partial = roster_tally.whole(active, tree.subtree(unit).values("pk"), on, age_bands)
    return _stats(partial, age_bands, education_groups)
