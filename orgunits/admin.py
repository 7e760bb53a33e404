from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.options import ShowFacets
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from access.history_admin import GuardedHistoryAdmin, NationalSettingsAdminMixin
from access.scope import OUT_OF_SCOPE, scope_of
from access.scoped_admin import ScopedAdminMixin
from imports.import_admin import SpreadsheetImportMixin, file_response
from imports.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from orgunits import errors, unit_export, unit_import
from orgunits.autocomplete import URL_NAME, UnitChoiceView, limit_unit_choices
from orgunits.change_admin import unit_changes_field
from orgunits.form_admin import form_changes_field  # and registers 组织形式变更
from orgunits.forms import CloseForm, MoveForm, OrgUnitAddForm, OrgUnitForm
from orgunits.models import OrgUnit, UnitKind
from orgunits.resources import UnitResource
from orgunits.selectors import is_code_term, search_units
from orgunits.services import (
    EDITABLE_FIELDS,
    unit_close,
    unit_create,
    unit_delete,
    unit_delete_problem,
    unit_move,
    unit_update,
)
from orgunits.unit_list_admin import (
    AsOfFilter,
    KindFilter,
    LevelFilter,
    OrgFilter,
    ParentFilter,
    StatusFilter,
    UnitChangeList,
    drilldown_chain,
)
from rosters.admin import CurrentRosterInline

CHILDREN_SHOWN_ON_CHANGE_PAGE = 50
EXPORT_LIMIT = 100_000
EXPORT_TOO_BIG = "要导出的单位超过{limit}个，请先进入下级单位或加筛选条件再导出。"
# Shown on the refused page (registry.middleware lists it): it names no unit.


@admin.register(UnitKind)
class UnitKindAdmin(NationalSettingsAdminMixin, GuardedHistoryAdmin):
    list_display = ("name", "code", "org_form", "is_area", "eligible_by_default", "sort_order")
    list_editable = ("sort_order",)
    filter_horizontal = ("allowed_parents",)
    search_fields = ("name", "code")


