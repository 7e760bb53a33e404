"""The change plan between the units open on a date and a new edition of the division codes.

Pure computation on two lists of Division (orgunits.loader): which unit was added, removed,
renamed, recoded, moved, re-typed or merged (division_matching says which old unit is which new
one), which removed units have more than one possible successor, and which hand-added units (an
agency, an enterprise) sit under a division that goes away. Nothing is written: the plan is for a
clerk to check, correct through a mapping file and, in a later step, apply.
"""

from collections import Counter
from dataclasses import dataclass

from imports.errors import format_row_error
from orgunits import errors
from orgunits.division_matching import MERGED, SAME, MappingEntry, Matching, match_divisions
from orgunits.division_names import level_of, stripped_name
from orgunits.loader import Division

ADDED, REMOVED, RENAMED, RECODED = "新增", "撤销", "更名", "改代码"
MOVED, RETYPED, MERGED_INTO, UNDECIDED, HAND_ADDED = "隶属变更", "类型变更", "并入", "待定", "需处理"
# In the order the summary and the 变更类型 column give them.
CHANGE_TYPES = (ADDED, REMOVED, MERGED_INTO, RETYPED, RENAMED, RECODED, MOVED, UNDECIDED)
COLUMNS = {"old_code": "原代码", "new_code": "新代码", "relation": "关系"}


class DivisionPlanError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class DivisionChange:
    kind: str  # one change type, or several joined by "+": 类型变更+改代码
    old_code: str = ""
    new_code: str = ""
    old_name: str = ""
    new_name: str = ""
    old_parent: str = ""
    new_parent: str = ""
    old_kind: str = ""
    new_kind: str = ""
    successor: str = ""
    note: str = ""

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.kind.split("+"))

    @property
    def relation(self) -> str:
        """The mapping file's 关系: the same unit under a new code or name, merged into another, or nothing."""
        if self.successor:
            return MERGED
        return SAME if self.old_code and self.new_code else ""


@dataclass(frozen=True)
class Ambiguity:
    old_code: str
    old_name: str
    candidates: tuple[tuple[str, str], ...]  # (code, name) of each possible new unit


@dataclass(frozen=True)
class DivisionPlan:
    changes: tuple[DivisionChange, ...]
    ambiguous: tuple[Ambiguity, ...]
    hand_added: tuple[DivisionChange, ...]  # units of a kind not an area kind, under a division that goes

    def counts(self) -> Counter:
        """Changes per change type; a unit renamed and recoded counts for both."""
        return Counter(kind for change in self.changes for kind in change.types)


def plan_changes(
    old: list[Division],
    new: list[Division],
    *,
    mapping: list[MappingEntry] | None = None,
    hand_added: list[Division] = (),
) -> DivisionPlan:
    """The plan from `old` (the area units open on a date) to `new` (an edition); `mapping` decides first."""
    # Rows that decide a hand-added unit's fate (移至, 撤销) are the apply's business.
    mapping = [entry for entry in mapping or [] if entry.relation in (SAME, MERGED)]
    check_mapping(mapping, old, new)
    matching = match_divisions(old, new, mapping)
    _check_merges(matching, mapping)
    changes = [_old_change(matching, division) for division in old]
    changes += [_added(matching, d) for d in new if d.code not in matching.taken]
    changes = sorted((change for change in changes if change), key=lambda c: c.old_code or c.new_code)
    return DivisionPlan(tuple(changes), _ambiguities(matching), _hand_added(matching, hand_added))


def _old_change(matching: Matching, old: Division) -> DivisionChange | None:
    if old.code in matching.same:
        return _same_unit(matching, old, matching.new[matching.same[old.code]])
    note = matching.notes.get(old.code, "")
    base = {"old_code": old.code, "old_name": old.name, "old_parent": old.parent_code or "", "old_kind": old.kind}
    if old.code in matching.merged:
        successor = matching.new[matching.merged[old.code]]
        return DivisionChange(MERGED_INTO, new_code=successor.code, successor=successor.code, note=note, **base)
    if old.code in matching.ambiguous:
        candidates = _candidates(matching, old.code)
        names = "、".join(f"{name}（{code}）" for code, name in candidates)
        message = errors.PLAN_AMBIGUOUS if len(candidates) > 1 else errors.PLAN_CONTESTED
        return DivisionChange(UNDECIDED, note=message.format(candidates=names), **base)
    return DivisionChange(REMOVED, note=note, **base)


def _same_unit(matching: Matching, old: Division, new: Division) -> DivisionChange | None:
    types = []
    if old.kind != new.kind:
        types.append(RETYPED)
    level = level_of(new.kind)
    # 方石村 → 方石社区 is said by 类型变更; 南牛乡 → 南牛镇 (乡镇 both) is a rename.
    if old.name != new.name and not (types and stripped_name(old.name, level) == stripped_name(new.name, level)):
        types.append(RENAMED)
    if old.code != new.code:
        types.append(RECODED)
    if matching.same.get(old.parent_code or "", old.parent_code) != new.parent_code:
        types.append(MOVED)
    if not types:
        return None
    return DivisionChange(
        "+".join(types),
        old.code,
        new.code,
        old.name,
        new.name,
        old.parent_code or "",
        new.parent_code or "",
        old.kind,
        new.kind,
        note=matching.notes.get(old.code, ""),
    )


