"""Admin for facilities (阵地) and their kinds."""

from django.contrib import admin
from django.utils import timezone

from access.history_admin import GuardedHistoryAdmin, NationalSettingsAdminMixin
from access.scoped_admin import ChangelistExportMixin, ScopedAdminMixin
from facilities.facility_import import COLUMNS, export_rows
from facilities.forms import FacilityForm
from facilities.models import Facility, FacilityKind
from facilities.resources import FacilityResource
from facilities.services import FACILITY_FIELDS, facility_create, facility_update
from imports.import_admin import SpreadsheetImportMixin, file_response
from imports.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx


@admin.register(FacilityKind)
class FacilityKindAdmin(NationalSettingsAdminMixin, GuardedHistoryAdmin):
    list_display = ("name", "code", "expected_kinds", "sort_order")
    list_editable = ("sort_order",)
    filter_horizontal = ("expected_in",)
    search_fields = ("name", "code")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("expected_in")

    @admin.display(description="应建单位类型")
    def expected_kinds(self, kind) -> str:
        return "、".join(unit_kind.name for unit_kind in kind.expected_in.all()) or "—"


class OpenFilter(admin.SimpleListFilter):
    """在用 (open today) or 已停用 (closed by today)."""

    title = "状态"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "在用"), ("no", "已停用")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.open_on(today)
        if self.value() == "no":
            return queryset.filter(closed_on__lte=today)
        return queryset


@admin.register(Facility)
class FacilityAdmin(ScopedAdminMixin, ChangelistExportMixin, SpreadsheetImportMixin, GuardedHistoryAdmin):
    form = FacilityForm
    resource_classes = [FacilityResource]
    import_columns = COLUMNS
    change_list_template = "admin/facilities/facility/change_list.html"
    list_display = ("unit", "kind", "name", "opened_on", "closed_on", "note")
    list_select_related = ("unit", "kind")
    list_filter = ("kind", OpenFilter)
    autocomplete_fields = ("unit",)
    search_fields = ("unit__code", "unit__name")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "kind")  # str(facility) names both

    def get_search_results(self, request, queryset, search_term):
        """A code prefix, or a part of the unit's name, as on the other scoped lists."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isascii():
            return queryset.filter(unit__code__startswith=term.upper()), False
        return queryset.filter(unit__name__contains=term), False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in FACILITY_FIELDS}
        if change:
            facility_update(facility=obj, **fields)
        else:
            obj.pk = facility_create(**fields).pk

    def export_file(self, request, facilities, file_format):
        """The import's columns: the file imports back unchanged."""
        headers, rows = export_rows(facilities)
        if file_format == "csv":
            return file_response(table_csv(headers, rows), "阵地.csv", CSV_CONTENT_TYPE)
        return file_response(table_xlsx("阵地", headers, rows), "阵地.xlsx", XLSX_CONTENT_TYPE)
