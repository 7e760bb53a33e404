"""区划调整记录: the dated division changes, listed by area and year, and on each unit's page.

Read-only: the records are written by apply_divisions alone, and say what happened on a date.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from access.scope import scope_of
from access.scoped_admin import ScopedAdminMixin
from orgunits.division_plan import CHANGE_TYPES
from orgunits.division_upload_admin import DivisionUploadMixin
from orgunits.models import OrgUnit, UnitChange

CHANGES_SHOWN_ON_UNIT_PAGE = 10


class AreaFilter(admin.SimpleListFilter):
    """Changes of the units in an area and below it (?area=<unit id>), as linked from a unit's page."""

    title = "区域"
    parameter_name = "area"

    def lookups(self, request, model_admin):
        area = self._area(request)
        return [(str(area.pk), f"{area.name}及下级")] if area else []

    def _area(self, request):
        raw = request.GET.get(self.parameter_name, "")
        return scope_of(request).units().filter(pk=raw).first() if raw.isdigit() else None

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        area = self._area(request)
        return queryset.filter(OrgUnit.subtree_q(area.path, via="unit__")) if area else queryset.none()


class YearFilter(admin.SimpleListFilter):
    title = "年份"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = UnitChange.objects.dates("changed_on", "year", order="DESC")
        return [(str(day.year), f"{day.year}年") for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(changed_on__year=int(value)) if value and value.isdigit() else queryset


class ChangeTypeFilter(admin.SimpleListFilter):
    """One change can be several at once (类型变更+改代码): each type finds it."""

    title = "变更类型"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(kind, kind) for kind in CHANGE_TYPES]

    def queryset(self, request, queryset):
        value = self.value()
        if value not in CHANGE_TYPES:
            return queryset
        return queryset.filter(Q(change_type=value) | Q(change_type__contains=value))


@admin.register(UnitChange)
class UnitChangeAdmin(DivisionUploadMixin, ScopedAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/orgunits/unitchange/change_list.html"
    list_display = (
        "changed_on",
        "change_type",
        "unit_link",
        "old_code",
        "old_name",
        "new_code",
        "new_name",
        "successor_link",
        "edition",
    )
    list_display_links = None
    list_select_related = ("unit", "successor")
    list_filter = (AreaFilter, YearFilter, ChangeTypeFilter)
    list_per_page = 50
    show_full_result_count = False
    search_fields = ("old_code", "new_code", "old_name", "new_name")
    search_help_text = "按原代码、新代码或名称搜索。"
    ordering = ("-changed_on", "old_code")
    actions = None

    def may_add(self, request) -> bool:
        return False

    def may_change(self, request, obj) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isascii():
            return queryset.filter(Q(old_code__startswith=term) | Q(new_code__startswith=term)), False
        return queryset.filter(Q(old_name__contains=term) | Q(new_name__contains=term)), False

    @admin.display(description="单位（现名）", ordering="unit__path")
    def unit_link(self, change):
        return _unit_link(change.unit)

    @admin.display(description="并入")
    def successor_link(self, change):
        return _unit_link(change.successor) if change.successor_id else "—"


def _unit_link(unit: OrgUnit):
    return format_html('<a href="{}">{}</a>', reverse("admin:orgunits_orgunit_change", args=[unit.pk]), unit.name)


@admin.display(description="区划调整")
def unit_changes_field(unit: OrgUnit):
    """The unit's own changes and the units merged into it, newest first, with a link to the list."""
    changes = (
        UnitChange.objects.filter(Q(unit=unit) | Q(successor=unit))
        .select_related("unit")
        .order_by("-changed_on", "old_code")
    )
    shown = list(changes[: CHANGES_SHOWN_ON_UNIT_PAGE + 1])
    if not shown:
        return "（无）"
    lines = format_html_join(
        "",
        "<li>{}</li>",
        ((_change_text(change, unit),) for change in shown[:CHANGES_SHOWN_ON_UNIT_PAGE]),
    )
    more = ""
    if len(shown) > CHANGES_SHOWN_ON_UNIT_PAGE:
        url = reverse("admin:orgunits_unitchange_changelist") + f"?area={unit.pk}"
        more = format_html('<a href="{}">全部 ›</a>', url)
    return format_html('<ul style="margin:0; padding-left:1.2em">{}</ul>{}', lines, more)


def _change_text(change: UnitChange, unit: OrgUnit) -> str:
    if change.successor_id == unit.pk and change.unit_id != unit.pk:
        return f"{change.changed_on} “{change.old_name}”（{change.old_code}）并入本单位（{change.edition}版区划）"
    old = f"{change.old_name}（{change.old_code}）" if change.old_code else ""
    new = f"{change.new_name}（{change.new_code}）" if change.new_code else ""
    arrow = " → " if old and new else ""
    return f"{change.changed_on} {change.change_type}：{old}{arrow}{new}（{change.edition}版区划）"
