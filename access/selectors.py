"""Which accounts a user may manage, where she may assign them, and what she may grant them.

One rule for every page that touches accounts (the user admin, its password page, the assignment
form, its user autocomplete): a manager manages the accounts whose assignments all lie strictly
below a unit she manages, plus the accounts she created that have no assignment yet. Never a
superuser, never herself, and never an account with a permission she lacks (its own or through a
group): taking it over would give her that permission. Strictly below, because two managers of
one unit are peers, and only a manager further up decides between them. Superusers manage everyone.
"""

from django.contrib.auth.models import Group, Permission, User
from django.db.models import Exists, OuterRef, Q

from access.models import Assignment
from access.scope import Scope
from orgunits.models import OrgUnit


def accounts_managed_by(user, *, scope: Scope | None = None):
    """The accounts `user` may see, change, set the password of, delete and assign (a User queryset).

    Pass the request's scope (access.scope.scope_of) to save the query that computes it.
    """
    scope = Scope.for_user(user) if scope is None else scope
    users = User.objects.all()
    if scope.unrestricted:
        return users
    if not scope.manage_paths:
        return users.none()
    assigned = Exists(Assignment.objects.filter(user=OuterRef("pk")))
    # A single assignment at her own level or outside her subtrees puts the account out of reach.
    elsewhere = Assignment.objects.exclude(_strictly_below(scope.manage_paths, via="unit__")).values("user")
    beyond_hers = Permission.objects.exclude(pk__in=permissions_of(user).values("pk"))
    return (
        users.filter((assigned & ~Q(pk__in=elsewhere)) | (~assigned & Q(origin__created_by=user)))
        .exclude(is_superuser=True)
        .exclude(pk=user.pk)
        .exclude(pk__in=User.user_permissions.through.objects.filter(permission__in=beyond_hers).values("user"))
        .exclude(pk__in=User.groups.through.objects.filter(group__permissions__in=beyond_hers).values("user"))
    )


def permissions_of(user):
    """Her permissions, her own and through her groups (as ModelBackend counts them)."""
    if not user.is_active:
        return Permission.objects.none()
    own = User.user_permissions.through.objects.filter(user=user).values("permission")
    through_groups = Group.permissions.through.objects.filter(group__user=user).values("permission")
    return Permission.objects.filter(Q(pk__in=own) | Q(pk__in=through_groups))


def grantable_permissions(user):
    return Permission.objects.all() if user.is_superuser else permissions_of(user)


def grantable_groups(user):
    """Groups that give nothing she lacks; a group without permissions is always grantable."""
    if user.is_superuser:
        return Group.objects.all()
    return Group.objects.exclude(permissions__in=Permission.objects.exclude(pk__in=permissions_of(user).values("pk")))


def manages_accounts(scope: Scope) -> bool:
    """Whether she may create accounts and assignments at all: she manages some unit."""
    return scope.unrestricted or bool(scope.manage_paths)


def may_assign_at(scope: Scope, unit: OrgUnit) -> bool:
    return scope.unrestricted or any(OrgUnit.path_within(unit.path, path, strictly=True) for path in scope.manage_paths)


def _strictly_below(paths, via: str) -> Q:
    condition = Q()
    for path in paths:
        condition |= OrgUnit.subtree_q(path, via=via, include_self=False)
    return condition
