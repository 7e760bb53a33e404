"""The unit tree's storage: every materialized-path operation sits here, behind OrgUnit's model,
queryset and manager. No other module computes a path, a depth or a child count.

A path is a string of fixed-width steps, one per level (treebeard's MP_Node); the paths of a
subtree form one range, so subtree filters are ranges on the path's unique index.
"""

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from operator import attrgetter

from django.db import connection, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from treebeard.exceptions import PathOverflow
from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

from imports.audit import current_source, current_user
from imports.queries import chunked_in

WRITE_BATCH = 2000


class TreePaths:
    """Path arithmetic on the model: a mixin of OrgUnit, the only place that reads a path's structure."""

    @classmethod
    def subtree_range(cls, path: str) -> tuple[str, str]:
        """The first and last path of the subtree rooted at `path`."""
        return path, path + cls.alphabet[-1] * (cls._meta.get_field("path").max_length - len(path))

    @classmethod
    def subtree_q(cls, path: str, *, via: str = "", include_self: bool = True) -> Q:
        """Units (reached through `via`, e.g. "unit__") in the subtree at `path`, as a range on the path index."""
        first, last = cls.subtree_range(path)
        if include_self:
            return Q(**{f"{via}path__range": (first, last)})
        return Q(**{f"{via}path__gt": first, f"{via}path__lte": last})

    @classmethod
    def parent_path_of(cls, path: str) -> str:
        return path[: -cls.steplen]

    @classmethod
    def path_within(cls, path: str, root: str, *, strictly: bool = False) -> bool:
        """Whether `path` lies in the subtree at `root` (below it, when strictly)."""
        return path.startswith(root) and not (strictly and path == root)

    @classmethod
    def is_top_path(cls, path: str) -> bool:
        return len(path) == cls.steplen

    @classmethod
    def outermost_paths(cls, paths: Iterable[str]) -> tuple[str, ...]:
        """The paths that lie in no other path's subtree: the others' subtrees overlap theirs."""
        kept: list[str] = []
        for path in sorted(set(paths)):
            if not any(path.startswith(other) for other in kept):
                kept.append(path)
        return tuple(kept)

    @classmethod
    def branch_of(cls, unit, via: str = ""):
        """An expression that names, for any unit in unit's subtree, the child branch it lies in.

        It equals child.branch_key for the units under that child, and unit.branch_key for unit
        itself. `via` reaches the unit through a relation, e.g. "unit__" from a figure.
        """
        return Substr(f"{via}path", 1, (unit.depth + 1) * cls.steplen)

    @property
    def branch_key(self) -> str:
        return self.path

    def ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]

    def in_subtree_of(self, other) -> bool:
        """The unit is `other` or lies below it."""
        return self.path.startswith(other.path)

    def contains_path(self, path: str) -> bool:
        """The unit is at `path` or above it: `path` lies in the unit's subtree."""
        return path.startswith(self.path)

    def parent_position(self):
        """An unsaved unit that stands where the parent stands (its path only), or None for a root.

        Enough to ask a scope about the parent without reading it.
        """
        return type(self)(path=self.parent_path_of(self.path)) if len(self.path) > self.steplen else None

    @classmethod
    @cache
    def _step(cls, number: int) -> str:
        key = cls._int2str(number)
        if len(key) > cls.steplen:
            raise PathOverflow(f"more than {number - 1} children under one unit")
        return cls.alphabet[0] * (cls.steplen - len(key)) + key

    @classmethod
    def _step_number(cls, path: str) -> int:
        return cls._str2int(path[-cls.steplen :])


