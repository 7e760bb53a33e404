from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from orgunits.scoped_admin import ScopedAdminMixin
from reports.forms import IndicatorForm, ValidationRuleForm
from reports.models import DataElement, DataValue, EligibilityRule, Indicator, ValidationRule


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "measure", "has_female", "group", "sort_order")
    list_filter = ("group", "has_female")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")


@admin.register(DataValue)
class DataValueAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Figures are read here; they are written on the data-entry page, where every rule applies."""

    list_display = ("unit", "element", "period", "total", "female", "entry_link")
    list_select_related = ("unit", "element")
    list_filter = ("element",)
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

    @admin.display(description="填报")
    def entry_link(self, value):
        url = reverse("reports_entry")
        return format_html('<a href="{}?unit={}&amp;year={}">修改</a>', url, value.unit_id, value.period.year)


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    form = ValidationRuleForm
    list_display = ("name", "left", "operator", "right", "active")
    list_filter = ("active",)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    form = IndicatorForm
    list_display = ("name", "code", "numerator", "denominator", "coverage_kind", "factor", "decimals", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "element", "part", "minimum")


from reports import survey_admin  # noqa: E402, F401 -- registers SurveyReportAdmin
