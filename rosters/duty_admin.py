"""Admin for 执委履职: the duty types (a national setting) and the duty records, scoped to her units."""

from django.contrib import admin

from access.history_admin import GuardedHistoryAdmin, NationalSettingsAdminMixin
from access.scoped_admin import ScopedAdminMixin
from imports.import_admin import SpreadsheetImportMixin
from orgunits.forms import ServiceValidatedForm
from rosters.duties import DUTY_FIELDS, duty_record_create, duty_record_update, duty_record_validate
from rosters.duty_import import DUTY_COLUMNS
from rosters.models import DutyRecord, DutyType
from rosters.resources import DutyResource

# The appointment is linked by the service (the person's at the unit that day), not chosen.
FORM_FIELDS = [name for name in DUTY_FIELDS if name != "appointment"]


class DutyRecordForm(ServiceValidatedForm):
    class Meta:
        model = DutyRecord
        fields = FORM_FIELDS

    def service_validate(self):
        duty_record_validate(self.instance)


@admin.register(DutyType)
class DutyTypeAdmin(NationalSettingsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "sort_order")
    list_editable = ("sort_order",)


@admin.register(DutyRecord)
class DutyRecordAdmin(ScopedAdminMixin, SpreadsheetImportMixin, GuardedHistoryAdmin):
    form = DutyRecordForm
    resource_classes = [DutyResource]
    import_columns = DUTY_COLUMNS
    change_list_template = "admin/rosters/dutyrecord/change_list.html"
    list_display = ("person", "unit", "done_on", "duty_type", "households", "women")
    list_select_related = ("person", "unit", "duty_type")
    list_filter = ("duty_type",)
    date_hierarchy = None
    autocomplete_fields = ("person", "unit")
    readonly_fields = ("appointment",)
    search_fields = ("person__name", "unit__name")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "unit", "duty_type")  # the list and str()

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in FORM_FIELDS}
        saved = duty_record_update(record=obj, **fields) if change else duty_record_create(**fields)
        obj.pk = saved.pk
