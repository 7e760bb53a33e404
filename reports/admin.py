"""The survey report admin: list, add and edit (scoped like every unit-bound admin), and the report's
own pages: the readable, printable report, its .docx, 定稿 and 退回草稿."""

from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from access.history_admin import GuardedHistoryAdmin
from access.scope import scope_of
from access.scoped_admin import ScopedAdminMixin
from orgunits.forms import ServiceValidatedForm
from reports.docx_report import survey_docx
from reports.models import SurveyReport
from reports.paragraph_admin import ParagraphEditMixin
from reports.survey_services import (
    default_title,
    survey_report_create,
    survey_report_finalize,
    survey_report_reopen,
    survey_report_update,
    survey_report_validate,
)
from reports.survey_views import evidence, report_view
from rosters.models import AgeBandSet, EducationGroupSet
from rosters.profile_admin import sets_for

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNIT_PLACEHOLDER = "输入代码或名称搜索"
PROFILE_FIELDS = ("age_band_set", "education_group_set")


class UnitAutocomplete(AutocompleteSelect):
    """Django's autocomplete with a placeholder: its own build_attrs blanks data-placeholder."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "data-placeholder": UNIT_PLACEHOLDER}


class SurveyReportForm(ServiceValidatedForm):
    class Meta:
        model = SurveyReport
        fields = ["unit", "year", "span", "title", "age_band_set", "education_group_set", "problems", "measures"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].help_text = (
                "留空则自动生成，如“关于××县2024年妇女组织建设和妇女工作情况的调研报告”"
                "（1–9月的报告为“……2024年1–9月……”）。"
            )

    def clean_title(self):
        title = (self.cleaned_data.get("title") or "").strip()
        unit = self.cleaned_data.get("unit") or (self.instance.unit if self.instance.unit_id else None)
        year = self.cleaned_data.get("year") or self.instance.year
        span = self.cleaned_data.get("span", self.instance.span) or ""
        if not title and unit and year:
            title = default_title(unit, year, span)
        return title

    def service_validate(self) -> None:
        if self.instance.pk is None:
            survey_report_validate(report=self.instance)
        else:
            self.instance.full_clean()


@admin.register(SurveyReport)
class SurveyReportAdmin(ParagraphEditMixin, ScopedAdminMixin, GuardedHistoryAdmin):
    form = SurveyReportForm
    list_display = ("title", "unit", "year", "span", "status", "frozen_at", "report_link")
    list_select_related = ("unit",)
    list_filter = ("status", "year", "span")
    search_fields = ("title", "unit__name", "unit__code")
    autocomplete_fields = ("unit",)
    show_full_result_count = False
    history_list_display = ("status", "title")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["widget"] = UnitAutocomplete(db_field, self.admin_site)
        if db_field.related_model in (AgeBandSet, EducationGroupSet):
            # The sets she may see; another county's set is an invalid choice, like a missing one.
            kwargs["queryset"] = sets_for(scope_of(request), db_field.related_model.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # No add / change / delete icons beside the unit or the sets: a report is written for a unit
        # that exists, and the unit's and the sets' own pages are where they are changed.
        if isinstance(formfield, forms.ModelChoiceField) and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("unit", ("year", "span"), "title", *PROFILE_FIELDS, "problems", "measures")
        fields = ("report_link", "unit", ("year", "span"), "status", "frozen_at", "title", *PROFILE_FIELDS)
        return (*fields, "problems", "measures")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("report_link", "unit", "year", "span", "status", "frozen_at")

    def has_change_permission(self, request, obj=None):
        # A final report is read-only until it is sent back to draft.
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_final)

    def may_edit(self, request, report) -> bool:
        return request.user.has_perm("reports.change_surveyreport") and scope_of(request).can_edit(report.unit)

    @admin.display(description="报告")
    def report_link(self, report):
        if not report.pk:
            return "—"
        return format_html(
            '<a href="{}">查看</a> · <a href="{}">Word</a>',
            reverse("admin:reports_surveyreport_report", args=[report.pk]),
            reverse("admin:reports_surveyreport_docx", args=[report.pk]),
        )

    def save_model(self, request, obj, form, change):
        # The form has already run the service's rules (SurveyReportForm.service_validate).
        texts = {name: form.cleaned_data[name] for name in ("title", "problems", "measures", *PROFILE_FIELDS)}
        if change:
            survey_report_update(report=obj, **texts)
        else:
            where = {name: form.cleaned_data[name] for name in ("unit", "year", "span")}
            obj.pk = survey_report_create(**where, **texts).pk

    def response_add(self, request, obj, post_url_continue=None):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return HttpResponseRedirect(reverse("admin:reports_surveyreport_report", args=[obj.pk]))

    # ---- the report's own pages

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/report/", view(self.report_page), name="reports_surveyreport_report"),
            path("<path:object_id>/docx/", view(self.docx_download), name="reports_surveyreport_docx"),
            path("<path:object_id>/finalize/", view(require_POST(self.finalize)), name="reports_surveyreport_finalize"),
            path("<path:object_id>/reopen/", view(require_POST(self.reopen)), name="reports_surveyreport_reopen"),
            *super().get_urls(),
        ]

    def _report(self, request, object_id) -> SurveyReport:
        """Out of scope looks the same as missing: 404 before any permission question."""
        report = None
        if str(object_id).isdigit():
            report = self.get_queryset(request).select_related("unit__kind").filter(pk=object_id).first()
        if report is None:
            raise Http404
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return report

    def report_page(self, request, object_id):
        report = self._report(request, object_id)
        view = report_view(report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": report.title,
            "report": report,
            "doc": view.document,
            "changed": view.changed,
            "evidence": [] if report.is_final else evidence(report.unit, view.figures),
            "may_edit": self.may_edit(request, report),
            "may_edit_text": self.may_edit(request, report) and not report.is_final,
        }
        return TemplateResponse(request, "admin/reports/survey_report.html", context)

    def docx_download(self, request, object_id):
        report = self._report(request, object_id)
        content = survey_docx(report_view(report, compare=False).document)
        response = HttpResponse(content, content_type=DOCX_TYPE)
        name = quote(f"{report.title}.docx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response

    def _transition(self, request, object_id, service, done: str):
        report = self._report(request, object_id)
        if not self.may_edit(request, report):
            raise PermissionDenied
        try:
            service(report=report)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, done.format(title=report.title))
        return HttpResponseRedirect(reverse("admin:reports_surveyreport_report", args=[report.pk]))

    def finalize(self, request, object_id):
        return self._transition(request, object_id, survey_report_finalize, "“{title}”已定稿，数据已冻结。")

    def reopen(self, request, object_id):
        return self._transition(request, object_id, survey_report_reopen, "“{title}”已退回草稿，数据恢复为实时计算。")
