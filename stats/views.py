"""Admin pages for statistics: data entry, coverage and indicators for any unit."""

import datetime
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from access.scope import READ_ONLY_SCOPE, scope_of
from orgunits.as_of import TreeOn
from orgunits.autocomplete import limit_unit_choices
from rosters.duties import duties_rolled_up
from rosters.executive import executive_staffing
from stats.coverage import coverage, coverage_with_previous_year, current_of
from stats.exports import coverage_csv, coverage_xlsx, title_of
from stats.formatting import format_rate
from stats.forms import CoverageForm, FiguresForm, UnitYearForm
from stats.indicators import indicator_values, period_sums
from stats.models import DataElement
from stats.same_period import compared_sentence, element_changes
from stats.services import completeness, datavalues_save, figure_text, own_figures


def _page(request, template, title, **context):
    return TemplateResponse(request, template, {**admin.site.each_context(request), "title": title, **context})


def _require(request, *perms):
    if not request.user.has_perms(perms):
        raise PermissionDenied


def _selection(request, form_class, defaults):
    """The unit/date form from the query string; the unit defaults to the top of the user's scope."""
    data = request.GET.copy()
    for key, value in defaults.items():
        data.setdefault(key, value)
    if "unit" not in data:
        home = scope_of(request).home()
        data["unit"] = home.pk if home else ""
    return limit_unit_choices(form_class(data), scope_of(request))


def coverage_view(request):
    _require(request, "orgunits.view_orgunit")
    form = _selection(request, CoverageForm, CoverageForm.defaults())
    result = staffing = None
    if form.is_valid():
        unit, on = form.cleaned_data["unit"], form.cleaned_data["on"]
        result = coverage_with_previous_year(unit, on) if form.cleaned_data["compare"] else coverage(unit, on)
        if request.GET.get("export") in EXPORTS:
            return _coverage_file(result, request.GET["export"])
        staffing = staffing_table(unit, on)
    return _page(
        request, "admin/stats/coverage.html", "组建率", form=form, result=result, staffing=staffing, media=form.media
    )


DUTIES_LINE = "执委履职：{year}年1月1日至{month}月{day}日，履职{records}次，走访{households}户，联系妇女{women}人。"
STAFFING_HEADERS = ["单位", "组织数", "执委在任", "按标准应配", "配备率", "达标组织", "达标率"]


def _staffing_cells(label: str, staffing) -> list[str]:
    return [
        label,
        staffing.organisations,
        staffing.in_post,
        staffing.norm,
        format_rate(staffing.rate),
        staffing.at_norm,
        format_rate(staffing.at_norm_rate),
    ]


def staffing_table(unit, on) -> dict | None:
    """执委配备 below the coverage: a row per child area (本级 and the host units as in coverage), then
    合计; None where no organisation has 执委 seats."""
    tree = TreeOn.of(on)  # one look at whether the tree changed since, for both
    staffing = executive_staffing(unit, on, tree=tree)
    if not staffing.summary.by_kind:
        return None
    rows = [_staffing_cells(row.label, row.total) for row in staffing.rows]
    duties = duties_rolled_up(unit, datetime.date(on.year, 1, 1), on, tree=tree).total
    return {
        "headers": STAFFING_HEADERS,
        "rows": [*rows, _staffing_cells("合计", staffing.summary.total)],
        "duties": DUTIES_LINE.format(year=on.year, month=on.month, day=on.day, **vars(duties)),
    }


EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _coverage_file(result, kind: str) -> HttpResponse:
    current = current_of(result)
    content = coverage_xlsx(result) if kind == "xlsx" else "\ufeff" + coverage_csv(result)  # BOM: Excel reads UTF-8
    name = quote(f"{title_of(current)}（{current.on.isoformat()}）.{kind}")
    response = HttpResponse(content, content_type=EXPORTS[kind])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def indicators_view(request):
    _require(request, "orgunits.view_orgunit", "stats.view_datavalue")
    form = _selection(request, UnitYearForm, {"year": timezone.localdate().year - 1})
    values, changes, period = None, None, None
    if form.is_valid():
        unit, period = form.cleaned_data["unit"], form.period()
        sums = period_sums(unit, period)
        values, changes = indicator_values(unit, period, sums=sums), element_changes(unit, period, sums=sums)
    return _page(
        request,
        "admin/stats/indicators.html",
        "指标",
        form=form,
        values=values,
        changes=changes,
        sentence=compared_sentence(period, changes) if changes else "",
        period=period,
        media=form.media,
    )


def entry_view(request):
    _require(request, "orgunits.view_orgunit", "stats.add_datavalue", "stats.change_datavalue")
    chooser = _selection(request, UnitYearForm, {"year": timezone.localdate().year - 1})
    if not chooser.is_valid():
        return _page(request, "admin/stats/entry.html", "数据填报", chooser=chooser, media=chooser.media)
    unit, period = chooser.cleaned_data["unit"], chooser.period()
    may_edit = scope_of(request).can_edit(unit)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(READ_ONLY_SCOPE.format(unit=unit.name))
    elements = list(DataElement.objects.all())
    if request.method == "POST":
        figures = FiguresForm(request.POST, elements=elements)
        if figures.is_valid():
            try:
                changed = datavalues_save(unit=unit, period=period, values=figures.raw_values())
            except ValidationError as exc:
                figures.add_service_errors(exc)
            else:
                messages.success(request, f"已保存{unit.name}{period.label}的数据（{changed}项有变化）。")
                return HttpResponseRedirect(request.get_full_path())
    else:
        initial = {}
        for code, (total, female, approximate) in own_figures(unit, period).items():
            initial[f"{code}__total"] = figure_text(total, approximate)
            initial[f"{code}__female"] = figure_text(female, approximate)
        figures = FiguresForm(initial=initial, elements=elements)
    return _page(
        request,
        "admin/stats/entry.html",
        f"数据填报：{unit.name} {period.label}",
        chooser=chooser,
        figures=figures,
        unit=unit,
        period=period,
        completeness=completeness(unit, period) if unit.numchild else None,
        may_edit=may_edit,
        media=chooser.media,
    )
