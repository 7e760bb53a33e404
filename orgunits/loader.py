"""Bulk load of the national statistics division codes (provinces … villages).

The five CSVs are read and checked first; then, under a table lock, the rows are compared
with what the tree already holds, materialized paths are computed in memory for the new
rows only, and those are written in one go (COPY on PostgreSQL, bulk_create elsewhere).
Nothing is written when any row is wrong or conflicts with the tree.
"""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from orgunits import errors
from orgunits.models import NATION_CODE, OrgUnit, UnitKind
from orgunits.services import unit_create

MAX_REPORTED_ERRORS = 30


def _street_or_township(name: str) -> str:
    return "street" if name.endswith("街道") else "township"


def _community_or_village(name: str) -> str:
    return "community" if name.endswith(("社区", "居委会")) else "village"


@dataclass(frozen=True)
class Level:
    file: str
    code_length: int
    parent_column: str | None
    kind_of: object  # callable(name) -> kind code


LEVELS = (
    Level("provinces.csv", 2, None, lambda name: "province"),
    Level("cities.csv", 4, "provinceCode", lambda name: "city"),
    Level("areas.csv", 6, "cityCode", lambda name: "county"),
    Level("streets.csv", 9, "areaCode", _street_or_township),
    Level("villages.csv", 12, "streetCode", _community_or_village),
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
    first_seen: dict[str, str] = {}
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
            for line, record in enumerate(reader, start=2):
                if not any(cell.strip() for cell in record):
                    continue
                record += [""] * (len(header) - len(record))
                division = _parse_row(level, record, code_at, name_at, parent_at, line, problems, first_seen)
                if division:
                    rows.append(division)
        levels.append(rows)
    if problems:
        raise DivisionLoadError(list(problems))
    if under:
        levels = _restrict(levels, under)
    return [division for rows in levels for division in rows]


def _parse_row(level, record, code_at, name_at, parent_at, line, problems, first_seen) -> Division | None:
    code, name = record[code_at].strip(), record[name_at].strip()
    parent_code = record[parent_at].strip() if parent_at is not None else None
    where = {"file": level.file, "line": line}
    ok = True
    for column, value in (("code", code), ("name", name), (level.parent_column, parent_code)):
        if column and not value:
            problems.add(errors.CSV_BLANK_VALUE.format(column=column, **where))
            ok = False
    if code and not (code.isdigit() and len(code) == level.code_length):
        problems.add(errors.CSV_BAD_CODE.format(column="code", code=code, length=level.code_length, **where))
        ok = False
    if ok and code in first_seen:
        problems.add(errors.CSV_DUPLICATE_CODE.format(column="code", code=code, first=first_seen[code], **where))
        ok = False
    if ok and parent_code is not None and parent_code not in first_seen:
        problems.add(errors.CSV_UNKNOWN_PARENT.format(column=level.parent_column, code=parent_code, **where))
        ok = False
    if not ok:
        return None
    first_seen[code] = f"{level.file}第{line}行"
    return Division(code, name, level.kind_of(name), parent_code)


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


def load_divisions(divisions: list[Division]) -> LoadResult:
    """Write the divisions into the tree under the national root; all or nothing."""
    result = _load(divisions)
    if result.created >= ANALYZE_AFTER_ROWS and connection.vendor == "postgresql":
        # Fresh statistics right away, so the planner does not treat a big table as empty.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {OrgUnit._meta.db_table}")
    return result


def _load(divisions: list[Division]) -> LoadResult:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Other writers wait for the few seconds of the load; readers are not blocked.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {OrgUnit._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        nation, nation_created = _nation_root()
        kinds = dict(UnitKind.objects.values_list("code", "pk"))
        existing = {
            code: (pk, path, name, kind_id)
            for pk, code, path, name, kind_id in OrgUnit.objects.order_by()
            .values_list("pk", "code", "path", "name", "kind_id")
            .iterator(chunk_size=20000)
        }
        code_of_path = {path: code for code, (_pk, path, _n, _k) in existing.items()}
        new, result = _compare(divisions, existing, code_of_path, nation, kinds)
        if nation_created:
            result.created += 1
            result.created_by_kind["nation"] += 1
        if not new:
            return result
        rows, parent_increments = _plan_paths(new, existing, nation, kinds)
        _write(rows)
        for parent_pk, count in parent_increments.items():
            OrgUnit.objects.filter(pk=parent_pk).update(numchild=F("numchild") + count)
        result.created += len(rows)
        return result


def _nation_root() -> tuple[OrgUnit, bool]:
    nation = OrgUnit.objects.filter(depth=1, kind__code="nation").first()
    if nation:
        return nation, False
    return unit_create(parent=None, code=NATION_CODE, name="全国", kind=UnitKind.objects.get(code="nation")), True


def _compare(divisions, existing, code_of_path, nation, kinds):
    kind_names = dict(UnitKind.objects.values_list("pk", "name"))
    result = LoadResult()
    conflicts, new = [], []
    for division in divisions:
        found = existing.get(division.code)
        if found is None:
            new.append(division)
            continue
        _pk, path, name, kind_id = found
        parent_code = code_of_path.get(OrgUnit.parent_path_of(path))
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


def _plan_paths(new, existing, nation, kinds):
    """Give each new division a path after its parent's current last child."""
    steplen = OrgUnit.steplen
    last_step: dict[str, int] = defaultdict(int)
    for _pk, path, _name, _kind in existing.values():
        parent_path = path[:-steplen]
        step = OrgUnit._str2int(path[-steplen:])
        if step > last_step[parent_path]:
            last_step[parent_path] = step
    path_of = {code: path for code, (_pk, path, _n, _k) in existing.items()}
    pk_of_path = {path: pk for _code, (pk, path, _n, _k) in existing.items()}
    children: dict[str, list[Division]] = defaultdict(list)
    for division in new:
        children[division.parent_code or nation.code].append(division)
    rows: list[tuple] = []
    numchild: Counter = Counter()
    parent_increments: Counter = Counter()
    queue = [code for code in children if code in path_of]
    while queue:
        parent_code = queue.pop()
        parent_path = path_of[parent_code]
        for division in sorted(children.get(parent_code, ()), key=lambda d: d.code):
            last_step[parent_path] += 1
            path = parent_path + OrgUnit._get_path("", 1, last_step[parent_path])
            path_of[division.code] = path
            rows.append((path, division))
            numchild[parent_path] += 1
            if division.code in children:
                queue.append(division.code)
    for parent_path, count in numchild.items():
        if parent_path in pk_of_path:
            parent_increments[pk_of_path[parent_path]] += count
    rows.sort(key=lambda row: row[0])
    return [
        (path, len(path) // steplen, numchild.get(path, 0), d.code, d.name, kinds[d.kind]) for path, d in rows
    ], parent_increments


COLUMNS = (
    "path",
    "depth",
    "numchild",
    "code",
    "name",
    "kind_id",
    "org_form",
    "eligibility",
    "created_at",
    "updated_at",
)


def _write(rows: list[tuple]) -> None:
    now = timezone.now()
    if connection.vendor == "postgresql":
        sql = f"COPY {OrgUnit._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, "", "", now, now))
        return
    OrgUnit.objects.bulk_create(
        (
            OrgUnit(
                path=path,
                depth=depth,
                numchild=numchild,
                code=code,
                name=name,
                kind_id=kind_id,
                created_at=now,
                updated_at=now,
            )
            for path, depth, numchild, code, name, kind_id in rows
        ),
        batch_size=2000,
    )
