"""Writes to survey reports: small, validated, atomic. Messages are constants in stats.errors."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orgunits.models import OrgUnit
from reports import errors
from reports.figures import to_snapshot
from reports.models import SurveyReport
from reports.survey_figures import report_figures
from reports.survey_text import document_data, edit_of, generated_paragraph, report_sections
from rosters.models import AgeBandSet, EducationGroupSet
from stats.periods import period_of

PARAGRAPH_LIMIT = 2000
UNCHANGED = object()  # a set not given to survey_report_update


def default_title(unit: OrgUnit, year: int, span: str = "") -> str:
    """关于双峰县2025年妇女组织建设…, or for part of a year 关于双峰县2025年1–9月妇女组织建设…"""
    return f"关于{unit.name}{period_of(year, span).label}妇女组织建设和妇女工作情况的调研报告"


def survey_report_validate(*, report: SurveyReport) -> None:
    """The rules of a new report: the admin form shows them as form errors before anything is saved."""
    unit, year = report.unit, report.year
    period = period_of(year, report.span)
    if unit.closed_on is not None and unit.closed_on < period.start:
        raise ValidationError({"unit": errors.SURVEY_UNIT_CLOSED.format(unit=unit.name, period=period.label)})
    report.full_clean()


@transaction.atomic
def survey_report_create(
    *,
    unit: OrgUnit,
    year: int,
    span: str = "",
    title: str = "",
    problems: str = "",
    measures: str = "",
    age_band_set: AgeBandSet | None = None,
    education_group_set: EducationGroupSet | None = None,
) -> SurveyReport:
    report = SurveyReport(
        unit=unit,
        year=year,
        span=span,
        title=title.strip() or default_title(unit, year, span),
        problems=problems,
        measures=measures,
        age_band_set=age_band_set,
        education_group_set=education_group_set,
    )
    survey_report_validate(report=report)
    report.save()
    return report


def _locked(report: SurveyReport, *, final: bool, refusal: str) -> SurveyReport:
    """The report, locked, if it is (final=True) or is not final yet; otherwise the refusal."""
    current = SurveyReport.objects.select_for_update().select_related("unit__kind").get(pk=report.pk)
    if current.is_final != final:
        raise ValidationError(refusal.format(title=current.title), code="draft" if final else "final")
    return current


def _saved(report: SurveyReport) -> SurveyReport:
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def survey_report_update(
    *,
    report: SurveyReport,
    title: str | None = None,
    problems: str | None = None,
    measures: str | None = None,
    age_band_set: AgeBandSet | object | None = UNCHANGED,
    education_group_set: EducationGroupSet | object | None = UNCHANGED,
) -> SurveyReport:
    """Texts given as None, and sets not given, stay as they are; a set given as None is the default."""
    current = _locked(report, final=False, refusal=errors.SURVEY_FINAL_READ_ONLY)
    for name, value in (("title", title), ("problems", problems), ("measures", measures)):
        if value is not None:
            setattr(current, name, value.strip() if name == "title" else value)
    for name, value in (("age_band_set", age_band_set), ("education_group_set", education_group_set)):
        if value is not UNCHANGED:
            setattr(current, name, value)
    return _saved(current)


@transaction.atomic
def survey_report_finalize(*, report: SurveyReport) -> SurveyReport:
    """定稿: the figures as they are now are frozen in the snapshot."""
    current = _locked(report, final=False, refusal=errors.SURVEY_ALREADY_FINAL)
    figures = report_figures(current)
    # The text as shown, edits included, is kept with the figures: a final report reads the same
    # whatever later code would write.
    text = document_data(report_sections(figures, edits=current.edits))
    current.snapshot = {**to_snapshot(figures), "document": text}
    current.status = SurveyReport.Status.FINAL
    current.frozen_at = timezone.now()
    return _saved(current)


@transaction.atomic
def survey_report_reopen(*, report: SurveyReport) -> SurveyReport:
    """退回草稿: the snapshot is dropped (the history keeps it) and figures are live again."""
    current = _locked(report, final=True, refusal=errors.SURVEY_NOT_FINAL)
    current.status = SurveyReport.Status.DRAFT
    current.snapshot = None
    current.frozen_at = None
    return _saved(current)


@transaction.atomic
def survey_report_edit_paragraph(*, report: SurveyReport, key: str, text: str) -> SurveyReport:
    """The user's text in place of a generated paragraph of a draft; empty text restores the generated one.

    The edit remembers the generated text it replaced, so the report can say when the data under it
    has changed since."""
    current = _locked(report, final=False, refusal=errors.SURVEY_FINAL_READ_ONLY)
    generated = generated_paragraph(report_sections(report_figures(current)), key)
    if generated is None:
        raise ValidationError({"text": errors.PARAGRAPH_UNKNOWN.format(key=key)})
    text = text.strip()
    if len(text) > PARAGRAPH_LIMIT:
        raise ValidationError({"text": errors.PARAGRAPH_TOO_LONG.format(limit=PARAGRAPH_LIMIT, length=len(text))})
    edits = dict(current.edits)
    if text and text != generated.text:
        edits[key] = edit_of(text, generated.text)
    else:
        edits.pop(key, None)
    current.edits = edits
    return _saved(current)
