from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from access.history_admin import GuardedHistoryAdmin, NationalSettingsAdminMixin
from access.scoped_admin import ChangelistExportMixin, ScopedAdminMixin
from imports.import_admin import SpreadsheetImportMixin, file_response
from imports.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from stats.forms import IndicatorForm, ValidationRuleForm
from stats.models import DataElement, DataValue, EligibilityRule, Indicator, ValidationRule
from stats.resources import StatsResource
from stats.stats_import import LONG_COLUMNS, export_wide


@admin.register(DataElement)
class DataElementAdmin(NationalSettingsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "measure", "has_female", "group", "sort_order")
    list_filter = ("group", "has_female")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")


@admin.register(DataValue)
class DataValueAdmin(ScopedAdminMixin, ChangelistExportMixin, SpreadsheetImportMixin, GuardedHistoryAdmin):
    """Figures are read and exported here; they are written on the data-entry page or by import,
    where every rule applies."""

    resource_classes = [StatsResource]
    import_columns = LONG_COLUMNS
    change_list_template = "admin/stats/datavalue/change_list.html"

    list_display = ("unit", "element", "period", "total", "female", "approximate", "entry_link")
    list_select_related = ("unit", "element")
    list_filter = ("element", "approximate")
    search_fields = ("unit__code", "unit__name")
    show_full_result_count = False
    autocomplete_fields = ("unit",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isascii():
            return queryset.filter(unit__code__startswith=term.upper()), False
        return queryset.filter(unit__name__contains=term), False

    def export_file(self, request, values, file_format):
        """One row per unit and year: the wide import shape."""
        headers, rows = export_wide(values)
        if file_format == "csv":
            return file_response(table_csv(headers, rows), "统计数据.csv", CSV_CONTENT_TYPE)
        return file_response(table_xlsx("统计数据", headers, rows), "统计数据.xlsx", XLSX_CONTENT_TYPE)

    @admin.display(description="填报")
    def entry_link(self, value):
        url = reverse("stats_entry")
        period = value.period
        return format_html(
            '<a href="{}?unit={}&amp;year={}&amp;span={}">修改</a>', url, value.unit_id, period.year, period.span_code
        )


@admin.register(ValidationRule)
class ValidationRuleAdmin(NationalSettingsAdminMixin, admin.ModelAdmin):
    form = ValidationRuleForm
    list_display = ("name", "left", "operator", "right", "active")
    list_filter = ("active",)


@admin.register(Indicator)
class IndicatorAdmin(NationalSettingsAdminMixin, GuardedHistoryAdmin):
    form = IndicatorForm
    list_display = ("name", "code", "numerator", "denominator", "coverage_kind", "factor", "decimals", "sort_order")
    list_select_related = ("coverage_kind",)  # nullable: the admin's own select_related() skips it
    list_editable = ("sort_order",)
    search_fields = ("name", "code")


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(NationalSettingsAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "element", "part", "minimum")
