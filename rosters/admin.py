"""Admin for people, posts, terms and appointments."""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from access.history_admin import GuardedHistoryAdmin, NationalSettingsAdminMixin
from access.scope import scope_of
from access.scoped_admin import ChangelistExportMixin, RuledAdminMixin, ScopedAdminMixin
from imports.import_admin import SpreadsheetImportMixin, file_response
from imports.spreadsheets import XLSX_CONTENT_TYPE
from orgunits.pagination import CappedPaginator
from rosters import people
from rosters.duties import DUTY_TOTAL, DutyTally, duties_by_person
from rosters.errors import REVERT_KEEPS_PERSONAL_DATA
from rosters.forms import AppointmentForm, PersonForm, TermForm
from rosters.identity import mask_id_number, mask_phone
from rosters.models import Appointment, ConcurrentRole, DutyRecord, Person, Post, PostSeats, Term
from rosters.name_search import name_search, searched_ordering
from rosters.officer_export import export_xlsx
from rosters.officers import SPREADSHEET_COLUMNS
from rosters.resources import OfficerResource
from rosters.selectors import people_for
from rosters.services import (
    PERSON_FIELDS,
    appointment_create,
    appointment_update,
    person_create,
    person_update,
    term_close,
    term_open,
)


def may_see_personal_data(request) -> bool:
    return people.may_see_personal_data(request.user)


@admin.display(description="兼任")
def concurrent_roles(appointment) -> str:
    return "、".join(role.name for role in appointment.concurrent_roles.all()) or "—"


class AsOfDateFilter(admin.SimpleListFilter):
    """In post on a date: pick one of the offered days or put any ?as_of=YYYY-MM-DD in the address."""

    title = "在任日期"
    parameter_name = "as_of"

    def lookups(self, request, model_admin):
        today = timezone.localdate()
        return [
            (today.isoformat(), "今日在任"),
            (datetime.date(today.year - 1, 12, 31).isoformat(), "上年末在任"),
            (datetime.date(today.year - 2, 12, 31).isoformat(), "前年末在任"),
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = datetime.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.active_on(day)


class ReadOnlyTabularInline(admin.TabularInline):
    """Appointments are written through their own form and the services, never inline."""

    model = Appointment
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class AppointmentHistoryInline(ReadOnlyTabularInline):
    """Every post a person has held, across units."""

    fk_name = "person"
    fields = ("unit_link", "post", "start_on", "end_on", "mode")
    verbose_name_plural = "历任职务"

    def get_queryset(self, request):
        appointments = super().get_queryset(request).select_related("unit", "post").order_by("-start_on")
        return scope_of(request).filter(appointments, "unit__")

    @admin.display(description="单位")
    def unit_link(self, appointment):
        url = reverse("admin:orgunits_orgunit_change", args=[appointment.unit_id])
        return format_html('<a href="{}">{}</a>', url, appointment.unit.name)


class DutyHistoryInline(ReadOnlyTabularInline):
    """On a person's page: her duty records (执委履职) at units in the user's scope, latest first."""

    model = DutyRecord
    fk_name = "person"
    fields = ("done_on", "unit_link", "duty_type", "households", "women", "note")
    verbose_name_plural = "履职记录"

    def get_queryset(self, request):
        records = DutyRecord.objects.select_related("unit", "duty_type").order_by("-done_on", "-pk")
        return scope_of(request).filter(records, "unit__")

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines are made afresh for each request: the title carries this year's totals of what she sees.
        if obj is not None:
            today = timezone.localdate()
            records = self.get_queryset(request).filter(person=obj)
            tally = duties_by_person(records, datetime.date(today.year, 1, 1), today).get(obj.pk, DutyTally())
            self.verbose_name_plural = f"履职记录（本年{DUTY_TOTAL.format(**vars(tally))}）"
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="单位")
    def unit_link(self, record):
        url = reverse("admin:rosters_dutyrecord_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.unit.name)


class CurrentRosterInline(ReadOnlyTabularInline):
    """On a unit's page: who holds which post today."""

    fk_name = "unit"
    fields = ("person_link", "post", "start_on", "mode", "roles")
    roles = staticmethod(concurrent_roles)
    verbose_name_plural = "现任人员"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .active_on(timezone.localdate())
            .select_related("person", "post")
            .prefetch_related("concurrent_roles")
        )

    @admin.display(description="姓名")
    def person_link(self, appointment):
        url = reverse("admin:rosters_appointment_change", args=[appointment.pk])
        return format_html('<a href="{}">{}</a>', url, appointment.person.name)