class TreeQuerySet(MP_NodeQuerySet):
    def subtree(self, unit, *, include_self: bool = True):
        """The unit and its descendants, as a range on path.

        A range (unlike LIKE 'prefix%') lets the unique path index return rows in path order,
        so "ORDER BY path LIMIT 50" never walks the whole index.
        """
        return self.filter(self.model.subtree_q(unit.path, include_self=include_self))

    def children_of(self, unit):
        step = self.model.steplen
        first, last = unit.path + self.model.alphabet[0] * step, unit.path + self.model.alphabet[-1] * step
        return self.filter(path__range=(first, last), depth=unit.depth + 1)

    def parent_of(self, unit):
        """The unit's parent, as a queryset (empty for a root)."""
        parent = unit.parent_position()
        return self.filter(path=parent.path) if parent is not None else self.none()

    def ancestors_of(self, unit):
        """The unit's ancestors, root first."""
        return self.filter(path__in=unit.ancestor_paths()).order_by("depth")

    def roots(self):
        return self.filter(depth=1)

    def at_level(self, depth: int):
        return self.filter(depth=depth)

    def at_paths(self, paths: Iterable[str]):
        return self.filter(path__in=list(paths))

    def in_tree_order(self):
        return self.order_by("path")

    def ancestor_chains(self, units) -> dict[int, list]:
        """Each unit's ancestors, root first, read in one query for the whole batch."""
        units = list(units)
        wanted = {path for unit in units for path in unit.ancestor_paths()}
        found = {unit.path: unit for unit in self.filter(path__in=wanted)} if wanted else {}
        return {unit.pk: [found[path] for path in unit.ancestor_paths() if path in found] for unit in units}

    def missing_ancestors(self, units) -> list:
        """The ancestors of `units` that are not among them, read in a query per 5,000."""
        units = list(units)
        have = {unit.path for unit in units}
        wanted = {path for unit in units for path in unit.ancestor_paths()} - have
        return [ancestor for chunk in chunked_in(self, "path", wanted) for ancestor in chunk]

    def parents_of(self, units) -> dict[int, object]:
        """Each unit's parent, by the unit's pk; parents not among `units` are read (a query per 5,000)."""
        units = list(units)
        by_path = {unit.path: unit for unit in units}
        missing = {self.model.parent_path_of(unit.path) for unit in units if unit.depth > 1} - set(by_path)
        for chunk in chunked_in(self, "path", missing):
            by_path.update((parent.path, parent) for parent in chunk)
        return parents_among(units, by_path)

    def codes_with_parent_codes(self, *fields) -> list[tuple]:
        """(code, parent code, *fields) of every unit, in one scan: the parent code is "" for a root
        and None for a parent outside the queryset."""
        rows = list(self.order_by().values_list("path", "code", *fields).iterator(chunk_size=20000))
        code_of_path = {row[0]: row[1] for row in rows}
        parent_path = self.model.parent_path_of
        return [
            (code, code_of_path.get(parent_path(path), None if len(path) > self.model.steplen else ""), *rest)
            for path, code, *rest in rows
        ]


def parents_among(units, by_path: dict | None = None) -> dict[int, object]:
    """Each unit's parent among `units` (or `by_path`), by pk, without a query; None when not there."""
    by_path = by_path if by_path is not None else {unit.path: unit for unit in units}
    return {unit.pk: by_path.get(unit.parent_path_of(unit.path)) if unit.depth > 1 else None for unit in units}


