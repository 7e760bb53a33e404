"""What the unit import needs to know of the tree: the units a file names, with their ancestors,
read in a few queries; and the file's rows ordered parents first."""

from imports.queries import chunked_in
from orgunits.models import OrgUnit, UnitKind
from orgunits.tree import parents_among


class UnitLookups:
    """Kinds, and every unit the file names (as a row or as a parent) with their ancestors, in a few queries."""

    def __init__(self, rows: list, scope=None):
        self.kinds = {kind.pk: kind for kind in UnitKind.objects.prefetch_related("allowed_parents")}
        self.kind_by_text = {}
        for kind in self.kinds.values():
            self.kind_by_text[kind.code.lower()] = kind
            self.kind_by_text[kind.name] = kind
        self.kind_names = "、".join(kind.name for kind in sorted(self.kinds.values(), key=lambda k: k.sort_order))
        codes = {row.code for row in rows if row.code} | {row.parent_code for row in rows if row.parent_code}
        self.units = {unit.code: unit for chunk in chunked_in(OrgUnit.objects, "code", codes) for unit in chunk}
        # Parents and ancestors of the units found, so the tree after the import is known end to end.
        self.units.update((unit.code, unit) for unit in OrgUnit.objects.missing_ancestors(self.units.values()))
        self.hidden_codes = self._hide_outside(scope, codes)
        self.parent_of = parents_among(self.units.values())
        self.code_of_path = {unit.path: code for code, unit in self.units.items()}

    def _hide_outside(self, scope, named: set[str]) -> set[str]:
        """Forget units outside her scope, bar the ancestors of her own units: to her they do not exist.

        Returns the codes the file names that belong to such units."""
        if scope is None or scope.unrestricted:
            return set()
        hidden = {
            code
            for code, unit in self.units.items()
            if not scope.can_view(unit) and not any(unit.contains_path(root) for root in scope.view_paths)
        }
        for code in hidden:
            del self.units[code]
        return hidden & named

    def db_parent_code(self, unit: OrgUnit) -> str:
        parent = self.parent_of.get(unit.pk)
        return parent.code if parent else ""


def parents_first(by_code: dict) -> list:
    """The rows ordered by their depth inside the file, so a parent row's errors are known before its children's."""
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        trail = []
        while code in by_code and code not in depth and code not in trail:
            trail.append(code)
            code = by_code[code].final_parent
        base = depth.get(code, 0)  # a unit in the tree, a settled row, or a loop (reported already)
        for offset, seen in enumerate(reversed(trail), start=1):
            depth[seen] = base + offset
        return depth[trail[0]] if trail else base

    return sorted(by_code.values(), key=lambda row: (depth_of(row.code), row.number))