class AppointmentPaginator(CappedPaginator):
    """A county's appointments (a few thousand) stay counted and every page reachable; a province's
    million are not counted past this."""

    cap = 10_000


@admin.register(Person)
class PersonAdmin(RuledAdminMixin, GuardedHistoryAdmin):
    form = PersonForm
    list_display = (
        "name",
        "sex",
        "birth_date",
        "ethnicity",
        "education",
        "political_status",
        "phone_masked",
        "id_masked",
    )
    list_filter = ("sex", "education", "political_status")
    search_fields = ("name",)
    show_full_result_count = False
    paginator = CappedPaginator  # and the autocomplete's: a surname alone matches tens of thousands
    inlines = [AppointmentHistoryInline, DutyHistoryInline]

    def get_queryset(self, request):
        visible = people_for(scope_of(request)).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def may_add(self, request) -> bool:
        return scope_of(request).can_edit_anything

    def may_change(self, request, person) -> bool:
        scope = scope_of(request)
        if person is None or scope.unrestricted:
            return scope.can_edit_anything
        return people_for(scope, editable=True).filter(pk=person.pk).exists()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term and term.replace("X", "").replace("x", "").isdigit() and may_see_personal_data(request):
            return queryset.filter(id_number__startswith=term.upper()) | queryset.filter(phone__startswith=term), False
        return name_search(queryset, term) if term else queryset, False

    def get_ordering(self, request):
        # The list's search is `q`, the autocomplete's `term`: both read their rows through here.
        ordering = super().get_ordering(request) or Person._meta.ordering
        searched = request.GET.get(SEARCH_VAR, "").strip() or request.GET.get("term", "").strip()
        return searched_ordering(ordering) if searched else ordering

    def get_list_display(self, request):
        if may_see_personal_data(request):
            return [*self.list_display[:-2], "phone", "id_number"]
        return self.list_display

    def get_fields(self, request, obj=None):
        if may_see_personal_data(request):
            return list(PERSON_FIELDS)
        hidden = ("phone", "id_number")
        return [f for f in PERSON_FIELDS if f not in hidden] + (["phone_masked", "id_masked"] if obj else [])

    def get_readonly_fields(self, request, obj=None):
        return () if may_see_personal_data(request) else ("phone_masked", "id_masked")

    @admin.display(description="手机")
    def phone_masked(self, person):
        return mask_phone(person.phone) or "—"

    @admin.display(description="身份证号")
    def id_masked(self, person):
        return mask_id_number(person.id_number) or "—"

    def revert_notes(self, request, live, version) -> list[str]:
        hidden = ("phone", "id_number")
        if may_see_personal_data(request) or all(getattr(live, f) == getattr(version, f) for f in hidden):
            return []
        return [REVERT_KEEPS_PERSONAL_DATA]

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # saved unchanged: no empty version in the history
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in PERSON_FIELDS}
        if change:
            person_update(person=obj, **fields)
        else:
            home = scope_of(request).units(editable=True).order_by("path").first()
            obj.pk = person_create(registered_in=home, created_by=request.user, **fields).pk


class PostSeatsInline(NationalSettingsAdminMixin, admin.TabularInline):
    """职数 by unit kind: a kind not listed has no seats for the post."""

    model = PostSeats
    extra = 0
    fields = ("kind", "seats")
    verbose_name_plural = "各类单位职数"


