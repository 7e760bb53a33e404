"""Who may see and change what: the subtrees of a user's assignments.

Superusers see everything. Everyone else sees the subtrees of her assigned units (and their
ancestors only as breadcrumbs); editors and managers may change inside them, viewers may not.
Every admin page, view, import and export asks this module rather than deciding for itself.
"""

from dataclasses import dataclass

from django.db.models import Q

from access.models import Assignment
from orgunits.errors import OUT_OF_SCOPE as OUT_OF_SCOPE  # the unit import below access needs it too
from orgunits.models import OrgUnit

NO_SCOPE = "您没有被分配管辖范围，请联系管理员。"
READ_ONLY_SCOPE = "您对“{unit}”只有查看权限。"

EDIT_ROLES = (Assignment.Role.EDITOR, Assignment.Role.MANAGER)


@dataclass(frozen=True)
class Scope:
    unrestricted: bool
    user_id: int | None = None
    view_paths: tuple[str, ...] = ()
    edit_paths: tuple[str, ...] = ()
    manage_paths: tuple[str, ...] = ()

    @classmethod
    def for_user(cls, user) -> "Scope":
        if not user.is_authenticated or not user.is_active:
            return cls(unrestricted=False)
        if user.is_superuser:
            return cls(unrestricted=True)
        rows = list(Assignment.objects.filter(user=user).values_list("unit__path", "role"))
        return cls(
            unrestricted=False,
            user_id=user.pk,
            view_paths=_outermost(path for path, _role in rows),
            edit_paths=_outermost(path for path, role in rows if role in EDIT_ROLES),
            manage_paths=_outermost(path for path, role in rows if role == Assignment.Role.MANAGER),
        )

    @property
    def can_edit_anything(self) -> bool:
        return self.unrestricted or bool(self.edit_paths)

    @property
    def national(self) -> bool:
        """May change what holds for the whole country (kinds, posts, elements, indicators, rules)."""
        return self.unrestricted or any(OrgUnit.is_top_path(path) for path in self.edit_paths)

    def can_view(self, unit: OrgUnit | None) -> bool:
        return unit is not None and (self.unrestricted or _inside(unit.path, self.view_paths))

    def can_edit(self, unit: OrgUnit | None) -> bool:
        return unit is not None and (self.unrestricted or _inside(unit.path, self.edit_paths))

    def can_manage(self, unit: OrgUnit | None) -> bool:
        return unit is not None and (self.unrestricted or _inside(unit.path, self.manage_paths))

    def units(self, queryset=None, *, editable: bool = False, managed: bool = False):
        queryset = OrgUnit.objects.all() if queryset is None else queryset
        return self.filter(queryset, via="", editable=editable, managed=managed)

    def filter(self, queryset, via: str, *, editable: bool = False, managed: bool = False):
        """Rows whose unit (reached through `via`, e.g. "unit__") lies in the scope."""
        if self.unrestricted:
            return queryset
        paths = self.manage_paths if managed else self.edit_paths if editable else self.view_paths
        if not paths:
            return queryset.none()
        condition = Q()
        for path in paths:
            condition |= OrgUnit.subtree_q(path, via=via)
        return queryset.filter(condition)

    def home(self) -> OrgUnit | None:
        """Where pages open by default: the top of the tree, or her first assigned unit."""
        if self.unrestricted:
            return OrgUnit.objects.roots().first()
        return OrgUnit.objects.at_paths(self.view_paths).in_tree_order().first()


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(OrgUnit.path_within(path, root) for root in roots)


def _outermost(paths) -> tuple[str, ...]:
    """Drop paths inside other paths of the set: the subtrees overlap."""
    return OrgUnit.outermost_paths(paths)


def scope_of(request) -> Scope:
    """The request user's scope, computed once per request."""
    if not hasattr(request, "_unit_scope"):
        request._unit_scope = Scope.for_user(request.user)
    return request._unit_scope
