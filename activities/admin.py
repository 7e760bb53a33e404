"""Admin of activity types (national), campaigns, activities and honours, each scoped by unit."""

import datetime

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from access.history_admin import GuardedHistoryAdmin, NationalSettingsAdminMixin
from access.scope import Scope, scope_of
from access.scoped_admin import ChangelistExportMixin, RuledAdminMixin, ScopedAdminMixin
from activities import honour_import
from activities.activity_import import COLUMNS, export_rows
from activities.forms import ActivityForm, CampaignForm, HonourForm
from activities.models import COUNT_FIELDS, Activity, ActivityType, Campaign, Honour
from activities.resources import ActivityResource, HonourResource
from activities.services import (
    ACTIVITY_FIELDS,
    CAMPAIGN_FIELDS,
    HONOUR_FIELDS,
    activity_create,
    activity_update,
    campaign_create,
    campaign_update,
    honour_create,
    honour_update,
)
from imports.import_admin import SpreadsheetImportMixin, file_response
from imports.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from orgunits.models import OrgUnit
from rosters.profile_admin import may_change_set, sets_for


class YearFilter(admin.SimpleListFilter):
    """The records of one year (?year=2025), by the date field the admin names."""

    title = "年度"
    parameter_name = "year"
    date_field = "started_on"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(year), f"{year}年") for year in range(this_year, this_year - 5, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not (value.isdigit() and 1900 < int(value) < 2200):
            return queryset.none()
        year = int(value)
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return queryset.filter(**{f"{self.date_field}__gte": first, f"{self.date_field}__lte": last})


class AwardYearFilter(YearFilter):
    date_field = "awarded_on"


def _service_fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


@admin.register(ActivityType)
class ActivityTypeAdmin(NationalSettingsAdminMixin, GuardedHistoryAdmin):
    list_display = ("name", "code", "measures_shown", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")
    fieldsets = [
        (None, {"fields": ("code", "name", "sort_order")}),
        (
            "统计项（填了单位的才统计；说法是报告里数字前的文字）",
            {"fields": [f"{n}_{p}" for n in COUNT_FIELDS for p in ("label", "unit")]},
        ),
    ]

    @admin.display(description="统计项")
    def measures_shown(self, activity_type):
        return "、".join(f"{phrase}（{unit}）" for _name, phrase, unit in activity_type.measures()) or "—"


def campaigns_for(scope: Scope):
    """Campaigns an activity of hers may join: the national ones, her units' own and her units'
    ancestors' (a township's clerk runs the county's campaign), as activity_errors allows."""
    campaigns = Campaign.objects.select_related("owner")
    if scope.unrestricted:
        return campaigns
    step = OrgUnit.steplen
    ancestors = {path[:end] for path in scope.view_paths for end in range(step, len(path), step)}
    owned = scope.filter(campaigns, "owner__").values("pk")
    return campaigns.filter(Q(owner__isnull=True) | Q(pk__in=owned) | Q(owner__path__in=ancestors))


class CampaignChoiceMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = campaigns_for(scope_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(RuledAdminMixin, GuardedHistoryAdmin):
    form = CampaignForm
    list_display = ("name", "owner", "year", "starts_on", "ends_on")
    list_select_related = ("owner",)
    list_filter = ("year",)
    search_fields = ("name",)
    autocomplete_fields = ("owner",)
    fields = CAMPAIGN_FIELDS
    show_full_result_count = False

    def get_queryset(self, request):
        return sets_for(scope_of(request), super().get_queryset(request))

    def may_add(self, request) -> bool:
        return scope_of(request).can_edit_anything

    def may_change(self, request, obj) -> bool:
        return may_change_set(scope_of(request), obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            # Her own units only; only a national administrator may leave it empty (a national campaign).
            scope = scope_of(request)
            kwargs["queryset"] = scope.units(editable=True)
            kwargs["required"] = not scope.national
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = _service_fields(form, CAMPAIGN_FIELDS)
        obj.pk = (campaign_update(campaign=obj, **fields) if change else campaign_create(**fields)).pk


@admin.register(Activity)
class ActivityAdmin(
    ScopedAdminMixin, CampaignChoiceMixin, ChangelistExportMixin, SpreadsheetImportMixin, GuardedHistoryAdmin
):
    form = ActivityForm
    resource_classes = [ActivityResource]
    import_columns = COLUMNS
    change_list_template = "admin/activities/activity/change_list.html"
    list_display = ("title", "unit", "type", "started_on", "sessions", "participants", "served", "amount")
    list_select_related = ("unit", "type")
    list_filter = ("type", YearFilter, "approximate")
    autocomplete_fields = ("unit",)
    search_fields = ("title", "unit__name")
    date_hierarchy = "started_on"
    show_full_result_count = False
    fields = ACTIVITY_FIELDS

    def save_model(self, request, obj, form, change):
        fields = _service_fields(form, ACTIVITY_FIELDS)
        obj.pk = (activity_update(activity=obj, **fields) if change else activity_create(**fields)).pk

    def export_file(self, request, activities, file_format):
        """Always an .xlsx that imports back unchanged."""
        headers, rows = export_rows(activities)
        return file_response(table_xlsx("活动", headers, rows), "活动.xlsx", XLSX_CONTENT_TYPE)


@admin.register(Honour)
class HonourAdmin(ScopedAdminMixin, ChangelistExportMixin, SpreadsheetImportMixin, GuardedHistoryAdmin):
    form = HonourForm
    resource_classes = [HonourResource]
    import_columns = honour_import.COLUMNS
    change_list_template = "admin/activities/honour/change_list.html"
    list_display = ("title", "unit", "level", "awarded_on", "awarded_by")
    list_select_related = ("unit",)
    list_filter = ("level", AwardYearFilter)
    autocomplete_fields = ("unit",)
    search_fields = ("title", "unit__name")
    date_hierarchy = "awarded_on"
    show_full_result_count = False
    fields = HONOUR_FIELDS

    def save_model(self, request, obj, form, change):
        fields = _service_fields(form, HONOUR_FIELDS)
        obj.pk = (honour_update(honour=obj, **fields) if change else honour_create(**fields)).pk

    def export_file(self, request, honours, file_format):
        """The import's columns: the file imports back unchanged."""
        headers, rows = honour_import.export_rows(honours)
        if file_format == "csv":
            return file_response(table_csv(headers, rows), "荣誉.csv", CSV_CONTENT_TYPE)
        return file_response(table_xlsx("荣誉", headers, rows), "荣誉.xlsx", XLSX_CONTENT_TYPE)
