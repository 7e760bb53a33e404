"""Codes from before a division change, as importers meet them in last year's files.

A recoded unit is found by the code it had (UnitPastState); the preview says so. A unit merged into
another (并入) keeps its code, closed: data dated before the change stays on it, data dated on or
after the change goes to its successor, which the preview says too.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max

from imports.queries import chunked_in
from orgunits.division_plan import MERGED_INTO
from orgunits.models import OrgUnit, UnitChange, UnitPastState

OLD_CODE_RECODED = "代码{old}已于{on}改为{new}（{name}）"
OLD_CODE_MERGED = "代码{old}（{old_name}）已于{on}并入{new}（{name}），{day}的数据记在{name}"


@dataclass(frozen=True)
class Successor:
    unit: OrgUnit
    on: datetime.date
    old_name: str


@dataclass
class CodeLookup:
    """Units by the codes of a file: current codes, codes they had, and merges."""

    current: dict[str, OrgUnit] = field(default_factory=dict)
    recoded: dict[str, tuple[OrgUnit, datetime.date]] = field(default_factory=dict)
    merged: dict[str, Successor] = field(default_factory=dict)

    def unit_on(self, code: str, day: datetime.date | None) -> tuple[OrgUnit | None, str]:
        """The unit the code means for data dated `day` (None: undated), and a note when it is not
        the unit that has the code today."""
        unit = self.current.get(code)
        if unit is not None:
            successor = self.merged.get(code)
            if successor is None or day is None or day < successor.on:
                return unit, ""
            new = successor.unit
            note = OLD_CODE_MERGED.format(
                old=code, old_name=successor.old_name, on=successor.on, new=new.code, name=new.name, day=day
            )
            return new, note
        if code in self.recoded:
            unit, on = self.recoded[code]
            return unit, OLD_CODE_RECODED.format(old=code, on=on, new=unit.code, name=unit.name)
        return None, ""


def units_by_code(codes, queryset=None) -> CodeLookup:
    """Look the codes up in a few queries: `queryset` (default all units) for the current codes."""
    codes = {code for code in codes if code}
    lookup = CodeLookup()
    for chunk in chunked_in(queryset if queryset is not None else OrgUnit.objects.all(), "code", codes):
        lookup.current.update((unit.code, unit) for unit in chunk)
    if not UnitPastState.objects.exists():
        return lookup  # no division change was ever applied: nothing else to look for
    lookup.recoded = _recoded(codes - set(lookup.current))
    lookup.merged = _merged(set(lookup.current))
    return lookup


def former_codes(codes) -> dict[str, tuple[OrgUnit, datetime.date]]:
    """For codes no unit has today: the unit that last had each, and the day it stopped."""
    if not UnitPastState.objects.exists():
        return {}
    return _recoded({code for code in codes if code})


def _recoded(codes: set[str]) -> dict[str, tuple[OrgUnit, datetime.date]]:
    """The unit that last had each code, and the day it stopped having it."""
    latest = {}
    states = UnitPastState.objects.order_by()
    for chunk in chunked_in(states, "code", codes):
        latest.update(chunk.values("code").annotate(last=Max("valid_until")).values_list("code", "last"))
    found = {}
    for chunk in chunked_in(states.select_related("unit"), "code", latest):
        for state in chunk:
            if state.valid_until == latest[state.code]:
                found[state.code] = (state.unit, state.valid_until)
    return found


def _merged(codes: set[str]) -> dict[str, Successor]:
    changes = UnitChange.objects.filter(change_type=MERGED_INTO, successor__isnull=False)
    found = {}
    for chunk in chunked_in(changes.select_related("successor").order_by(), "old_code", codes):
        for change in chunk:
            found[change.old_code] = Successor(change.successor, change.changed_on, change.old_name)
    return found
