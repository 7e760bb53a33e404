"""Users, as managers may handle them: accounts inside their subtree, and nothing above them."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse

from orgunits.models import Assignment
from orgunits.scope import scope_of
from orgunits.scoped_admin import NotFoundMixin

# What a manager may not touch on an account: these would let her hand out more than she has.
PRIVILEGED_FIELDS = ("is_superuser", "user_permissions", "last_login", "date_joined")


class ScopedUserAdmin(NotFoundMixin, UserAdmin):
    def get_queryset(self, request):
        users = super().get_queryset(request)
        scope = scope_of(request)
        if scope.unrestricted:
            return users
        managed = scope.filter(Assignment.objects.all(), "unit__", managed=True).values("user")
        outside = Assignment.objects.exclude(pk__in=scope.filter(Assignment.objects.all(), "unit__", managed=True))
        # Her people, and accounts with no scope yet (just created, waiting for an assignment).
        return (
            users.filter(Q(pk__in=managed) | Q(assignments__isnull=True))
            .exclude(pk__in=outside.values("user"))
            .exclude(is_superuser=True)
            .distinct()
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, *PRIVILEGED_FIELDS)

    def has_change_permission(self, request, obj=None):
        # Nobody edits her own account here: her scope and groups are decided above her.
        mine = obj is not None and obj.pk == request.user.pk and not request.user.is_superuser
        return super().has_change_permission(request, obj) and not mine

    def response_add(self, request, obj, post_url_continue=None):
        if request.user.is_superuser or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # A new account is useless until it has a scope: go straight to giving it one.
        return HttpResponseRedirect(reverse("admin:orgunits_assignment_add") + f"?user={obj.pk}")


admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
