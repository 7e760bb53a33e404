"""The unit list page's parts: the drill-down into the tree, the list filters and the changelist."""

import datetime

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone

from access.scope import scope_of
from orgunits import selectors
from orgunits.as_of import TreeOn
from orgunits.autocomplete import location_labels
from orgunits.models import OrgUnit, UnitChange, UnitKind

LEVEL_NAMES = {1: "全国", 2: "省级", 3: "市级", 4: "县级", 5: "乡级", 6: "村级", 7: "村以下"}


def drilldown_chain(request) -> list[OrgUnit]:
    """The unit being drilled into and its ancestors, root first (selectors.drilldown_chain); cached on the request."""
    if not hasattr(request, "_unit_chain"):
        request._unit_chain = selectors.drilldown_chain(
            request.GET.get(ParentFilter.parameter_name, ""), scope_of(request)
        )
    return request._unit_chain


class ParentFilter(admin.SimpleListFilter):
    title = "上级单位"
    parameter_name = "parent"
    template = "admin/orgunits/orgunit/parent_filter.html"

    def lookups(self, request, model_admin):
        chain = drilldown_chain(request)
        self.plain = {str(unit.pk) for unit in chain if not unit.viewable}
        if not chain and self.used_parameters.get(self.parameter_name):
            # Still a choice, so the admin applies the filter (to nothing) instead of dropping it.
            return [(self.used_parameters[self.parameter_name], "（不存在或无权查看）")]
        return [(str(unit.pk), unit.name) for unit in chain]

    def choices(self, changelist):
        lookups = [None, *(lookup for lookup, _title in self.lookup_choices)]  # None: the "全部" choice
        for choice, lookup in zip(super().choices(changelist), lookups, strict=True):
            yield {**choice, "plain": lookup in self.plain}

    def queryset(self, request, queryset):
        chain = drilldown_chain(request)
        if not self.value():
            return queryset
        if not chain:
            return queryset.none()
        # While searching, look through the whole subtree rather than the direct children.
        if request.GET.get("q", "").strip():
            return queryset.subtree(chain[-1], include_self=False)
        if getattr(request, "export_whole_subtree", False):
            return queryset.subtree(chain[-1])
        day = as_of_day(request)
        if day is not None:  # the children it had then, wherever they are now
            return queryset.filter(pk__in=TreeOn.of(day).children(chain[-1]).values("pk"))
        return queryset.children_of(chain[-1])


def as_of_day(request) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get(AsOfFilter.parameter_name, ""))
    except ValueError:
        return None


class AsOfFilter(admin.SimpleListFilter):
    """The units open on a past day, with the code, name and kind they had then (orgunits.as_of).
    Offered for the eve of each division change; any day can be typed into the address."""

    title = "截至日期（区划调整前）"
    parameter_name = "as_of"

    def lookups(self, request, model_admin):
        days = UnitChange.objects.dates("changed_on", "day", order="DESC")[:10]
        choices = [
            (str(day - datetime.timedelta(days=1)), f"{day - datetime.timedelta(days=1)}（{day}调整前）")
            for day in days
        ]
        value = self.value()
        if value and value not in dict(choices):
            choices.append((value, value if as_of_day(request) else "（日期无效）"))
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        day = as_of_day(request)
        if day is None:
            return queryset.none()
        return TreeOn.of(day).annotate(queryset.open_on(day))


class KindFilter(admin.SimpleListFilter):
    title = "类型"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.code, kind.name) for kind in UnitKind.objects.all()]

    def queryset(self, request, queryset):
        return queryset.filter(kind__code=self.value()) if self.value() else queryset


class LevelFilter(admin.SimpleListFilter):
    title = "层级"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [(str(depth), name) for depth, name in LEVEL_NAMES.items()]

    def queryset(self, request, queryset):
        return queryset.at_level(int(self.value())) if (self.value() or "").isdigit() else queryset


class StatusFilter(admin.SimpleListFilter):
    title = "状态（今日）"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "存续"), ("closed", "已撤销")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "open":
            return queryset.open_on(today)
        if self.value() == "closed":
            return queryset.closed_on_or_before(today)
        return queryset


class OrgFilter(admin.SimpleListFilter):
    title = "妇女组织（今日）"
    parameter_name = "org"

    def lookups(self, request, model_admin):
        return [("yes", "已建立"), ("no", "未建立")]

    def queryset(self, request, queryset):
        established = queryset.org_established_on(timezone.localdate())
        if self.value() == "yes":
            return established
        if self.value() == "no":
            return queryset.exclude(pk__in=established.values("pk"))
        return queryset


class UnitChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        locations = location_labels(self.result_list) if "location" in self.list_display else {}
        indent_base = min((unit.depth for unit in self.result_list), default=1)
        flat = bool(self.query)
        old_codes = getattr(request, "old_codes_found", {})
        for unit in self.result_list:
            unit.location_label = locations.get(unit.pk, "")
            unit.old_code_found = old_codes.get(unit.pk)
            unit.indent = 0 if flat else unit.depth - indent_base