@admin.register(Post)
class PostAdmin(NationalSettingsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "is_leadership", "counts_as_chair", "seats_by_kind", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name",)
    inlines = [PostSeatsInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("seats", queryset=PostSeats.objects.select_related("kind")))
        )

    @admin.display(description="职数")
    def seats_by_kind(self, post) -> str:
        return "、".join(f"{row.kind.name}{row.seats}" for row in post.seats.all()) or "—"


@admin.register(ConcurrentRole)
class ConcurrentRoleAdmin(NationalSettingsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Term)
class TermAdmin(ScopedAdminMixin, GuardedHistoryAdmin):
    form = TermForm
    list_display = ("unit", "ordinal", "elected_on", "due_on", "closed_on")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    search_fields = ("unit__name", "unit__code")
    show_full_result_count = False
    date_hierarchy = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")  # str(term) names the unit

    def get_fields(self, request, obj=None):
        return (
            ("unit", "elected_on", "due_on")
            if obj is None
            else ("unit", "ordinal", "elected_on", "due_on", "closed_on")
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("unit", "ordinal", "elected_on", "due_on")

    def save_model(self, request, obj, form, change):
        if change:
            term_close(term=obj, closed_on=form.cleaned_data["closed_on"])
        else:
            created = term_open(
                unit=form.cleaned_data["unit"],
                elected_on=form.cleaned_data["elected_on"],
                due_on=form.cleaned_data.get("due_on"),
            )
            obj.pk, obj.ordinal = created.pk, created.ordinal


class SubtreeFilter(admin.SimpleListFilter):
    """Appointments in a unit and everything under it (?subtree=<unit id>), as linked from the unit page."""

    title = "单位范围"
    parameter_name = "subtree"

    def lookups(self, request, model_admin):
        unit = self._unit(request)
        return [(str(unit.pk), f"{unit.name}及下级")] if unit else []

    def _unit(self, request):
        raw = request.GET.get(self.parameter_name, "")
        return scope_of(request).units().filter(pk=raw).first() if raw.isdigit() else None

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = self._unit(request)
        return queryset.in_subtree(unit) if unit else queryset.none()


@admin.register(Appointment)
class AppointmentAdmin(ScopedAdminMixin, ChangelistExportMixin, SpreadsheetImportMixin, GuardedHistoryAdmin):
    form = AppointmentForm
    resource_classes = [OfficerResource]
    import_columns = SPREADSHEET_COLUMNS
    change_list_template = "admin/rosters/appointment/change_list.html"
    list_display = ("person", "unit", "post", "start_on", "end_on", "mode", "roles")
    roles = staticmethod(concurrent_roles)
    list_select_related = ("person", "unit", "post")
    list_filter = (SubtreeFilter, AsOfDateFilter, "post", "mode")
    autocomplete_fields = ("person", "unit", "term")
    search_fields = ("person__name", "unit__name")
    show_full_result_count = False
    paginator = AppointmentPaginator

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("concurrent_roles")

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in ("person", "unit", "post", "term", "start_on", "end_on", "mode")
        }
        roles = form.cleaned_data["concurrent_roles"]
        if change:
            saved = appointment_update(appointment=obj, concurrent_roles=roles, **fields)
        else:
            saved = appointment_create(concurrent_roles=roles, **fields)
            obj.pk = saved.appointment.pk
        for warning in saved.warnings:
            messages.warning(request, warning)

    def export_file(self, request, appointments, file_format):
        """Always an .xlsx that imports back unchanged."""
        reveal = may_see_personal_data(request)
        content = export_xlsx(appointments.prefetch_related("concurrent_roles"), reveal_personal_data=reveal)
        return file_response(content, "任职.xlsx", XLSX_CONTENT_TYPE)

    def save_related(self, request, form, formsets, change):
        # The roles were set by the service; only the inlines, if any, are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


# Registers the duty records' and the profile sets' admins.
from rosters import duty_admin, profile_admin  # noqa: E402, F401
