"""Which old division is which new one: the matching behind the change plan (division_plan).

A code in both editions is the same unit. Only the codes that disappear are matched against the
codes that appear, level by level from the top, each within its parent's match: counties within
the city, townships within the county, villages within the township or, failing that, the county.
Names are compared without their level suffixes (division_names). A match must be the only
candidate of the only claimant; anything else is ambiguous, listed and never guessed.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from orgunits.division_names import level_of, stripped_name
from orgunits.loader import Division

LEVELS = ("province", "city", "county", "township", "village")
SAME, MERGED = "同一单位", "并入"
# For a hand-added unit (an agency, an enterprise) whose division goes: put it under another unit, or close it.
MOVE_TO, CLOSE = "移至", "撤销"


@dataclass(frozen=True)
class MappingEntry:
    """One row of a mapping file: the old code is the same unit as, or merged into, the new code."""

    row: int
    old_code: str
    new_code: str
    relation: str


@dataclass
class Matching:
    """What is known so far: old code → new code of the same unit, merges, and the ambiguous."""

    old: dict[str, Division]
    new: dict[str, Division]
    same: dict[str, str] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    merged: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def match(self, old_code: str, new_code: str, note: str = "") -> None:
        self.same[old_code] = new_code
        self.taken.add(new_code)
        self.ambiguous.pop(old_code, None)
        if note:
            self.notes[old_code] = note

    def merge(self, old_code: str, new_code: str, note: str = "") -> None:
        self.merged[old_code] = new_code
        self.ambiguous.pop(old_code, None)
        if note:
            self.notes[old_code] = note

    def settled(self, old_code: str) -> bool:
        return old_code in self.same or old_code in self.merged

    def grandparent(self, division: Division, side: dict[str, Division]) -> str | None:
        parent = side.get(division.parent_code or "")
        return parent.parent_code if parent else None


def match_divisions(old: list[Division], new: list[Division], mapping: list[MappingEntry] = ()) -> Matching:
    """Match the old divisions to the new: same codes, then the mapping, then by name top-down."""
    matching = Matching({d.code: d for d in old}, {d.code: d for d in new})
    for code in matching.old:
        if code in matching.new:
            matching.match(code, code)
    for entry in mapping:
        if entry.relation == SAME:
            matching.match(entry.old_code, entry.new_code, "按对应表")
        else:
            matching.merge(entry.old_code, entry.new_code, "按对应表")
    by_level = _by_level(old), _by_level(new)
    for level in LEVELS:
        _match_level(matching, by_level[0][level], by_level[1][level], level)
    _townships_by_children(matching, by_level[0]["township"], by_level[0]["village"])
    _match_level(matching, by_level[0]["village"], by_level[1]["village"], "village")
    return matching


def _by_level(divisions: list[Division]) -> dict[str, list[Division]]:
    levels = defaultdict(list)
    for division in divisions:
        levels[level_of(division.kind)].append(division)
    return levels


def _match_level(matching: Matching, old: list[Division], new: list[Division], level: str) -> None:
    """Match the removed of one level to the appeared, each key's lone candidate to its lone claimant."""
    appeared = [d for d in new if d.code not in matching.taken]
    by_parent, by_grandparent = _name_index(matching, appeared, level)
    claims: dict[str, tuple[str, ...]] = {}
    claimants: dict[str, int] = defaultdict(int)
    for division in old:
        if matching.settled(division.code):
            continue
        candidates = _candidates(matching, division, level, by_parent, by_grandparent)
        if candidates:
            claims[division.code] = candidates
            for code in candidates:
                claimants[code] += 1
    for old_code, candidates in claims.items():
        if len(candidates) == 1 and claimants[candidates[0]] == 1:
            matching.match(old_code, candidates[0])
        else:
            matching.ambiguous[old_code] = candidates


def _name_index(matching: Matching, appeared: list[Division], level: str):
    """(parent code, stripped name) → appeared codes; for villages also by (county code, name)."""
    by_parent, by_grandparent = defaultdict(list), defaultdict(list)
    for division in appeared:
        name = stripped_name(division.name, level)
        by_parent[division.parent_code, name].append(division.code)
        if level == "village":
            by_grandparent[matching.grandparent(division, matching.new), name].append(division.code)
    return by_parent, by_grandparent


def _candidates(matching: Matching, division: Division, level: str, by_parent, by_grandparent) -> tuple[str, ...]:
    name = stripped_name(division.name, level)
    scope = matching.same.get(division.parent_code or "") if division.parent_code else None
    if division.parent_code is None or scope is not None:
        candidates = by_parent.get((scope, name), [])
        if candidates or level != "village":
            return tuple(candidates)
    county = matching.same.get(matching.grandparent(division, matching.old) or "")
    return tuple(by_grandparent.get((county, name), [])) if county else ()


def _townships_by_children(matching: Matching, townships: list[Division], villages: list[Division]) -> None:
    """A township whose matched villages all went to one new township is that township, or merged into it."""
    children = defaultdict(list)
    for village in villages:
        children[village.parent_code].append(village.code)
    targets: dict[str, str] = {}
    for township in townships:
        if matching.settled(township.code):
            continue
        went = {
            matching.new[matching.same[code]].parent_code for code in children[township.code] if code in matching.same
        }
        if len(went) == 1:
            targets[township.code] = went.pop()
    claimants = defaultdict(list)
    for old_code, target in targets.items():
        claimants[target].append(old_code)
    for target, old_codes in claimants.items():
        _settle_by_children(matching, target, old_codes)


def _settle_by_children(matching: Matching, target: str, old_codes: list[str]) -> None:
    note = "下级村（社区）全部转入该乡镇"
    if target in matching.taken:
        for old_code in old_codes:
            matching.merge(old_code, target, note)
    elif len(old_codes) == 1:
        matching.match(old_codes[0], target, note)
    else:
        for old_code in old_codes:
            matching.ambiguous[old_code] = (target,)
