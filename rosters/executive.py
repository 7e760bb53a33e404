"""执委配备: the executive committee members (执委) in post in a subtree on a date, against the norm.

The norm of an organisation is the 执委 seats of its kind (PostSeats: by default 15 in a village or
community, 25 in a township or street). Counted over the organisations established that day in the
subtree as it stood then (orgunits.as_of), in one grouped query: per child area like the coverage
table (stats.coverage), with 本级 and the host units directly under the unit as rows of their own.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from orgunits.as_of import TreeOn, subtree_on
from orgunits.models import OrgUnit, UnitKind
from rosters.models import Appointment, PostSeats
from rosters.roster_tally import VILLAGE_KINDS
from rosters.selectors import seats_of_then_kind

EXECUTIVE_POST = "执委"
OWN_LEVEL_LABEL = "本级"
HOSTS_LABEL = "直属单位"


def rate(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * 100 / whole if whole else None


@dataclass(frozen=True)
class Staffing:
    """执委 in post, the seats of the norm, the organisations counted and those at or above it."""

    in_post: int = 0
    norm: int = 0
    organisations: int = 0
    at_norm: int = 0

    def __add__(self, other: "Staffing") -> "Staffing":
        return Staffing(
            self.in_post + other.in_post,
            self.norm + other.norm,
            self.organisations + other.organisations,
            self.at_norm + other.at_norm,
        )

    @property
    def rate(self) -> Decimal | None:
        """执委配备率: in post ÷ the norm."""
        return rate(self.in_post, self.norm)

    @property
    def at_norm_rate(self) -> Decimal | None:
        return rate(self.at_norm, self.organisations)


@dataclass
class StaffingRow:
    label: str  # the unit's name on the date
    unit: OrgUnit | None  # None for the host units directly under the unit
    by_kind: dict[int, Staffing] = field(default_factory=dict)

    @property
    def total(self) -> Staffing:
        return sum(self.by_kind.values(), Staffing())


@dataclass
class ExecutiveStaffing:
    unit: OrgUnit
    on: datetime.date
    seats: dict[int, int]  # kind pk -> 执委 seats of an organisation of that kind
    kind_codes: dict[int, str]
    rows: list[StaffingRow]
    summary: StaffingRow

    def of_kinds(self, codes=VILLAGE_KINDS) -> Staffing:
        """The total over the organisations of the kinds with these codes (村和社区 by default)."""
        return sum((s for pk, s in self.summary.by_kind.items() if self.kind_codes[pk] in codes), Staffing())

    def seats_of(self, code: str) -> int:
        return next((n for pk, n in self.seats.items() if self.kind_codes[pk] == code), 0)


def executive_seats() -> dict[int, int]:
    """{kind pk: 执委 seats}: one query."""
    return dict(PostSeats.objects.filter(post__name=EXECUTIVE_POST).order_by().values_list("kind_id", "seats"))


def executives_held(on: datetime.date):
    """How many hold 执委 in the outer unit that day (0 for nobody)."""
    held = (
        Appointment.objects.active_on(on)
        .filter(unit=OuterRef("pk"), post__name=EXECUTIVE_POST)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(held), Value(0))


def staffed_organisations(units, on: datetime.date, seats: dict[int, int]):
    """The units (with then_kind_id) whose organisation exists that day and whose kind has 执委 seats,
    with `executives` (in post) and `executive_norm`."""
    return (
        units.open_on(on)
        .org_established_on(on)
        .filter(then_kind_id__in=list(seats))
        .annotate(executives=executives_held(on), executive_norm=seats_of_then_kind(seats))
    )


def _by_branch(unit, place, tree: TreeOn, seats: dict[int, int]) -> dict[str, dict[int, Staffing]]:
    met = Case(When(executives__gte=F("executive_norm"), then=1), default=0, output_field=IntegerField())
    rows = (
        staffed_organisations(tree.subtree(unit, place), tree.day, seats)
        .alias(met=met)
        .annotate(branch=tree.branch(place))
        .values("branch", "then_kind_id")
        .annotate(held=Sum("executives"), norm=Sum("executive_norm"), organisations=Count("pk"), at_norm=Sum("met"))
        .order_by()
    )
    found: dict[str, dict[int, Staffing]] = {}
    for row in rows:
        staffing = Staffing(row["held"] or 0, row["norm"] or 0, row["organisations"], row["at_norm"] or 0)
        found.setdefault(row["branch"], {})[row["then_kind_id"]] = staffing
    return found


def _merge(left: dict[int, Staffing], right: dict[int, Staffing]) -> dict[int, Staffing]:
    merged = dict(left)
    for kind_id, staffing in right.items():
        merged[kind_id] = merged.get(kind_id, Staffing()) + staffing
    return merged


def branch_rows(unit: OrgUnit, place, tree: TreeOn, found: dict, merge, areas=None) -> list[tuple]:
    """(label, unit, value) for 本级, each child area then (named as then) and the host units directly
    under the unit together (merged), from `found` {branch path: value}; branches without a value are
    left out. One query, the children, and one more unless given the area kinds' pks."""
    if areas is None and found:
        areas = set(UnitKind.objects.filter(is_area=True).values_list("pk", flat=True))
    rows = [(OWN_LEVEL_LABEL, unit, found[place.path])] if place.path in found else []
    hosts = None
    children = tree.children(unit, place).open_on(tree.day).order_by("then_path") if found else []
    for child in children:
        value = found.get(child.then_path)
        if value is None:
            continue
        if child.then_kind_id in areas:
            rows.append((child.then_name, child, value))
        else:
            hosts = value if hosts is None else merge(hosts, value)
    return rows + ([(HOSTS_LABEL, None, hosts)] if hosts is not None else [])


def executive_staffing(unit: OrgUnit, on: datetime.date, *, tree: TreeOn | None = None) -> ExecutiveStaffing:
    """执委配备 of the unit's subtree as it stood on the day: five queries (one more when the tree
    changed since), whatever its size."""
    tree, place = TreeOn.around(unit, on) if tree is None else (tree, tree.place(unit))
    seats = executive_seats()
    kind_rows = list(UnitKind.objects.values_list("pk", "code", "is_area"))
    kinds, areas = {pk: code for pk, code, _a in kind_rows}, {pk for pk, _c, is_area in kind_rows if is_area}
    found = _by_branch(unit, place, tree, seats) if seats else {}
    rows = [StaffingRow(*row) for row in branch_rows(unit, place, tree, found, _merge, areas)]
    summary = StaffingRow("合计", unit)
    for row in rows:
        summary.by_kind = _merge(summary.by_kind, row.by_kind)
    return ExecutiveStaffing(unit, on, seats, kinds, rows, summary)


def executives_below_norm(unit: OrgUnit, on: datetime.date, *, tree: TreeOn | None = None):
    """执委未达标: organisations established that day whose 执委 in post are fewer than the seats of
    their kind (annotated `executives` and `executive_norm`)."""
    return below_norm_among(subtree_on(unit, on, tree=tree), on)


def below_norm_among(units, on: datetime.date):
    """Of the units (annotated by TreeOn), the organisations below the norm that day."""
    units = staffed_organisations(units, on, executive_seats())
    return units.filter(executives__lt=F("executive_norm")).select_related("kind").order_by("then_path")
