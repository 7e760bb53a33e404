"""活动统计: a unit's activities per type for a year, with 上年同期, per child area, and its export."""

from urllib.parse import quote

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from access.scope import scope_of
from activities.exports import HEADERS, title_of, totals_rows
from activities.totals import activity_totals_for, honour_counts
from imports.spreadsheets import table_csv, table_xlsx
from orgunits.autocomplete import limit_unit_choices
from stats.forms import UnitYearForm

EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _selection(request):
    data = request.GET.copy()
    data.setdefault("year", timezone.localdate().year - 1)
    if "unit" not in data:
        home = scope_of(request).home()
        data["unit"] = home.pk if home else ""
    return limit_unit_choices(UnitYearForm(data), scope_of(request))


def totals_view(request):
    if not request.user.has_perms(("orgunits.view_orgunit", "activities.view_activity")):
        raise PermissionDenied
    form = _selection(request)
    totals = honours = None
    if form.is_valid():
        unit, period = form.cleaned_data["unit"], form.period()
        totals = activity_totals_for(unit, period)
        if request.GET.get("export") in EXPORTS:
            return _file(totals, request.GET["export"])
        honours = honour_counts(unit, period.start, period.end)
    context = {"title": "活动统计", "form": form, "totals": totals, "honours": honours, "media": form.media}
    if totals is not None:
        context.update(_shown(totals, request.GET), period_label=form.period().label, query=_query(request.GET))
    return TemplateResponse(request, "admin/activities/totals.html", {**admin.site.each_context(request), **context})


def _query(params, **changed) -> str:
    """The page's query string (unit, year and any span), without the export, with `changed` set."""
    query = params.copy()
    query.pop("export", None)
    for key, value in changed.items():
        query[key] = value
    return query.urlencode()


def _shown(totals, params) -> dict:
    """The lines and the area rows as written: 5200余场次, 1.2万元, the change, each area's link."""
    lines = totals.lines()
    shown = [
        {
            "type": line.type,
            "phrase": line.phrase,
            "now": line.shown(totals.counts(line.type)),
            "before": line.shown(totals.previous_counts(line.type)),
            "change": totals.change(line) or "—",
        }
        for line in lines
    ]
    areas = []
    for row in totals.rows:
        link = f"?{_query(params, unit=row.unit.pk)}" if row.unit and row.unit != totals.unit else ""
        cells = [_cell(line, row.counts(line.type)) for line in lines]
        areas.append({"label": row.label, "link": link, "cells": cells})
    return {"lines": shown, "areas": areas if lines else []}


def _cell(line, counts) -> str:
    return line.shown(counts) if counts.get(line.name) else "—"


def _file(totals, kind: str) -> HttpResponse:
    rows = totals_rows(totals)
    title = title_of(totals)
    content = table_xlsx("活动统计", HEADERS, rows) if kind == "xlsx" else table_csv(HEADERS, rows)
    response = HttpResponse(content, content_type=EXPORTS[kind])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{title}.{kind}')}"
    return response
