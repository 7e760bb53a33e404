"""组织形式变更 (会改联): the dated changes of an organisation's form, scoped like the units.

Added through the service (orgunits.org_forms), which checks that the changes follow each other;
a correction is checked the same way; only the first or the latest of a unit's changes may be deleted.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join

from access.history_admin import GuardedHistoryAdmin
from access.scoped_admin import ScopedAdminMixin
from imports.import_admin import SpreadsheetImportMixin
from orgunits.form_import import COLUMNS as FORM_CHANGE_COLUMNS
from orgunits.forms import ServiceValidatedForm
from orgunits.models import OrgFormChange
from orgunits.org_forms import (
    FormStep,
    form_chain,
    form_change_delete_problem,
    org_form_change,
    org_form_change_delete,
    org_form_change_update,
)
from orgunits.resources import FormChangeResource


class OrgFormChangeForm(ServiceValidatedForm):
    class Meta:
        model = OrgFormChange
        fields = ("unit", "changed_on", "from_form", "to_form", "note")

    def service_validate(self) -> None:
        change = self.instance
        step = FormStep(change.changed_on, change.to_form, change.from_form or None, change.note)
        others = list(change.unit.form_changes.exclude(pk=change.pk))
        _resolved, problems = form_chain(change.unit, others, [step])
        if problems:
            raise ValidationError(dict(problems[0]))


@admin.register(OrgFormChange)
class OrgFormChangeAdmin(ScopedAdminMixin, SpreadsheetImportMixin, GuardedHistoryAdmin):
    form = OrgFormChangeForm
    resource_classes = [FormChangeResource]
    import_columns = FORM_CHANGE_COLUMNS
    list_display = ("unit", "unit_code", "changed_on", "from_form", "to_form", "note")
    list_select_related = ("unit",)
    list_filter = ("to_form", "from_form")
    autocomplete_fields = ("unit",)
    search_fields = ("unit__code", "unit__name")
    search_help_text = "按单位代码或名称搜索。"
    date_hierarchy = "changed_on"
    list_per_page = 50
    show_full_result_count = False
    actions = None

    @admin.display(description="单位代码", ordering="unit__code")
    def unit_code(self, change):
        return change.unit.code

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isascii() and term:
            return queryset.filter(unit__code__startswith=term), False
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("unit",)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {
            "on": data["changed_on"],
            "to_form": data["to_form"],
            "from_form": data.get("from_form") or None,
            "note": data.get("note", ""),
        }
        saved = org_form_change_update(change=obj, **values) if change else org_form_change(unit=data["unit"], **values)
        obj.pk, obj.from_form = saved.pk, saved.from_form

    def delete_view(self, request, object_id, extra_context=None):
        change = self.get_object(request, unquote(object_id))
        if change is not None and self.has_delete_permission(request, change):
            problem = form_change_delete_problem(change)
            if problem:
                messages.error(request, problem)
                return HttpResponseRedirect(reverse("admin:orgunits_orgformchange_change", args=[change.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        org_form_change_delete(change=obj)


@admin.display(description="组织形式变更")
def form_changes_field(unit):
    """The unit's recorded changes of form, oldest first, each linking to its record."""
    changes = list(unit.form_changes.order_by("changed_on")) if unit.pk else []
    if not changes:
        return "（无）"
    return format_html_join(
        "",
        '<li style="list-style:none"><a href="{}">{}</a>{}</li>',
        (
            (
                reverse("admin:orgunits_orgformchange_change", args=[change.pk]),
                f"{change.changed_on.isoformat()} {change.get_from_form_display()} → {change.get_to_form_display()}",
                f"（{change.note}）" if change.note else "",
            )
            for change in changes
        ),
    )
