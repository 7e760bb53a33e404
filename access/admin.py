"""Who manages whom: assignments, editable by superusers and by managers strictly below their units,
for the accounts they manage (access.selectors). Also registers the user and group admins that
replace Django's own."""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import Q

from access.errors import NOT_BELOW_YOURS, OWN_ASSIGNMENT
from access.group_admin import NationalGroupAdmin
from access.history_admin import GuardedHistoryAdmin
from access.models import Assignment
from access.scope import scope_of
from access.scoped_admin import RuledAdminMixin
from access.selectors import accounts_managed_by, manages_accounts, may_assign_at
from access.user_admin import ScopedUserAdmin

# Django's own user and group admins hand out everything: these replace them.
admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, NationalGroupAdmin)


class AccountChoiceField(forms.ModelChoiceField):
    """Her own account is never among the choices; say why instead of calling it an invalid choice."""

    own_pk = None

    def to_python(self, value):
        if self.own_pk is not None and str(value) == str(self.own_pk):
            raise ValidationError(OWN_ASSIGNMENT, code="own_assignment")
        return super().to_python(value)


class AssignmentForm(forms.ModelForm):
    scope = None  # set per request

    class Meta:
        model = Assignment
        fields = ["user", "unit", "role"]

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is not None and self.scope is not None and not may_assign_at(self.scope, unit):
            self.add_error("unit", NOT_BELOW_YOURS.format(unit=unit.name))
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(RuledAdminMixin, GuardedHistoryAdmin):
    form = AssignmentForm
    list_display = ("user", "unit", "role", "created_at")
    list_select_related = ("user", "unit")
    list_filter = ("role",)
    autocomplete_fields = ("user", "unit")
    search_fields = ("user__username", "unit__name", "unit__code")

    def get_queryset(self, request):
        assignments = super().get_queryset(request)
        scope = scope_of(request)
        if scope.unrestricted:
            return assignments
        # Her own stay readable (not changeable): she may know where she stands.
        managed = accounts_managed_by(request.user, scope=scope)
        return assignments.filter(Q(user__in=managed) | Q(user=request.user))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("ScopedAssignmentForm", (form,), {"scope": scope_of(request)})

    def may_add(self, request) -> bool:
        return manages_accounts(scope_of(request))

    def may_change(self, request, assignment) -> bool:
        scope = scope_of(request)
        if assignment is None or scope.unrestricted:
            return manages_accounts(scope)
        # Every assignment of an account she manages lies strictly below her units, so this also
        # keeps peers (same unit) and anyone above from being changed by her.
        managed = accounts_managed_by(request.user, scope=scope)
        return assignment.user_id != request.user.pk and managed.filter(pk=assignment.user_id).exists()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = scope_of(request)
        if db_field.name == "unit":
            # Every unit she sees, so that one she sees but may not assign at gets NOT_BELOW_YOURS;
            # units she does not see are refused like missing ones.
            kwargs["queryset"] = scope.units()
        if db_field.name != "user":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # The autocomplete widget renders the preselected option (?user=<id>) from this queryset.
        kwargs["queryset"] = accounts_managed_by(request.user, scope=scope)
        kwargs["form_class"] = AccountChoiceField
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.own_pk = None if scope.unrestricted else request.user.pk
        return field
