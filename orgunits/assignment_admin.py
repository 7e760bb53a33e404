"""Who manages whom: assignments, editable by superusers and by managers inside their subtree."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from orgunits.models import Assignment
from orgunits.scope import OUT_OF_SCOPE, scope_of
from orgunits.scoped_admin import NotFoundMixin

OWN_ASSIGNMENT = "不能修改自己的管辖范围。"


class AssignmentForm(forms.ModelForm):
    scope = None  # set per request
    editor = None

    class Meta:
        model = Assignment
        fields = ["user", "unit", "role"]

    def clean(self):
        cleaned = super().clean()
        unit, user = cleaned.get("unit"), cleaned.get("user")
        if unit is not None and self.scope is not None and not self.scope.can_manage(unit):
            self.add_error("unit", OUT_OF_SCOPE.format(unit=unit.name))
        if user is not None and user == self.editor and not self.editor.is_superuser:
            raise ValidationError(OWN_ASSIGNMENT)
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(NotFoundMixin, SimpleHistoryAdmin):
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
        return scope.filter(assignments, "unit__", managed=True) | assignments.filter(user=request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("ScopedAssignmentForm", (form,), {"scope": scope_of(request), "editor": request.user})

    def has_add_permission(self, request):
        scope = scope_of(request)
        return super().has_add_permission(request) and (scope.unrestricted or bool(scope.manage_paths))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def _may_manage(self, request, assignment) -> bool:
        scope = scope_of(request)
        if scope.unrestricted:
            return True
        if assignment is None:
            return bool(scope.manage_paths)
        return assignment.user_id != request.user.pk and scope.can_manage(assignment.unit)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            scope = scope_of(request)
            kwargs["queryset"] = (
                scope.units()
                if scope.unrestricted
                else scope.units().filter(pk__in=scope.filter(scope.units(), "", editable=True).values("pk"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