def ancestors_field(request):
    """The change page's ancestor trail, linking only the ancestors the user may open.

    A callable per request (readonly_fields accept callables), since the admin instance is shared.
    """
    if not hasattr(request, "_ancestors_field"):
        scope = scope_of(request)

        @admin.display(description="上级单位")
        def ancestors(unit):
            chain = list(OrgUnit.objects.ancestors_of(unit))
            if not chain:
                return "（顶层单位）"
            links = (
                format_html('<a href="{}">{}</a>', reverse("admin:orgunits_orgunit_change", args=[a.pk]), a.name)
                if scope.can_view(a)
                else format_html("{}", a.name)
                for a in chain
            )
            return format_html_join(" › ", "{}", ((link,) for link in links))

        request._ancestors_field = ancestors
    return request._ancestors_field


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, SpreadsheetImportMixin, GuardedHistoryAdmin):
    scope_via = ""
    resource_classes = [UnitResource]
    import_columns = unit_import.COLUMNS
    history_list_display = ("name", "code", "closed_on", "org_established_on")
    form = OrgUnitForm
    list_display = ("tree_name", "code_column", "kind", "children", "location", "status", "org_status")
    list_display_links = None
    list_select_related = ("kind",)
    list_filter = (ParentFilter, KindFilter, LevelFilter, StatusFilter, OrgFilter, AsOfFilter)
    list_per_page = 50
    sortable_by = ("tree_name", "code_column")
    search_fields = ("code", "name")
    search_help_text = "字母数字按代码前缀搜索（如 4313），汉字按名称搜索（如 青树坪）。"
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    actions = None
    readonly_fields = ("direct_children", "path_info")
    change_form_template = "admin/orgunits/orgunit/change_form.html"
    change_list_template = "admin/orgunits/orgunit/change_list.html"

    # ---- list ----
    def get_changelist(self, request, **kwargs):
        return UnitChangeList

    def get_list_display(self, request):
        # Only search results are flat. In the tree the indentation and the trail already say where
        # each row is, and the column would squeeze the names onto several lines.
        if not request.GET.get("q", "").strip():
            return tuple(name for name in self.list_display if name != "location")
        return self.list_display

    def get_search_results(self, request, queryset, search_term):
        request.old_codes_found = {}
        return search_units(queryset, search_term, old_codes=request.old_codes_found), False

    def get_ordering(self, request):
        # Code search results are shown flat, so code order reads as well as tree order.
        if is_code_term(request.GET.get("q", "").strip()):
            return ["code"]
        return super().get_ordering(request)

    @admin.display(description="名称", ordering="path")
    def tree_name(self, unit):
        url = reverse("admin:orgunits_orgunit_change", args=[unit.pk])
        indent = getattr(unit, "indent", 0)
        # At least 8em beside the indent, so the indent cannot squeeze a short name onto two lines.
        return format_html(
            '<span style="display:inline-block; min-width:8em; padding-left:{}em">{}<a href="{}">{}</a></span>',
            indent * 1.5,
            "└ " if indent else "",
            url,
            getattr(unit, "then_name", unit.name),  # with 截至日期: the name it had then
        )

    @admin.display(description="代码", ordering="code")
    def code_column(self, unit):
        old = getattr(unit, "old_code_found", None)  # a code it had before a division change, searched for
        if old:
            return format_html('{}<br><span class="help">原代码 {}</span>', unit.code, old)
        then = getattr(unit, "then_code", unit.code)  # with 截至日期: the code it had then
        if then != unit.code:
            return format_html('{}<br><span class="help">现代码 {}</span>', then, unit.code)
        return unit.code

    @admin.display(description="下级")
    def children(self, unit):
        if not unit.numchild:
            return "—"
        url = reverse("admin:orgunits_orgunit_changelist")
        return format_html(
            '<a href="{}?parent={}" title="查看下级单位" style="white-space:nowrap">{} 个 ›</a>',
            url,
            unit.pk,
            unit.numchild,
        )

    @admin.display(description="所属")
    def location(self, unit):
        return getattr(unit, "location_label", "")

    @admin.display(description="状态")
    def status(self, unit):
        return "存续" if unit.is_open_on(timezone.localdate()) else f"已撤销（{unit.closed_on}）"

    @admin.display(description="妇女组织")
    def org_status(self, unit):
        today = timezone.localdate()
        if unit.has_org_on(today):
            return f"{unit.effective_org_form_label}（{unit.org_established_on}）"
        if unit.org_established_on and unit.org_established_on <= today:
            return f"已撤销（{unit.org_dissolved_on}）"  # established, and dissolved by today
        return "未建立"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "unit_chain": drilldown_chain(request)}
        return super().changelist_view(request, extra_context)

    # ---- change form ----
    def may_move(self, request, unit) -> bool:
        """Moving takes the unit away from its parent, so she must be able to change the parent too:
        never her own top unit, nor the national root."""
        parent = unit.parent_position()
        return parent is not None and scope_of(request).can_edit(parent)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        unit = self.unit_of(obj) if obj is not None and obj.pk else None
        if unit is not None:
            data = response.context_data
            data["may_move"] = data["has_change_permission"] and self.may_move(request, unit)
            # 删除 only where it would be done: otherwise the page behind it only says no.
            if data["has_delete_permission"] and unit_delete_problem(unit):
                data["show_delete"] = False
            data["survey_reports"] = self.survey_reports_link(request, unit)
        return response

    def survey_reports_link(self, request, unit):
        """(count, url) of the unit's survey reports she may see, or None without the permission."""
        report_admin = self.admin_site._registry.get(apps.get_model("reports", "SurveyReport"))
        if report_admin is None or not report_admin.has_view_permission(request):
            return None
        count = report_admin.get_queryset(request).filter(unit=unit).count()
        url = reverse("admin:reports_surveyreport_changelist") + f"?unit__id__exact={unit.pk}"
        return count, url

    def get_readonly_fields(self, request, obj=None):
        return (ancestors_field(request), unit_changes_field, form_changes_field, *self.readonly_fields)

    def get_inlines(self, request, obj):
        return [CurrentRosterInline] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = OrgUnitForm if obj else type("ScopedAddForm", (OrgUnitAddForm,), {"scope": scope_of(request)})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        dates = ("opened_on", "closed_on")
        org = ("org_form", "org_established_on", "org_dissolved_on", "eligibility")
        if obj is None:
            return [
                (None, {"fields": ("parent", "code", "name", "kind")}),
                ("存续期", {"fields": dates}),
                ("妇女组织", {"fields": org}),
            ]
        return [
            ("位置", {"fields": (ancestors_field(request), "direct_children")}),
            (None, {"fields": ("code", "name", "kind")}),
            ("存续期", {"fields": dates, "description": "撤销整个下级请用右上角的“撤销”。"}),
            ("妇女组织", {"fields": (*org, "form_changed_on", form_changes_field)}),
            ("区划调整", {"fields": (unit_changes_field,)}),
            ("树结构", {"fields": ("path_info",), "classes": ("collapse",)}),
        ]

    @admin.display(description="直接下级")
    def direct_children(self, unit):
        if not unit.numchild:
            return "（无）"
        shown = OrgUnit.objects.children_of(unit).only("pk", "name")[:CHILDREN_SHOWN_ON_CHANGE_PAGE]
        links = format_html_join(
            "、",
            '<a href="{}">{}</a>',
            ((reverse("admin:orgunits_orgunit_change", args=[c.pk]), c.name) for c in shown),
        )
        all_url = reverse("admin:orgunits_orgunit_changelist")
        return format_html(
            '{} <a href="{}?parent={}">（共{}个，列表查看 ›）</a>', links, all_url, unit.pk, unit.numchild
        )

    @admin.display(description="路径")
    def path_info(self, unit):
        return f"{unit.path}（第{unit.depth}层，{unit.numchild}个直接下级）"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # Only reached when another user changed the tree between validation and save.
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())

    def unit_of(self, obj):
        # A unit rebuilt from its history has no tree columns; judge the scope on the live row.
        return obj if obj.path else OrgUnit.objects.filter(pk=obj.pk).first()

    def save_model(self, request, obj, form, change):
        if change:
            # Every editable field, not only the changed ones: a revert from the history page
            # posts the old values as they are shown, so nothing looks "changed" to the form.
            changes = {field: form.cleaned_data[field] for field in EDITABLE_FIELDS}
            unit_update(unit=obj, form_changed_on=form.cleaned_data.get("form_changed_on"), **changes)
            return
        created = unit_create(
            parent=form.cleaned_data.get("parent"),
            **{field: form.cleaned_data[field] for field in EDITABLE_FIELDS},
        )
        obj.pk, obj.path, obj.depth, obj.numchild = created.pk, created.path, created.depth, created.numchild

    # ---- delete: only mistakes; real units are closed ----
    def delete_view(self, request, object_id, extra_context=None):
        unit = self.get_object(request, unquote(object_id))
        if unit is not None and self.has_delete_permission(request, unit):
            problem = unit_delete_problem(unit)
            if problem:
                messages.error(request, problem)
                return HttpResponseRedirect(reverse("admin:orgunits_orgunit_change", args=[unit.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        unit_delete(unit=obj)

    # ---- extra views: move, close, autocomplete ----
    def get_urls(self):
        own = [
            path(
                "choose/",
                self.admin_site.admin_view(UnitChoiceView.as_view(admin_site=self.admin_site)),
                name=URL_NAME,
            ),
            path("export/", self.admin_site.admin_view(self.export_view), name="orgunits_orgunit_export"),
            path(
                "<path:object_id>/move/",
                self.admin_site.admin_view(self.move_view),
                name="orgunits_orgunit_move",
            ),
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="orgunits_orgunit_close",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request):
        """The list as filtered on screen (or, with whole=1, the drilled-into unit's whole subtree).

        The same scope and filters as the page; the file imports back unchanged.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        whole, as_csv = params.pop("whole", None), params.pop("format", ["xlsx"])[-1] == "csv"
        request.GET = params
        request.export_whole_subtree = bool(whole)
        queryset = self.get_changelist_instance(request).get_queryset(request).select_related("kind")
        units = list(queryset.in_tree_order()[: EXPORT_LIMIT + 1])
        if len(units) > EXPORT_LIMIT:
            messages.error(request, EXPORT_TOO_BIG.format(limit=EXPORT_LIMIT))
            return HttpResponseRedirect(reverse("admin:orgunits_orgunit_changelist") + "?" + params.urlencode())
        headers, rows = unit_export.export_rows(units)
        if as_csv:
            return file_response(table_csv(headers, rows), "单位.csv", CSV_CONTENT_TYPE)
        return file_response(table_xlsx("单位", headers, rows), "单位.xlsx", XLSX_CONTENT_TYPE)

    def _unit_for_action(self, request, object_id) -> OrgUnit:
        unit = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        if not self.has_change_permission(request, unit):
            raise PermissionDenied
        return unit

    def _action_view(self, request, unit, *, form_class, submit, perform):
        """A one-form page that runs a service on the unit; perform returns the log and success messages."""
        form = limit_unit_choices(form_class(request.POST or None), scope_of(request), editable=True)
        if request.method == "POST" and form.is_valid():
            try:
                log_message, success_message = perform(unit, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(next(iter(form.fields)), exc.messages)
            else:
                self.log_change(request, unit, log_message)
                messages.success(request, success_message)
                return HttpResponseRedirect(reverse("admin:orgunits_orgunit_change", args=[unit.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{submit}“{unit.name}”",
            "subtitle": str(unit),
            "unit": unit,
            "form": form,
            "submit_label": submit,
            "opts": self.opts,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/orgunits/orgunit/unit_action.html", context)

    def move_view(self, request, object_id):
        def perform(unit, new_parent):
            if not scope_of(request).can_edit(new_parent):
                raise ValidationError(OUT_OF_SCOPE.format(unit=new_parent.name))
            moved = unit_move(unit=unit, new_parent=new_parent)
            return f"移到“{new_parent}”之下", f"已把“{moved.name}”连同其全部下级移到“{new_parent.name}”之下。"

        unit = self._unit_for_action(request, object_id)
        if not self.may_move(request, unit):
            raise PermissionDenied(errors.MOVE_TOP_UNIT)
        return self._action_view(request, unit, form_class=MoveForm, submit="移动", perform=perform)

    def close_view(self, request, object_id):
        def perform(unit, closed_on):
            count = unit_close(unit=unit, closed_on=closed_on)
            return f"撤销于{closed_on}，共{count}个单位", f"已撤销“{unit.name}”及其下级，共{count}个单位。"

        unit = self._unit_for_action(request, object_id)
        return self._action_view(request, unit, form_class=CloseForm, submit="撤销", perform=perform)
