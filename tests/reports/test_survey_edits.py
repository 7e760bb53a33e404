"""A draft's generated paragraphs replaced by the user's own text: kept by key, marked, flagged when the
data under them changes, frozen with the figures when the report is made final."""

import datetime
import io
import json

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgunits.models import OrgUnit
from reports import errors
from reports.docx_report import survey_docx
from reports.models import SurveyReport
from reports.survey_services import (
    PARAGRAPH_LIMIT,
    survey_report_create,
    survey_report_edit_paragraph,
    survey_report_finalize,
    survey_report_reopen,
)
from reports.survey_views import report_view
from stats.services import datavalues_save
from tests.base import TreeTestCase, page_text
from tests.reports.survey_fixtures import build_gap_county, grant_survey_perms

KEY = "politics.shares"
MINE = "党政机关女干部22人，占20%，比例仍然偏低。"


def paragraph_url(report, key=KEY):
    return reverse("admin:reports_surveyreport_paragraph", args=[report.pk, key])


def report_url(report):
    return reverse("admin:reports_surveyreport_report", args=[report.pk])


def texts(report) -> dict[str, str]:
    view = report_view(SurveyReport.objects.get(pk=report.pk), compare=False)
    return {p.key: p for section in view.document.sections for p in section.paragraphs}


class ParagraphEditServiceTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_gap_county()

    def setUp(self):
        self.report = survey_report_create(unit=self.county, year=2012)

    def test_the_users_text_replaces_the_generated_paragraph_and_is_marked(self):
        generated = texts(self.report)[KEY].text
        survey_report_edit_paragraph(report=self.report, key=KEY, text=f"  {MINE}\n")
        shown = texts(self.report)[KEY]
        assert (shown.text, shown.edited, shown.stale) == (MINE, True, False)
        assert SurveyReport.objects.get(pk=self.report.pk).edits == {KEY: {"text": MINE, "generated": generated}}
        # Every other paragraph is still generated.
        assert [p.key for p in texts(self.report).values() if p.edited] == [KEY]

    def test_the_report_says_when_the_data_under_an_edit_has_changed(self):
        survey_report_edit_paragraph(report=self.report, key=KEY, text=MINE)
        datavalues_save(unit=self.county, period="2012", values={"cadres": (120, 30)})
        shown = texts(self.report)[KEY]
        assert (shown.text, shown.edited, shown.stale) == (MINE, True, True)

    def test_empty_text_or_the_generated_text_restores_the_generated_paragraph(self):
        generated = texts(self.report)[KEY].text
        survey_report_edit_paragraph(report=self.report, key=KEY, text=MINE)
        survey_report_edit_paragraph(report=self.report, key=KEY, text="  ")
        assert SurveyReport.objects.get(pk=self.report.pk).edits == {}
        survey_report_edit_paragraph(report=self.report, key=KEY, text=generated)
        assert SurveyReport.objects.get(pk=self.report.pk).edits == {}
        assert texts(self.report)[KEY].text == generated

    def test_an_unknown_key_a_long_text_and_a_final_report_are_refused(self):
        with pytest.raises(ValidationError) as caught:
            survey_report_edit_paragraph(report=self.report, key="basics.nothing", text=MINE)
        assert caught.value.messages == [errors.PARAGRAPH_UNKNOWN.format(key="basics.nothing")]
        with pytest.raises(ValidationError) as caught:
            survey_report_edit_paragraph(report=self.report, key=KEY, text="字" * (PARAGRAPH_LIMIT + 1))
        assert caught.value.messages == [
            errors.PARAGRAPH_TOO_LONG.format(limit=PARAGRAPH_LIMIT, length=PARAGRAPH_LIMIT + 1)
        ]
        final = survey_report_finalize(report=self.report)
        with pytest.raises(ValidationError) as caught:
            survey_report_edit_paragraph(report=final, key=KEY, text=MINE)
        assert caught.value.messages == [errors.SURVEY_FINAL_READ_ONLY.format(title=final.title)]
        assert SurveyReport.objects.get(pk=self.report.pk).edits == {}

    def test_finalising_keeps_the_text_as_shown_and_a_final_report_reads_it_back(self):
        survey_report_edit_paragraph(report=self.report, key=KEY, text=MINE)
        final = survey_report_finalize(report=self.report)
        kept = {p[0]: p for section in final.snapshot["document"] for p in section["paragraphs"]}
        assert kept[KEY] == [KEY, MINE, True]
        assert json.loads(json.dumps(final.snapshot)) == final.snapshot
        # The final report shows the text it keeps, not what the code would write now: change the kept
        # text of a generated paragraph and the report shows exactly that.
        snapshot = final.snapshot
        for section in snapshot["document"]:
            section["paragraphs"] = [
                [k, "定稿时的文字。" if k == "basics.coverage" else t, e] for k, t, e in section["paragraphs"]
            ]
        SurveyReport.objects.filter(pk=final.pk).update(snapshot=snapshot)
        assert texts(final)["basics.coverage"].text == "定稿时的文字。"
        assert texts(final)[KEY].text == MINE
        # Sent back to draft, the edit is still there, and the rest is generated again.
        reopened = survey_report_reopen(report=SurveyReport.objects.get(pk=final.pk))
        assert texts(reopened)[KEY].text == MINE and texts(reopened)["basics.coverage"].text != "定稿时的文字。"

    def test_the_word_document_has_the_users_text_without_marks(self):
        survey_report_edit_paragraph(report=self.report, key=KEY, text=MINE)
        datavalues_save(unit=self.county, period="2012", values={"cadres": (120, 30)})
        content = survey_docx(report_view(SurveyReport.objects.get(pk=self.report.pk), compare=False).document)
        body = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
        assert MINE in body
        assert not any("已修改" in text or "数据已变化" in text for text in body)


class ParagraphEditPageTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in (cls.county_clerk, cls.township_clerk):
            grant_survey_perms(user)
        grant_survey_perms(cls.city_viewer, ["view_surveyreport"])
        OrgUnit.objects.filter(pk=cls.shuangfeng.pk).update(org_established_on=datetime.date(2000, 1, 1))
        cls.report = survey_report_create(unit=cls.shuangfeng, year=2023)
        cls.key = "basics.coverage"

    def test_the_county_clerk_edits_a_paragraph_from_the_report_page(self):
        self.client.force_login(self.county_clerk)
        page = self.client.get(report_url(self.report)).content.decode()
        assert f'href="{paragraph_url(self.report, self.key)}"' in page
        form = self.client.get(paragraph_url(self.report, self.key))
        assert form.status_code == 200 and "自动生成的文字" in page_text(form)
        mine = "全县妇女组织<b>基本</b>建成。"
        response = self.client.post(paragraph_url(self.report, self.key), {"text": mine})
        assert response.status_code == 302 and response["Location"].endswith(f"#{self.key}")
        page = self.client.get(report_url(self.report)).content.decode()
        assert "全县妇女组织&lt;b&gt;基本&lt;/b&gt;建成。" in page and "<b>基本</b>" not in page
        assert "（已修改）" in page

    def test_too_long_text_is_shown_as_a_form_error_and_nothing_is_saved(self):
        self.client.force_login(self.county_clerk)
        response = self.client.post(paragraph_url(self.report, self.key), {"text": "字" * (PARAGRAPH_LIMIT + 1)})
        assert response.status_code == 200 and "errorlist" in response.content.decode()
        assert SurveyReport.objects.get(pk=self.report.pk).edits == {}

    def test_out_of_scope_and_unknown_look_like_missing_a_viewer_and_a_final_report_are_refused(self):
        self.client.force_login(self.township_clerk)  # 永丰街道 only: the county's report does not exist for her
        assert self.client.get(paragraph_url(self.report, self.key)).status_code == 404
        assert self.client.post(paragraph_url(self.report, self.key), {"text": "x"}).status_code == 404
        self.client.force_login(self.outsider)
        assert self.client.get(paragraph_url(self.report, self.key)).status_code in (403, 404)
        self.client.force_login(self.city_viewer)
        assert self.client.get(paragraph_url(self.report, self.key)).status_code == 403
        assert self.client.post(paragraph_url(self.report, self.key), {"text": "x"}).status_code == 403
        self.client.force_login(self.county_clerk)
        assert self.client.get(paragraph_url(self.report, "basics.nothing")).status_code == 404
        missing = reverse("admin:reports_surveyreport_paragraph", args=[999999, self.key])
        assert self.client.get(missing).status_code == 404
        final = survey_report_finalize(report=self.report)
        assert self.client.post(paragraph_url(final, self.key), {"text": "x"}).status_code == 403
        assert SurveyReport.objects.get(pk=self.report.pk).edits == {}
