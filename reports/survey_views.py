"""What a survey report shows: its figures (live, or the snapshot of a final report), the laid-out
document, the notice when live data has moved on, and the evidence offered for 问题与挑战."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from reports.figures import SurveyFigures, from_snapshot
from reports.models import SurveyReport
from reports.survey_document import SurveyDocument, build_document
from reports.survey_figures import report_figures
from reports.survey_text import report_sections
from rosters.selectors import busy_people, organisations_without_chair, terms_due

CSS_FILE = Path(__file__).parent / "static" / "reports" / "survey.css"
PARTS = {
    "unit": "单位名称",
    "coverage": "组建情况",
    "coverage_previous": "上年组建情况",
    "elements": "统计指标项",
    "values": "统计数据",
    "values_previous": "上年统计数据",
    "indicators": "指标",
    "officers": "干部队伍",
    "officers_previous": "上年干部队伍",
}
EVIDENCE_SAMPLE = 5


@dataclass
class ReportView:
    report: SurveyReport
    figures: SurveyFigures
    document: SurveyDocument
    changed: list[str]  # parts of a final report whose live data differs from the snapshot


def report_view(report: SurveyReport, *, compare: bool = True) -> ReportView:
    """The figures of a final report come from its snapshot; with compare, live figures are
    computed too and the parts that differ are named."""
    changed = []
    if report.is_final:
        figures = from_snapshot(report.snapshot)
        if compare:
            live = report_figures(report)
            changed = [label for key, label in PARTS.items() if getattr(live, key) != getattr(figures, key)]
        dated = timezone.localtime(report.frozen_at).date()
        sections = report_sections(figures, snapshot=report.snapshot)
    else:
        figures = report_figures(report)
        dated = timezone.localdate()
        sections = report_sections(figures, edits=report.edits)
    document = build_document(
        title=report.title,
        unit_name=figures.unit.name,
        year=figures.year,
        sections=sections,
        problems=report.problems,
        measures=report.measures,
        dated=dated,
    )
    return ReportView(report, figures, document, changed)


def unsaved_report(unit: OrgUnit, year: int, span: str = "") -> SurveyReport:
    """A draft that is not stored, for the command when the unit has no report for the period."""
    from reports.survey_services import default_title

    return SurveyReport(unit=unit, year=year, span=span, title=default_title(unit, year, span))


def report_for(unit: OrgUnit, year: int, span: str = "") -> SurveyReport:
    stored = SurveyReport.objects.filter(unit=unit, year=year, span=span).select_related("unit__kind").first()
    return stored or unsaved_report(unit, year, span)


def standalone_html(view: ReportView) -> str:
    return render_to_string(
        "reports/survey_standalone.html", {"doc": view.document, "css": CSS_FILE.read_text(encoding="utf-8")}
    )


# ---------------------------------------------------------------- evidence


@dataclass
class Evidence:
    title: str
    text: str
    url: str


def _worklist(name: str, unit: OrgUnit, on: datetime.date, **extra) -> str:
    return reverse("rosters_worklist", args=[name]) + "?" + urlencode({"unit": unit.pk, "on": on, **extra})


def _sample(names: list[str], count: int) -> str:
    shown = "、".join(names[:EVIDENCE_SAMPLE])
    return shown + ("等" if count > len(names[:EVIDENCE_SAMPLE]) else "")


def evidence(unit: OrgUnit, figures: SurveyFigures) -> list[Evidence]:
    """Live facts for the writer of 问题与挑战, each linking to the list that shows them all."""
    on = figures.on
    found = []
    tally = figures.coverage.all_total()
    if tally.eligible > tally.established:
        text = f"尚有{tally.eligible - tally.established}个单位未建立妇女组织"
        below = figures.coverage.lines_below(tally.rate)
        if below:
            text += "，组建率低于本级水平的有" + "、".join(label for label, _rate in below)
        coverage_url = reverse("stats_coverage") + "?" + urlencode({"unit": unit.pk, "on": on, "compare": "on"})
        found.append(Evidence("组建缺口", text + "。", coverage_url))
    tree = TreeOn.of(on)
    named = (
        ("有组织无人员", organisations_without_chair(unit, on, tree=tree), "then_name",
         "{count}个已建组织没有主席（妇女主任）在任：{names}。", _worklist("without-chair", unit, on)),
        ("换届逾期", terms_due(unit, on, 0, tree=tree).filter(due_on__lt=on), "unit__name",
         "{count}个组织届满未换届：{names}。", _worklist("terms-due", unit, on, months=0)),
        ("身兼数职", busy_people(unit, on, tree=tree), "name",
         "{count}人同时担任三项及以上职务或兼职：{names}。", _worklist("busy", unit, on)),
    )  # fmt: skip
    for title, queryset, name_field, template, url in named:
        names = list(queryset.values_list(name_field, flat=True)[: EVIDENCE_SAMPLE + 1])
        if names:
            # The sample query tells the count when it is small; only a longer list is counted.
            count = queryset.count() if len(names) > EVIDENCE_SAMPLE else len(names)
            found.append(Evidence(title, template.format(count=count, names=_sample(names, count)), url))
    return found
