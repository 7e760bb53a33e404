"""Users, as managers may handle them: the accounts of access.selectors.accounts_managed_by, and
only with what she holds herself. Registered by access.admin."""

from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpResponseRedirect
from django.urls import reverse

from access.errors import GRANT_BEYOND_OWN
from access.models import AccountOrigin
from access.scope import scope_of
from access.scoped_admin import RuledAdminMixin
from access.selectors import accounts_managed_by, grantable_groups, grantable_permissions, manages_accounts

# is_superuser would hand out everything; the dates are the system's record, not hers to rewrite.
PRIVILEGED_FIELDS = ("is_superuser", "last_login", "date_joined")


class ScopedUserAdmin(RuledAdminMixin, UserAdmin):
    def get_queryset(self, request):
        managed = accounts_managed_by(request.user, scope=scope_of(request))
        return super().get_queryset(request).filter(pk__in=managed.values("pk"))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and from_field is None and str(object_id) == str(request.user.pk):
            # She knows her own account exists: her pages refuse her (403) rather than pretend it is missing.
            return User.objects.get(pk=request.user.pk)
        return obj

    def may_add(self, request) -> bool:
        return manages_accounts(scope_of(request))

    def may_change(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, *PRIVILEGED_FIELDS)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The choices are also what the form accepts: a crafted id outside them is refused.
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        elif db_field.name == "user_permissions":
            kwargs["queryset"] = grantable_permissions(request.user).select_related("content_type")
        kwargs.setdefault("error_messages", {"invalid_choice": GRANT_BEYOND_OWN})
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # Until it has an assignment, only its creator (and superusers) can reach the account.
            AccountOrigin.objects.create(user=obj, created_by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        if request.user.is_superuser or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # A new account is useless until it has a scope: go straight to giving it one.
        return HttpResponseRedirect(reverse("admin:access_assignment_add") + f"?user={obj.pk}")
