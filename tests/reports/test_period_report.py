"""Survey reports on part of a year (issue 18): a report on 1–9月, a quarter or a month quotes that span's
figures and compares them with 上年同期, in report 4's register: "1–9月……不稳定因素5起，矛盾纠纷756起，分别比
上年同期上升150%、20%" (from 2 and 628). The report writes changes to one decimal, as its yearly sections
do (20.4%); the indicators page keeps the figures' own whole-number decimals (tests/reports/test_periods.py)."""

import datetime
import json
import tempfile
from io import StringIO
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from orgunits.models import OrgUnit
from reports import errors
from reports.figures import from_snapshot
from reports.management.commands import survey_report as command
from reports.models import SurveyReport
from reports.survey_services import survey_report_create, survey_report_finalize
from reports.survey_views import report_view
from stats.models import DataElement
from stats.periods import Period
from stats.services import datavalues_save
from tests.base import TreeTestCase, page_text
from tests.conftest import FIXTURES
from tests.reports.survey_fixtures import grant_survey_perms

NINE_MONTHS = "不稳定因素5起、矛盾纠纷756起，分别比上年同期上升150%、20%"


def sections_of(report) -> dict:
    return {section.title: section for section in report_view(report, compare=False).document.sections}


class PeriodReportBase(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant_survey_perms(cls.county_clerk)
        for order, (code, name) in enumerate((("instability", "不稳定因素"), ("disputes", "矛盾纠纷"))):
            DataElement.objects.create(
                code=code, name=name, measure="起", has_female=False, sort_order=200 + order, group="rights"
            )
        call_command("import_stats", str(FIXTURES / "stats" / "jan_to_sep.csv"), stdout=StringIO())
        # The whole years' figures are other figures: neither may leak into the 1–9月 report.
        datavalues_save(unit=cls.heye, period="2023", values={"disputes": (1000, None), "instability": (7, None)})
        datavalues_save(unit=cls.heye, period="2022", values={"disputes": (900, None), "instability": (7, None)})
        cls.report = survey_report_create(unit=cls.shuangfeng, year=2023, span="C9")


class PeriodReportTests(PeriodReportBase):
    def test_title_and_period(self):
        assert self.report.title == "关于双峰县2023年1–9月妇女组织建设和妇女工作情况的调研报告"
        assert self.report.period == Period(2023, 1, 9)

    def test_report_4s_figures_against_the_same_months_of_last_year(self):
        changes = sections_of(self.report)["同比变化"]
        assert f"维权服务方面，{NINE_MONTHS}。" in [p.text for p in changes.paragraphs]
        title, table = changes.tables[0]
        assert title == "2023年1–9月与上年同期对比"
        assert table.headers == ["项目", "本期", "上年同期", "增减", "增减幅度"]
        rows = {row[0].text: [cell.text for cell in row[1:3]] for row in table.rows}
        assert rows["矛盾纠纷"] == ["756起", "628起"] and rows["不稳定因素"] == ["5起", "2起"]

    def test_the_yearly_report_of_the_same_year_keeps_its_own_figures(self):
        yearly = survey_report_create(unit=self.shuangfeng, year=2023)
        text = " ".join(p.text for p in sections_of(yearly)["同比变化"].paragraphs)
        assert "矛盾纠纷1000起" in text and "比上年" in text and "上年同期" not in text
        assert "1000起" not in " ".join(p.text for p in sections_of(self.report)["同比变化"].paragraphs)

    def test_one_report_per_unit_and_period(self):
        survey_report_create(unit=self.shuangfeng, year=2023, span="Q3")
        with pytest.raises(ValidationError) as caught:
            survey_report_create(unit=self.shuangfeng, year=2023, span="C9")
        assert errors.SURVEY_EXISTS in caught.value.messages

    def test_a_unit_closed_before_the_span_began_gets_no_report_on_it(self):
        OrgUnit.objects.filter(pk=self.heye.pk).update(closed_on=datetime.date(2023, 5, 31))
        self.heye.refresh_from_db()
        survey_report_create(unit=self.heye, year=2023, span="C9")  # open in its first months
        with pytest.raises(ValidationError) as caught:
            survey_report_create(unit=self.heye, year=2023, span="Q3")
        assert caught.value.message_dict["unit"] == [
            errors.SURVEY_UNIT_CLOSED.format(unit="荷叶镇", period="2023年第三季度")
        ]

    def test_the_final_report_keeps_its_span_in_the_snapshot(self):
        datavalues_save(unit=self.heye, period="2022Q3", values={"disputes": (200, None)})
        report = survey_report_create(unit=self.shuangfeng, year=2023, span="Q3")
        before = [p.text for s in report_view(report, compare=False).document.sections for p in s.paragraphs]
        report = survey_report_finalize(report=report)
        snapshot = json.loads(json.dumps(report.snapshot))
        assert snapshot["span"] == "Q3" and from_snapshot(snapshot).period == Period(2023, 7, 9)
        after = [p.text for s in report_view(report, compare=False).document.sections for p in s.paragraphs]
        assert after == before
        assert "维权服务方面，矛盾纠纷240起，比上年同期上升20%。" in after

    def test_the_county_clerk_adds_one_in_the_admin(self):
        self.client.force_login(self.county_clerk)
        response = self.client.post(
            reverse("admin:reports_surveyreport_add"),
            {"unit": self.shuangfeng.pk, "year": 2024, "span": "C9", "title": "", "problems": "", "measures": ""},
        )
        assert response.status_code == 302
        added = SurveyReport.objects.get(unit=self.shuangfeng, year=2024)
        assert added.span == "C9" and added.title == "关于双峰县2024年1–9月妇女组织建设和妇女工作情况的调研报告"
        page = page_text(self.client.get(reverse("admin:reports_surveyreport_report", args=[self.report.pk])))
        assert NINE_MONTHS in page

    def test_outsiders_and_other_townships_find_no_such_report(self):
        url = reverse("admin:reports_surveyreport_report", args=[self.report.pk])
        for user in (self.outsider, self.township_clerk):
            self.client.force_login(user)
            assert self.client.get(url).status_code in (302, 403, 404)
            assert NINE_MONTHS not in self.client.get(url, follow=True).content.decode()


class PeriodReportCommandTests(PeriodReportBase):
    def run_command(self, *args):
        out = StringIO()
        call_command("survey_report", *args, stdout=out)
        return out.getvalue()

    def test_the_period_is_written_as_people_write_it(self):
        with tempfile.TemporaryDirectory() as folder:
            for written in ("2023年1-9月", "2023-01~09"):
                target = Path(folder) / "报告.docx"
                self.run_command("431321", "--year", written, "-o", str(target))
                texts = [p.text for p in docx.Document(target).paragraphs]
                assert texts[0] == self.report.title
                assert f"维权服务方面，{NINE_MONTHS}。" in texts

    def test_a_span_that_is_not_one_is_refused_in_chinese(self):
        for written in ("2023年2-5月", "1948", "2023年13月"):
            with self.subTest(written), pytest.raises(CommandError) as caught:
                self.run_command("431321", "--year", written, "-o", "x.docx")
            assert str(caught.value) == command.BAD_YEAR.format(year=written)
