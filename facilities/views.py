"""The 阵地覆盖 page: coverage per facility kind for any unit of her scope and any date, with exports."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from access.scope import scope_of
from facilities.coverage import facility_coverage
from facilities.forms import FacilityCoverageForm
from facilities.tables import branch_table, flat_rows, summary_table
from imports.import_admin import file_response
from imports.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from orgunits.autocomplete import limit_unit_choices

PERMISSIONS = ("orgunits.view_orgunit", "facilities.view_facility")


def _selection(request):
    """The unit/date form from the query string; the unit defaults to the top of her scope."""
    data = request.GET.copy()
    for key, value in FacilityCoverageForm.defaults().items():
        data.setdefault(key, value)
    if "unit" not in data:
        home = scope_of(request).home()
        data["unit"] = home.pk if home else ""
    return limit_unit_choices(FacilityCoverageForm(data), scope_of(request))


def coverage_view(request):
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied
    form = _selection(request)
    result = tables = None
    if form.is_valid():
        result = facility_coverage(form.cleaned_data["unit"], form.cleaned_data["on"])
        if request.GET.get("export") in ("xlsx", "csv"):
            return _export(result, request.GET["export"])
        tables = {"summary": summary_table(result), "branches": branch_table(result)}
    context = {**admin.site.each_context(request), "title": "阵地覆盖", "form": form, "result": result}
    return TemplateResponse(
        request, "admin/facilities/coverage.html", {**context, "tables": tables, "media": form.media}
    )


def _export(result, kind: str):
    headers, rows = flat_rows(result)
    name = f"{result.unit.name}阵地覆盖（{result.on.isoformat()}）.{kind}"
    if kind == "csv":
        return file_response(table_csv(headers, rows), name, CSV_CONTENT_TYPE)
    return file_response(table_xlsx("阵地覆盖", headers, rows), name, XLSX_CONTENT_TYPE)
