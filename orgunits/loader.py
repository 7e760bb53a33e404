"""Bulk load of the national statistics division codes (provinces … villages).

The five CSVs are read and checked first; then, under a table lock, the rows are compared
with what the tree already holds, and the new rows only are written in one go by the tree's
forest writer (OrgUnit.objects.add_forest). Nothing is written when any row is wrong or
conflicts with the tree.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from imports.audit import current_source
from orgunits import errors
from orgunits.models import NATION_CODE, OrgUnit, UnitKind
from orgunits.services import unit_create

MAX_REPORTED_ERRORS = 30

# The kind comes from the code, by the NBS coding rules (统计用区划代码编制规则), never from the
# name: a third of the communities are named …居民委员会, and 开发区, 农场 and 林场 are named anything.
# The length gives the level; at the township and village levels the last three digits give the
# kind, in whole hundreds, so their first digit is enough.
KIND_BY_LENGTH = {2: "province", 4: "city", 6: "county"}
KIND_BY_TAIL = {
    # 001–099 街道, 100–199 镇, 200–399 乡, 400–599 类似乡级单位 (开发区, 农场, 林场, 监狱…).
    # 000 is only 金门县's placeholder (350527000), counted with the first range.
    9: {"0": "street", "1": "township", "2": "township", "3": "township", "4": "devzone", "5": "devzone"},
    # 001–199 居民委员会, 200–399 村民委员会, 400–599 类似居民委员会, 600–799 类似村民委员会;
    # the 类似 ones share the kind of what they are like.
    12: {
        "0": "community",
        "1": "community",
        "2": "village",
        "3": "village",
        "4": "community",
        "5": "community",
        "6": "village",
        "7": "village",
    },
}


def kind_for_code(code: str) -> str | None:
    """The unit kind an administrative division code stands for; None when the rules give none."""
    if not code.isdigit():
        return None
    if len(code) in KIND_BY_LENGTH:
        return KIND_BY_LENGTH[len(code)]
    return KIND_BY_TAIL.get(len(code), {}).get(code[-3])


@dataclass(frozen=True)
class Level:
    file: str
    code_length: int
    parent_column: str | None


LEVELS = (
    Level("provinces.csv", 2, None),
    Level("cities.csv", 4, "provinceCode"),
    Level("areas.csv", 6, "cityCode"),
    Level("streets.csv", 9, "areaCode"),
    Level("villages.csv", 12, "streetCode"),
)


class DivisionLoadError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(slots=True)
class Division:
    code: str
    name: str
    kind: str
    parent_code: str | None
    kind_id: int = 0  # set when written


@dataclass
class LoadResult:
    created: int = 0
    unchanged: int = 0
    created_by_kind: Counter = field(default_factory=Counter)


class _ErrorList(list):
    def add(self, message: str) -> None:
        self.append(message)
        if len(self) >= MAX_REPORTED_ERRORS:
            raise DivisionLoadError(list(self))


def read_divisions(directory: Path, *, under: str | None = None) -> list[Division]:
    """Read and check the five files. Returns parents before children."""
    problems = _ErrorList()
    first_seen: dict[str, tuple[str, int]] = {}
    levels: list[list[Division]] = []
    for level in LEVELS:
        path = directory / level.file
        if not path.is_file():
            raise DivisionLoadError([errors.CSV_MISSING_FILE.format(directory=directory, file=level.file)])
        rows = []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            wanted = ["code", "name"] + ([level.parent_column] if level.parent_column else [])
            missing = [column for column in wanted if column not in header]
            if missing:
                raise DivisionLoadError(
                    [
                        errors.CSV_MISSING_COLUMNS.format(
                            file=level.file, columns="、".join(missing), header=",".join(header)
                        )
                    ]
                )
            code_at, name_at = header.index("code"), header.index("name")
            parent_at = header.index(level.parent_column) if level.parent_column else None
            width, length = len(header), level.code_length
            fixed_kind, kind_by_tail = KIND_BY_LENGTH.get(length), KIND_BY_TAIL.get(length, {})
            for line, record in enumerate(reader, start=2):
                if len(record) < width:
                    if not any(cell.strip() for cell in record):
                        continue
                    record += [""] * (width - len(record))
                code, name = record[code_at].strip(), record[name_at].strip()
                parent_code = record[parent_at].strip() if parent_at is not None else None
                # The common case in one cheap test; _row_problems explains anything else.
                if (
                    name
                    and len(code) == length
                    and code.isdigit()
                    and code not in first_seen
                    and (parent_code is None or parent_code in first_seen)
                ):
                    first_seen[code] = (level.file, line)
                    kind = fixed_kind or kind_by_tail.get(code[-3])
                    if kind:
                        rows.append(Division(code, name, kind, parent_code))
                    else:
                        # Still seen, so that its children are judged on their own codes.
                        problems.add(
                            errors.CSV_CODE_OUTSIDE_RULES.format(
                                file=level.file,
                                line=line,
                                column="code",
                                code=code,
                                tail=code[-3:],
                                last=max(kind_by_tail) + "99",
                            )
                        )
                else:
                    _row_problems(level, line, code, name, parent_code, problems, first_seen)
        levels.append(rows)
    if problems:
        raise DivisionLoadError(list(problems))
    if under:
        levels = _restrict(levels, under)
    return [division for rows in levels for division in rows]


def _row_problems(level, line, code, name, parent_code, problems, first_seen) -> None:
    where = {"file": level.file, "line": line}
    blank = [
        column
        for column, value in (("code", code), ("name", name), (level.parent_column, parent_code))
        if column and not value
    ]
    for column in blank:
        problems.add(errors.CSV_BLANK_VALUE.format(column=column, **where))
    if code and not (code.isdigit() and len(code) == level.code_length):
        problems.add(errors.CSV_BAD_CODE.format(column="code", code=code, length=level.code_length, **where))
    elif blank:
        return
    elif code in first_seen:
        first = "{}第{}行".format(*first_seen[code])
        problems.add(errors.CSV_DUPLICATE_CODE.format(column="code", code=code, first=first, **where))
    elif parent_code not in first_seen:
        problems.add(errors.CSV_UNKNOWN_PARENT.format(column=level.parent_column, code=parent_code, **where))


def _restrict(levels: list[list[Division]], under: str) -> list[list[Division]]:
    """Keep the subtree of `under` and the chain of its ancestors."""
    by_code = {d.code: d for rows in levels for d in rows}
    if under not in by_code or by_code[under].kind not in ("province", "city", "county"):
        raise DivisionLoadError([errors.CSV_UNDER_NOT_FOUND.format(code=under)])
    keep = set()
    code = under
    while code:
        keep.add(code)
        code = by_code[code].parent_code
    inside = {under}
    restricted = []
    for rows in levels:
        kept = []
        for division in rows:
            if division.parent_code in inside:
                inside.add(division.code)
            if division.code in inside or division.code in keep:
                kept.append(division)
        restricted.append(kept)
    return restricted


ANALYZE_AFTER_ROWS = 10_000
NAME_TRIGRAM_INDEX = "orgunit_name_trgm"  # migration 0003, PostgreSQL only


def load_divisions(divisions: list[Division]) -> LoadResult:
    """Write the divisions into the tree under the national root; all or nothing."""
    result = _load(divisions)
    if result.created >= ANALYZE_AFTER_ROWS and connection.vendor == "postgresql":
        # Fresh statistics right away, so the planner does not treat a big table as empty. And the new
        # names merged into the trigram index: left in its pending list, every name search scans them
        # all, and the planner rightly prefers a sequential scan until autovacuum gets round to it.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {OrgUnit._meta.db_table}")
            cursor.execute(
                "SELECT gin_clean_pending_list(oid) FROM pg_class WHERE relname = %s AND relkind = 'i'",
                [NAME_TRIGRAM_INDEX],
            )
    return result


def _load(divisions: list[Division]) -> LoadResult:
    with transaction.atomic():
        # Other writers wait for the few seconds of the load; readers are not blocked.
        OrgUnit.objects.lock_for_bulk_write()
        nation, nation_created = _nation_root()
        kinds = dict(UnitKind.objects.values_list("code", "pk"))
        existing = {
            code: (parent_code, name, kind_id)
            for code, parent_code, name, kind_id in OrgUnit.objects.codes_with_parent_codes("name", "kind_id")
        }
        new, result = _compare(divisions, existing, nation, kinds)
        if nation_created:
            result.created += 1
            result.created_by_kind["nation"] += 1
        if not new:
            return result
        for division in new:
            division.kind_id = kinds[division.kind]
        written = OrgUnit.objects.add_forest(
            ((division.parent_code or nation.code, division) for division in new),
            drop_foreign_keys=len(new) > RECHECK_FOREIGN_KEYS_AFTER_ROWS,
        )
        result.created += written
        # One history entry for the whole load, on the national root, instead of one per unit.
        nation = OrgUnit.objects.get(pk=nation.pk)
        nation._change_reason = f"{current_source()}：载入区划，新增{written}个单位"[:100]
        nation.save(update_fields=["updated_at"])
        return result


def _nation_root() -> tuple[OrgUnit, bool]:
    nation = OrgUnit.objects.roots().filter(kind__code="nation").first()
    if nation:
        return nation, False
    return unit_create(parent=None, code=NATION_CODE, name="全国", kind=UnitKind.objects.get(code="nation")), True


def _compare(divisions, existing, nation, kinds):
    kind_names = dict(UnitKind.objects.values_list("pk", "name"))
    result = LoadResult()
    conflicts, new = [], []
    for division in divisions:
        found = existing.get(division.code)
        if found is None:
            new.append(division)
            continue
        parent_code, name, kind_id = found
        expected_parent = division.parent_code or nation.code
        if name != division.name or kind_id != kinds[division.kind] or parent_code != expected_parent:
            conflicts.append(
                errors.LOAD_CONFLICT.format(
                    code=division.code,
                    db_name=name,
                    db_kind=kind_names[kind_id],
                    db_parent=parent_code or "无",
                    file_name=division.name,
                    file_kind=kind_names[kinds[division.kind]],
                    file_parent=expected_parent,
                )
            )
        else:
            result.unchanged += 1
    if conflicts:
        shown = "\n".join(conflicts[:MAX_REPORTED_ERRORS])
        raise DivisionLoadError([errors.LOAD_CONFLICTS.format(count=len(conflicts), details=shown)])
    for division in new:
        result.created_by_kind[division.kind] += 1
    return new, result


# Above this many rows the foreign keys are re-checked in one query instead of one per row.
RECHECK_FOREIGN_KEYS_AFTER_ROWS = 50_000
