"""Editing a generated paragraph of a draft report: the page beside the report, and its form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from reports.survey_figures import report_figures
from reports.survey_services import PARAGRAPH_LIMIT, survey_report_edit_paragraph
from reports.survey_text import generated_paragraph, report_sections


class ParagraphForm(forms.Form):
    text = forms.CharField(
        label="段落文字",
        required=False,
        max_length=PARAGRAPH_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="留空并保存即恢复自动生成的文字。",
    )


class ParagraphEditMixin:
    """`<id>/paragraph/<key>/`: a draft's paragraph, the generated text beside it, the user's text."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.paragraph_page)
        return [
            path("<path:object_id>/paragraph/<str:key>/", view, name="reports_surveyreport_paragraph"),
            *super().get_urls(),
        ]

    def paragraph_page(self, request, object_id, key):
        report = self._report(request, object_id)
        if report.is_final or not self.may_edit(request, report):
            raise PermissionDenied
        generated = generated_paragraph(report_sections(report_figures(report)), key)
        if generated is None:
            raise Http404
        back = reverse("admin:reports_surveyreport_report", args=[report.pk])
        current = report.edits.get(key, {}).get("text", generated.text)
        form = ParagraphForm(request.POST or None, initial={"text": current})
        if request.method == "POST" and form.is_valid():
            try:
                survey_report_edit_paragraph(report=report, key=key, text=form.cleaned_data["text"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "段落已保存。")
                return HttpResponseRedirect(f"{back}#{key}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "修改段落",
            "report": report,
            "form": form,
            "generated": generated.text,
            "edit": report.edits.get(key),
            "back": back,
        }
        return TemplateResponse(request, "admin/reports/survey_paragraph.html", context)