def _added(matching: Matching, new: Division) -> DivisionChange:
    return DivisionChange(
        ADDED, new_code=new.code, new_name=new.name, new_parent=new.parent_code or "", new_kind=new.kind
    )


def _candidates(matching: Matching, old_code: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, matching.new[code].name) for code in matching.ambiguous[old_code])


def _ambiguities(matching: Matching) -> tuple[Ambiguity, ...]:
    return tuple(
        Ambiguity(code, matching.old[code].name, _candidates(matching, code)) for code in sorted(matching.ambiguous)
    )


def _hand_added(matching: Matching, units: list[Division]) -> tuple[DivisionChange, ...]:
    """The hand-added units whose nearest area unit goes away (removed, merged or undecided)."""
    by_code = {unit.code: unit for unit in units}
    found = []
    for unit in units:
        area = _nearest_area(unit, by_code)
        if area in matching.old and area not in matching.same:
            division = matching.old[area]
            note = errors.PLAN_HAND_ADDED.format(name=division.name, code=division.code)
            found.append(
                DivisionChange(
                    HAND_ADDED, unit.code, "", unit.name, "", unit.parent_code or "", "", unit.kind, note=note
                )
            )
    return tuple(found)


def _nearest_area(unit: Division, hand_added: dict[str, Division]) -> str:
    code = unit.parent_code or ""
    while code in hand_added:
        code = hand_added[code].parent_code or ""
    return code


# The mapping file ---------------------------------------------------------------------------


def check_mapping(mapping: list[MappingEntry], old: list[Division], new: list[Division]) -> None:
    """Every row names an old unit and a unit of the edition, once; raises DivisionPlanError listing the rows."""
    old_codes, new_codes = {d.code for d in old}, {d.code for d in new}
    problems: list[str] = []
    first_old: dict[str, int] = {}
    first_same: dict[str, MappingEntry] = {}
    for entry in mapping:
        problems += _entry_problems(entry, old_codes, new_codes, first_old, first_same)
    if problems:
        raise DivisionPlanError(problems)


def _entry_problems(entry, old_codes, new_codes, first_old, first_same) -> list[str]:
    problems = []
    if entry.old_code not in old_codes:
        problems.append(_row(entry, "old_code", errors.MAPPING_UNKNOWN_OLD))
    elif entry.old_code in first_old:
        problems.append(_row(entry, "old_code", errors.MAPPING_DUPLICATE_OLD.format(first=first_old[entry.old_code])))
    elif entry.old_code in new_codes and entry.new_code != entry.old_code:
        problems.append(_row(entry, "old_code", errors.MAPPING_STILL_THERE))
    first_old.setdefault(entry.old_code, entry.row)
    if entry.new_code not in new_codes:
        problems.append(_row(entry, "new_code", errors.MAPPING_UNKNOWN_NEW))
    elif entry.relation == SAME:
        problems += _same_problems(entry, old_codes, first_same)
    return problems


def _same_problems(entry, old_codes, first_same) -> list[str]:
    earlier = first_same.setdefault(entry.new_code, entry)
    if earlier is not entry:
        message = errors.MAPPING_NEW_TAKEN.format(first=earlier.row, code=earlier.old_code)
        return [_row(entry, "new_code", message)]
    if entry.new_code in old_codes and entry.new_code != entry.old_code:
        return [_row(entry, "new_code", errors.MAPPING_NEW_STILL_ITSELF)]
    return []


def _row(entry: MappingEntry, column: str, message: str) -> str:
    return format_row_error(entry.row, COLUMNS[column], getattr(entry, column), message)


def _check_merges(matching: Matching, mapping: list[MappingEntry]) -> None:
    """A unit merged into itself or into one of its own descendants would vanish into its own subtree."""
    problems = []
    merges = [entry for entry in mapping if entry.relation == MERGED]
    identity = {new: old for old, new in matching.same.items()} if merges else {}
    for entry in merges:
        if _within(matching, identity, entry.new_code, entry.old_code):
            target = matching.new[entry.new_code].name
            name = matching.old[entry.old_code].name
            problems.append(_row(entry, "new_code", errors.MAPPING_INTO_DESCENDANT.format(name=name, target=target)))
    if problems:
        raise DivisionPlanError(problems)


def _within(matching: Matching, identity: dict[str, str], new_code: str, old_code: str) -> bool:
    """Whether the new unit is, or lies under, the old unit, in either edition."""
    code = new_code
    while code:
        if code == old_code or _old_ancestor(matching, identity.get(code, code), old_code):
            return True
        code = matching.new[code].parent_code if code in matching.new else None
    return False


def _old_ancestor(matching: Matching, code: str, ancestor: str) -> bool:
    while code in matching.old:
        if code == ancestor:
            return True
        code = matching.old[code].parent_code or ""
    return False
