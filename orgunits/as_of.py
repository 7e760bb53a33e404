"""The tree as it stood on a day, before later division changes (区划调整).

A unit keeps its row through a change; what it had before (code, name, kind, place in the tree) is a
UnitPastState valid from `valid_from` (or always) until the day before `valid_until`. The queryset
here joins each unit to the state it had on the day, if any, and reads `then_path`, `then_depth`,
`then_code`, `then_name` and `then_kind_id` from it, falling back to the current values. When no
change happened after the day (the usual case), nothing is joined at all.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import Coalesce, Substr

from orgunits.models import OrgFormChange, OrgUnit, UnitPastState
from orgunits.org_forms import form_relations, form_then

THEN_FIELDS = {"path": "path", "depth": "depth", "code": "code", "name": "name", "kind_id": "kind"}


@dataclass(frozen=True)
class PlaceThen:
    """Where a unit stood on a day, and what it was called."""

    path: str
    depth: int
    code: str
    name: str
    kind_id: int


def _flags_on(*days: datetime.date) -> list[dict[str, bool]]:
    """For each day: whether a division change or an organisation form change came after it, and
    whether a form change was recorded on or before it. One statement of EXISTS tests for all the
    days, written out because the ORM spent more building it than the database answering it, and
    every figure of a subtree asks it first."""
    tests = []
    for _day in days:
        tests += [
            f"EXISTS(SELECT 1 FROM {UnitPastState._meta.db_table} WHERE valid_until > %s)",
            f"EXISTS(SELECT 1 FROM {OrgFormChange._meta.db_table} WHERE changed_on > %s)",
            f"EXISTS(SELECT 1 FROM {OrgFormChange._meta.db_table} WHERE changed_on <= %s)",
        ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(tests)}", [day for day in days for _ in range(3)])
        row = cursor.fetchone()
    names = ("changed", "forms_changed", "forms_recorded")
    flags = [bool(flag) for flag in row]  # SQLite answers 0 and 1
    return [dict(zip(names, flags[n * 3 : n * 3 + 3], strict=True)) for n in range(len(days))]


def _state_on(day: datetime.date, prefix: str = "") -> Q:
    """The past state that was valid on `day`: at most one per unit, since they do not overlap."""
    return Q(**{f"{prefix}valid_until__gt": day}) & (
        Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})
    )


@dataclass(frozen=True)
class TreeOn:
    """The tree on `day`. `changed` says whether it differs from today's; when not, every method
    answers with today's tree and no join."""

    day: datetime.date
    changed: bool
    # Whether an organisation changed its form after the day (会改联): then_form needs a subquery.
    forms_changed: bool = True
    # Whether any form change was recorded on or before the day: 改建率 then counts them.
    forms_recorded: bool = True
    # path -> ids of the units whose state then lies below it: asked once per subtree.
    _moved: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, day: datetime.date) -> "TreeOn":
        """The tree on `day`, its flags read in one query."""
        return cls(day, **_flags_on(day)[0])

    @classmethod
    def both(cls, day: datetime.date, other_day: datetime.date) -> tuple["TreeOn", "TreeOn"]:
        """The trees on two days (a span's end and 上年同期's), in one query."""
        flags, other_flags = _flags_on(day, other_day)
        return cls(day, **flags), cls(other_day, **other_flags)

    @classmethod
    def around(cls, unit: OrgUnit, day: datetime.date) -> tuple["TreeOn", PlaceThen]:
        """The tree on `day` and the unit's place in it: one query, two after a later division change."""
        tree = cls.of(day)
        return tree, tree.place(unit)

    def annotate(self, queryset):
        """The queryset with then_path, then_depth, then_code, then_name and then_kind_id, and then_form
        (the organisation's form then; None where it is the kind's default)."""
        if self.forms_changed:
            queryset = queryset.annotate(**form_relations(self.day))
        queryset = queryset.annotate(then_form=form_then(self.day, changed=self.forms_changed))
        if not self.changed:
            return queryset.annotate(**{f"then_{name}": F(name) for name in THEN_FIELDS})
        condition = _state_on(self.day, "past_states__")
        queryset = queryset.annotate(state_then=FilteredRelation("past_states", condition=condition))
        return queryset.annotate(
            **{f"then_{name}": Coalesce(f"state_then__{field}", F(name)) for name, field in THEN_FIELDS.items()}
        )

    def place(self, unit: OrgUnit) -> PlaceThen:
        states = UnitPastState.objects.filter(_state_on(self.day), unit=unit).order_by()
        state = states.first() if self.changed else None
        source = state or unit
        return PlaceThen(source.path, source.depth, source.code, source.name, source.kind_id)

    def subtree(self, unit: OrgUnit, place: PlaceThen | None = None, *, include_self: bool = True):
        """The units in `unit`'s subtree as it stood then (open or not), with the then_* fields: those
        below it now that have not moved since, and those whose state then lies below it."""
        if not self.changed:
            return self.annotate(OrgUnit.objects.subtree(unit, include_self=include_self))
        place = place or self.place(unit)
        within = OrgUnit.subtree_q(place.path, include_self=include_self)
        # The ids as a list, not a subquery: with literal ids PostgreSQL ORs two index scans (path
        # and pk); with a subquery it would filter every unit of the country.
        moved_since = self._moved_below(place.path)
        first, last = OrgUnit.subtree_range(place.path)
        units = (
            OrgUnit.objects.filter(within | Q(pk__in=moved_since)) if moved_since else OrgUnit.objects.filter(within)
        )
        units = self.annotate(units).filter(then_path__range=(first, last))
        return units if include_self else units.exclude(then_path=place.path)

    def _moved_below(self, path: str) -> list[int]:
        if path not in self._moved:
            states = UnitPastState.objects.filter(_state_on(self.day), OrgUnit.subtree_q(path)).order_by()
            self._moved[path] = list(states.values_list("unit_id", flat=True))
        return self._moved[path]

    def children(self, unit: OrgUnit, place: PlaceThen | None = None):
        """The units directly below `unit` then, as they were (open or not)."""
        place = place or self.place(unit)
        return self.subtree(unit, place, include_self=False).filter(then_depth=place.depth + 1)

    @staticmethod
    def branch(place: PlaceThen):
        """For the units of subtree(): the then-path of the child branch each lies in (the unit's own
        then-path for itself)."""
        return Substr("then_path", 1, (place.depth + 1) * OrgUnit.steplen)


def subtree_on(unit: OrgUnit, day: datetime.date, *, include_self: bool = True, tree: TreeOn | None = None):
    """`unit`'s subtree as it stood on `day` (open or not), with the then_* fields: what figures and
    rosters dated that day are summed over. Today's subtree when nothing changed since."""
    return (tree or TreeOn.of(day)).subtree(unit, include_self=include_self)
