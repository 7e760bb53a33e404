"""The counting half of the roster statistics (rosters.profiles): the queries over a set of active
appointments, grouped either as one whole or by roster cell (rosters.roster_rollups), and the
`Partial` they fill, which adds up and becomes RosterStats.

A partial counts appointments (人次); its `people` are the distinct people of its own appointments,
and its `crossers` those of them who also hold a post that day in another cell, so that partials of
different cells can be added without counting a person twice.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, Count, Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Collate, Substr

from rosters.models import Appointment, Post, Term

VILLAGE_KINDS = ("village", "community")
COMMITTEE_ROLES = ("village_party_committee", "village_committee")
THREE_IN_ONE_ROLES = ("family_planning", "maternal_child_health")
# A roster cell is a unit above the township level on its own, or a township-level unit with all that
# lies below it: the first five steps of a path (orgunits.models.OrgUnit.steplen is 4).
CELL_PATH_LENGTH = 20
WHOLE = ""  # the one cell of an ungrouped count


def cell_of(path_field: str = "unit__path"):
    return Substr(path_field, 1, CELL_PATH_LENGTH)


@dataclass
class Partial:
    appointments: int = 0
    by_post: Counter = field(default_factory=Counter)
    by_sex: Counter = field(default_factory=Counter)
    by_education: Counter = field(default_factory=Counter)  # by level as stored ("" unfilled)
    by_political_status: Counter = field(default_factory=Counter)  # "" unfilled
    by_mode: Counter = field(default_factory=Counter)
    bands: Counter = field(default_factory=Counter)  # by the band's index, as a string (JSON keys)
    chairs: int = 0
    chair_bands: Counter = field(default_factory=Counter)
    chair_education: Counter = field(default_factory=Counter)
    village_chairs: int = 0
    in_committee: int = 0
    three_in_one: int = 0
    new_officers: int = 0
    new_chairs: int = 0
    people: int = 0
    crossers: list = field(default_factory=list)  # person pks, each once

    COUNTERS = (
        "by_post",
        "by_sex",
        "by_education",
        "by_political_status",
        "by_mode",
        "bands",
        "chair_bands",
        "chair_education",
    )
    NUMBERS = ("appointments", "chairs", "village_chairs", "in_committee", "three_in_one")
    NUMBERS += ("new_officers", "new_chairs", "people")

    def add_row(self, row: dict, band_count: int) -> None:
        n, education = row["n"], row["education"] or ""
        self.appointments += n
        self.by_post[row["post_name"]] += n
        self.by_sex[row["sex"]] += n
        self.by_education[education] += n
        self.by_political_status[row["political_status"] or ""] += n
        self.by_mode[row["appointment_mode"]] += n
        bands = Counter({str(i): row[f"band{i}"] for i in range(band_count)})
        self.bands.update(bands)
        if row["chair"]:
            self.chairs += n
            self.chair_bands.update(bands)
            self.chair_education[education] += n
        self.village_chairs += row["village_chairs"]
        self.in_committee += row["in_committee"]
        self.three_in_one += row["three_in_one"]

    def as_json(self) -> dict:
        found = {name: {k: v for k, v in getattr(self, name).items() if v} for name in self.COUNTERS}
        return found | {name: getattr(self, name) for name in self.NUMBERS} | {"crossers": self.crossers}


def combine(payloads) -> Partial:
    """The partials of different cells (as_json) as one: a person who holds posts in k of them counted
    once. Added up as plain dictionaries: made into Partials and added as Counters, 山东's 1,853 cells
    took 50 ms."""
    counters = {name: {} for name in Partial.COUNTERS}
    numbers = dict.fromkeys(Partial.NUMBERS, 0)
    crossers = []
    for payload in payloads:
        for name, counted in counters.items():
            for key, n in payload[name].items():
                counted[key] = counted.get(key, 0) + n
        for name in Partial.NUMBERS:
            numbers[name] += payload[name]
        crossers += payload["crossers"]
    total = Partial(**{name: Counter(counted) for name, counted in counters.items()}, **numbers)
    held_in = Counter(crossers)
    total.people -= sum(k - 1 for k in held_in.values())
    total.crossers = sorted(held_in)
    return total


def _has_role(code: str):
    return Exists(
        Appointment.concurrent_roles.through.objects.filter(appointment=OuterRef("pk"), concurrentrole__code=code)
    )


def _bytewise(expression):
    """Sorted and grouped byte by byte on PostgreSQL: under the database's locale (C.UTF-8 here) every
    comparison goes through the C library, and grouping a province's million appointments by these
    texts took 9 s of sorting instead of about 1 s. SQLite compares bytes already."""
    return Collate(expression, "C") if connection.vendor == "postgresql" else expression


def _grouped(active, on: datetime.date, age_bands):
    """One pass over the appointments: grouped by cell, post, sex, education, political status and mode,
    each group with its count per age band (each band its own conditional count, so overlapping bands
    both count) and its village chairs, with those in the 两委 and those 三位一体."""
    village_chair = Q(post__counts_as_chair=True, unit__kind__code__in=VILLAGE_KINDS)
    in_committee = Q(_has_role(COMMITTEE_ROLES[0])) | Q(_has_role(COMMITTEE_ROLES[1]))
    three_in_one = Q(_has_role(THREE_IN_ONE_ROLES[0])) & Q(_has_role(THREE_IN_ONE_ROLES[1]))
    texts = {
        "cell_key": "cell",
        "post_name": "post__name",
        "sex": "person__sex",
        "education": "person__education",
        "political_status": "person__political_status",
        "appointment_mode": "mode",
    }
    keys = {name: _bytewise(F(field)) for name, field in texts.items()}
    return (
        active.values(**keys, chair=F("post__counts_as_chair"))
        .annotate(
            n=Count("pk"),
            **{f"band{i}": Count("pk", filter=band.born(on)) for i, band in enumerate(age_bands)},
            village_chairs=Count("pk", filter=village_chair),
            in_committee=Count("pk", filter=village_chair & in_committee),
            three_in_one=Count("pk", filter=village_chair & three_in_one),
        )
        .order_by()
    )


def _new_officers(active, units, on: datetime.date) -> dict[str, tuple[int, int]]:
    """{cell: (新任, new chairs)}, in one query of its own.

    An appointment is new when it began on or after the threshold and the person held the same post at
    the same unit by no appointment that began before the threshold (a re-appointment is not 新任).
    The threshold is the start of the unit's term covering the day (elected on or before it, not closed
    by then), or 1 January of the day's year where the unit has no such term.

    Written in SQL because the threshold is the unit's, not the appointment's: here it is found once per
    unit (the latest covering election is the largest) and joined. As a subquery per appointment it
    took three quarters of a province's statistics (7.6 s of 10 s for 山东's 1.1 million). The earlier
    appointments are looked for only behind the recent ones (an anti-join): grouping every appointment
    of the subtree by person, post and unit to find each one's first took 4.3 s of 山东's, this 2.0 s.
    """
    quote = connection.ops.quote_name
    appointments, posts = quote(Appointment._meta.db_table), quote(Post._meta.db_table)
    columns = active.order_by().values("person_id", "post_id", "unit_id", "start_on", "cell")
    active_sql, active_params = columns.query.sql_with_params()
    covering = Term.objects.filter(unit__in=units, elected_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )
    since = covering.order_by().values("unit_id").annotate(elected_on=Max("elected_on")).values("unit_id", "elected_on")
    since_sql, since_params = since.query.sql_with_params()
    sql = f"""
        WITH active (person_id, post_id, unit_id, start_on, cell) AS ({active_sql}),
        since (unit_id, elected_on) AS ({since_sql}),
        recent (person_id, post_id, unit_id, threshold, cell) AS (
            SELECT a.person_id, a.post_id, a.unit_id, COALESCE(s.elected_on, %s), a.cell
            FROM active a LEFT JOIN since s ON s.unit_id = a.unit_id
            WHERE a.start_on >= COALESCE(s.elected_on, %s)
        )
        SELECT r.cell, COUNT(*), COALESCE(SUM(CASE WHEN p.counts_as_chair THEN 1 ELSE 0 END), 0)
        FROM recent r JOIN {posts} p ON p.id = r.post_id
        WHERE NOT EXISTS (
            SELECT 1 FROM {appointments} e
            WHERE e.unit_id = r.unit_id AND e.post_id = r.post_id AND e.person_id = r.person_id
                AND e.start_on < r.threshold
        )
        GROUP BY r.cell
    """
    year_start = datetime.date(on.year, 1, 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*active_params, *since_params, year_start, year_start])
        return {cell: (new, new_chairs) for cell, new, new_chairs in cursor.fetchall()}


def whole(active, units, on: datetime.date, age_bands) -> Partial:
    """One partial for all the appointments given (`units`: the units they may lie at): three queries."""
    active = active.annotate(cell=Value(WHOLE, output_field=CharField()))
    partial = Partial()
    for row in _grouped(active, on, age_bands):
        partial.add_row(row, len(age_bands))
    partial.people = active.aggregate(people=Count("person", distinct=True))["people"]
    partial.new_officers, partial.new_chairs = _new_officers(active, units, on).get(WHOLE, (0, 0))
    return partial


def by_cell(active, units, on: datetime.date, age_bands) -> dict[str, Partial]:
    """A partial per cell that has appointments in `active` (whose units lie in `units`): four queries."""
    active = active.annotate(cell=cell_of())
    partials: dict[str, Partial] = {}
    for row in _grouped(active, on, age_bands):
        partials.setdefault(row["cell_key"], Partial()).add_row(row, len(age_bands))
    for row in active.values("cell").annotate(people=Count("person", distinct=True)).order_by():
        partials[row["cell"]].people = row["people"]
    elsewhere = Appointment.objects.active_on(on).filter(person_id=OuterRef("person_id"))
    elsewhere = elsewhere.annotate(its_cell=cell_of()).exclude(its_cell=OuterRef("cell"))
    crossing = active.filter(Exists(elsewhere)).values_list("cell", "person_id").distinct().order_by()
    for cell, person_id in crossing:
        partials[cell].crossers.append(person_id)
    for cell, (new, new_chairs) in _new_officers(active, units, on).items():
        partials[cell].new_officers, partials[cell].new_chairs = new, new_chairs
    return partials