class TreeManager(MP_NodeManager):
    def lock_for_bulk_write(self) -> None:
        """On PostgreSQL, make other writers wait until the transaction ends; readers go on."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {self.model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")

    def add_forest(
        self,
        forest: Iterable[tuple[str, object]],
        *,
        fields: tuple[str, ...] = ("name", "kind_id"),
        history: bool = False,
        drop_foreign_keys: bool = False,
    ) -> int:
        """Write new units under existing ones, in one go (COPY on PostgreSQL, bulk_create elsewhere).

        `forest` holds (parent code, unit) pairs, in any order: the parent is another unit of the
        forest or a unit in the tree. A unit is any object with `code` and the attributes named in
        `fields` (the other columns take their defaults). Siblings go in code order after their
        parent's existing children. With `history`, each unit gets a "created" history entry.
        The caller holds the lock (lock_for_bulk_write). Returns the number of units written.
        """
        children: dict[str, list] = defaultdict(list)
        for parent_code, unit in forest:
            children[parent_code].append(unit)
        if not children:
            return 0
        for siblings in children.values():
            siblings.sort(key=attrgetter("code"))
        new_codes = {unit.code for siblings in children.values() for unit in siblings}
        anchors = self._anchors(set(children) - new_codes)
        unknown = set(children) - new_codes - set(anchors)
        if unknown:
            raise ValueError(f"add_forest: no parent with code {sorted(unknown)[:10]}")
        rows, bumps = self._plan(children, anchors, fields)
        if len(rows) < len(new_codes):
            placed = {row[3] for row in rows}
            raise ValueError(f"add_forest: units in a cycle: {sorted(new_codes - placed)[:10]}")
        now = timezone.now()
        columns, defaults = self._columns(fields)
        with transaction.atomic(savepoint=False):
            self._write(rows, columns, defaults, now, drop_foreign_keys)
            self._bump_numchild(bumps)
            if history:
                self._record_created(rows, columns, defaults, now)
        return len(rows)

    def _anchors(self, codes: set[str]) -> dict[str, tuple[int, str, int]]:
        """code -> (pk, path, number of the last child's step) of the existing parents, in one query per 5,000."""
        model = self.model
        last_descendant = (
            model.objects.filter(
                path__gt=OuterRef("path"),
                path__lte=Concat(OuterRef("path"), Value(model.alphabet[-1] * model.steplen)),
            )
            .order_by("-path")
            .values("path")[:1]
        )
        anchors = {}
        for chunk in chunked_in(self.order_by(), "code", codes):
            for code, pk, path, last in chunk.annotate(last=Subquery(last_descendant)).values_list(
                "code", "pk", "path", "last"
            ):
                # The last path at or below the last child, cut to the child's own path.
                anchors[code] = (pk, path, model._step_number(last[: len(path) + model.steplen]) if last else 0)
        return anchors

    def _plan(self, children, anchors, fields):
        """Rows (path, depth, numchild, code, *values) in path order, and the children added under each anchor."""
        model, steplen, step = self.model, self.model.steplen, self.model._step
        values_of = attrgetter(*fields) if len(fields) > 1 else (lambda unit: (getattr(unit, fields[0]),))
        rows: list[tuple] = []
        bumps: dict[int, int] = {}
        for code, (pk, anchor_path, last) in sorted(anchors.items(), key=lambda item: item[1][1]):
            bumps[pk] = len(children[code])
            # Reversed, so that the first child is popped first: a preorder walk is path order.
            stack = [(unit, anchor_path + step(last + i + 1)) for i, unit in enumerate(children[code])][::-1]
            while stack:
                unit, path = stack.pop()
                kids = children.get(unit.code, ())
                rows.append((path, len(path) // steplen, len(kids), unit.code, *values_of(unit)))
                stack.extend((kids[i], path + step(i + 1)) for i in range(len(kids) - 1, -1, -1))
        max_length = model._meta.get_field("path").max_length
        if rows and max(len(row[0]) for row in rows) > max_length:
            raise PathOverflow(f"the tree would be deeper than {max_length // steplen} levels")
        return rows, bumps

    def _columns(self, fields) -> tuple[list[str], list]:
        """The columns written, in row order, and the defaults of the fields not given."""
        given = {"id", "path", "depth", "numchild", "code", *fields, "created_at", "updated_at"}
        rest = [f for f in self.model._meta.concrete_fields if f.attname not in given]
        columns = ["path", "depth", "numchild", "code", *fields, *(f.attname for f in rest), "created_at", "updated_at"]
        return columns, [f.get_default() for f in rest]

    def _write(self, rows, columns, defaults, now, drop_foreign_keys: bool) -> None:
        if connection.vendor == "postgresql":
            table = self.model._meta.db_table
            db_columns = [self.model._meta.get_field(name).column for name in columns]
            sql = f"COPY {table} ({', '.join(db_columns)}) FROM STDIN"
            with connection.cursor() as cursor:
                foreign_keys = _drop_foreign_keys(cursor, table) if drop_foreign_keys else []
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row((*row, *defaults, now, now))
                for name, definition in foreign_keys:
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            return
        model = self.model
        self.bulk_create(
            (model(**dict(zip(columns, (*row, *defaults, now, now), strict=True))) for row in rows),
            batch_size=WRITE_BATCH,
        )

    def _bump_numchild(self, bumps: dict[int, int]) -> None:
        """Add each anchor's new children to its numchild: one UPDATE per few thousand anchors."""
        pks = sorted(bumps)
        size = max(1, (connection.features.max_query_params or 30000) // 3 - 1)
        for start in range(0, len(pks), size):
            chunk = pks[start : start + size]
            added = Case(*(When(pk=pk, then=Value(bumps[pk])) for pk in chunk))
            self.model.objects.order_by().filter(pk__in=chunk).update(numchild=F("numchild") + added)

    def _record_created(self, rows, columns, defaults, now) -> None:
        """One "created" history entry per new unit, written in bulk like the units themselves."""
        history = self.model.history.model
        pks = {}
        for chunk in chunked_in(self.model.objects.order_by(), "code", (row[3] for row in rows)):
            pks.update(chunk.values_list("code", "pk"))
        tracked = {f.attname for f in history._meta.fields} & set(columns)
        stamp = {
            "history_date": now,
            "history_type": "+",
            "history_user_id": getattr(current_user(), "pk", None),
            "history_change_reason": current_source()[:100],
        }
        entries = []
        for row in rows:
            values = dict(zip(columns, (*row, *defaults, now, now), strict=True))
            entries.append({"id": pks[values["code"]], **{name: values[name] for name in tracked}, **stamp})
        if connection.vendor == "postgresql":
            fields = [f for f in history._meta.concrete_fields if f.attname in entries[0]]
            names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {history._meta.db_table} ({names}) FROM STDIN") as copy,
            ):
                for entry in entries:
                    copy.write_row([entry[f.attname] for f in fields])
        else:
            history.objects.bulk_create([history(**entry) for entry in entries], batch_size=WRITE_BATCH)


def _drop_foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    """Drop the table's foreign keys inside the write's transaction, to be added back after the COPY.

    A foreign key checks every copied row with its own query, deferred to commit: about a fifth
    of a national load. Adding the constraint back validates all rows in one join. The ALTER
    takes an exclusive lock until commit, which a national load can afford; small loads skip this.
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run checks still pending, e.g. a new national root's
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    for name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return foreign_keys
