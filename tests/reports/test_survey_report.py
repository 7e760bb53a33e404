"""Survey reports: services, freezing, the admin pages and their scope."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgunits.models import OrgUnit
from reports import errors
from reports.models import SurveyReport
from reports.survey_services import (
    survey_report_create,
    survey_report_finalize,
    survey_report_reopen,
    survey_report_update,
)
from reports.survey_views import report_view
from stats.services import datavalues_save
from tests.base import AdminPagesSmokeMixin, TreeTestCase
from tests.reports.survey_fixtures import build_gap_county, grant_survey_perms


def report_url(report, view="report"):
    return reverse(f"admin:reports_surveyreport_{view}", args=[report.pk])


class SurveyServicesTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_gap_county()

    def test_create_gives_a_default_title_and_one_report_per_unit_and_year(self):
        report = survey_report_create(unit=self.county, year=2012)
        assert report.title == "关于缺口县2012年妇女组织建设和妇女工作情况的调研报告"
        assert report.status == SurveyReport.Status.DRAFT and report.snapshot is None
        with pytest.raises(ValidationError) as caught:
            survey_report_create(unit=self.county, year=2012, title="另一份")
        assert errors.SURVEY_EXISTS in caught.value.messages
        assert report.history.count() == 1

    def test_a_final_report_keeps_its_figures_when_the_data_changes(self):
        report = survey_report_create(unit=self.county, year=2012, problems="1. 组织不健全。")
        before = report_view(report).document
        report = survey_report_finalize(report=report)
        assert report.is_final and report.frozen_at is not None
        assert report.snapshot["values"]["cadres"] == [110, 22]

        datavalues_save(unit=self.county, period="2012", values={"cadres": (120, 30)})
        OrgUnit.objects.filter(code="980101102201").update(org_established_on=datetime.date(2011, 1, 1))

        frozen = report_view(SurveyReport.objects.get(pk=report.pk))
        # 干部队伍 too: the village established earlier now counts in the 执委 norm (执委配备).
        assert frozen.changed == ["组建情况", "上年组建情况", "统计数据", "指标", "干部队伍"]
        assert [s.paragraphs for s in frozen.document.sections] == [s.paragraphs for s in before.sections]
        assert "现有党政机关女干部22人，占总数的20%。" in frozen.document.section("politics").texts[0]

        with pytest.raises(ValidationError) as caught:
            survey_report_update(report=report, problems="改")
        assert caught.value.messages == [errors.SURVEY_FINAL_READ_ONLY.format(title=report.title)]
        with pytest.raises(ValidationError):
            survey_report_finalize(report=report)

        reopened = survey_report_reopen(report=report)
        assert reopened.snapshot is None and reopened.frozen_at is None
        live = report_view(reopened)
        assert live.changed == []
        assert "现有党政机关女干部30人，占总数的25%。" in live.document.section("politics").texts[0]
        assert [h.status for h in reopened.history.all()] == ["draft", "final", "draft"]
        with pytest.raises(ValidationError) as caught:
            survey_report_reopen(report=reopened)
        assert caught.value.messages == [errors.SURVEY_NOT_FINAL.format(title=report.title)]

    def test_the_database_refuses_a_final_report_without_a_snapshot(self):
        from django.db import IntegrityError, transaction

        report = survey_report_create(unit=self.county, year=2012)
        with pytest.raises(IntegrityError), transaction.atomic():
            SurveyReport.objects.filter(pk=report.pk).update(status="final")

    def test_a_unit_closed_before_the_year_gets_no_report(self):
        village = OrgUnit.objects.get(code="980101101201")
        OrgUnit.objects.filter(pk=village.pk).update(closed_on=datetime.date(2011, 6, 30))
        village.refresh_from_db()
        with pytest.raises(ValidationError) as caught:
            survey_report_create(unit=village, year=2012)
        assert caught.value.message_dict["unit"] == [
            errors.SURVEY_UNIT_CLOSED.format(unit=village.name, period="2012年")
        ]


class SurveyPagesTests(AdminPagesSmokeMixin, TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_gap_county()
        for user in (cls.county_clerk, cls.township_clerk):
            grant_survey_perms(user)
        grant_survey_perms(cls.city_viewer, ["view_surveyreport"])
        cls.report = survey_report_create(
            unit=cls.shuangfeng,
            year=2023,
            problems="一是有组织无人员。\n二是<b>身兼数职</b>。",
            measures="加强基层组织建设。",
        )
        cls.gap_report = survey_report_create(unit=cls.county, year=2012)

    def pages(self):
        return [
            reverse("admin:reports_surveyreport_changelist"),
            reverse("admin:reports_surveyreport_add"),
            reverse("admin:reports_surveyreport_change", args=[self.report.pk]),
            reverse("admin:reports_surveyreport_history", args=[self.report.pk]),
            report_url(self.report),
            report_url(self.report, "docx"),
        ]

    def test_the_report_page_reads_like_a_report(self):
        self.client.force_login(self.superuser)
        response = self.client.get(report_url(self.gap_report))
        html = response.content.decode()
        assert "一、基本情况" in html and "五、同比变化" in html
        assert "尚有3个未建立（行政村3个）" in html
        assert "<svg" in html and "各下级单位妇女组织组建率" in html
        assert 'href="/static/reports/survey.css"' in html
        article = html[html.index('<article class="survey">') : html.index("</article>")]
        assert "style=" not in article and "<script" not in article

    def test_people_written_text_is_escaped(self):
        self.client.force_login(self.county_clerk)
        html = self.client.get(report_url(self.report)).content.decode()
        headings = re.findall(r"<h2>(.*?)</h2>", html)
        assert headings[-2:] == ["三、问题与挑战", "四、思考与对策"], headings
        assert "二是&lt;b&gt;身兼数职&lt;/b&gt;。" in html
        assert "<b>身兼数职</b>" not in html

    def test_evidence_links_to_the_worklists(self):
        self.client.force_login(self.superuser)
        html = self.client.get(report_url(self.gap_report)).content.decode()
        evidence = html[html.index("survey-evidence") : html.index('<article class="survey">')]
        assert "组建缺口" in evidence and "有组织无人员" in evidence
        assert "换届逾期" in evidence and "1个组织届满未换届：第2镇。" in evidence
        assert "身兼数职" in evidence and "2人同时担任三项及以上职务或兼职" in evidence
        on = "on=2012-12-31"
        for name in ("without-chair", "terms-due", "busy"):
            assert re.search(rf'href="/admin/worklists/{name}/\?unit={self.county.pk}&amp;{on}', evidence), name
        # Offered to the writer, never written into the report itself.
        article = html[html.index('<article class="survey">') :]
        assert "换届逾期" not in article

    def test_finalize_then_the_page_says_when_data_moved_on(self):
        self.client.force_login(self.superuser)
        response = self.client.post(report_url(self.gap_report, "finalize"))
        assert response.status_code == 302
        self.gap_report.refresh_from_db()
        assert self.gap_report.is_final
        html = self.client.get(report_url(self.gap_report)).content.decode()
        assert "当前数据与定稿时的快照不同" not in html and "退回草稿" in html
        datavalues_save(unit=self.county, period="2012", values={"cadres": (120, 30)})
        html = self.client.get(report_url(self.gap_report)).content.decode()
        assert "当前数据与定稿时的快照不同（统计数据、指标）" in html
        assert "现有党政机关女干部22人" in html
        # The change page of a final report is read-only.
        change = self.client.get(reverse("admin:reports_surveyreport_change", args=[self.gap_report.pk]))
        assert 'name="problems"' not in change.content.decode()
        assert self.client.post(report_url(self.gap_report, "reopen")).status_code == 302
        self.gap_report.refresh_from_db()
        assert not self.gap_report.is_final

    def test_finalize_needs_a_post(self):
        self.client.force_login(self.superuser)
        assert self.client.get(report_url(self.gap_report, "finalize")).status_code == 405

    def test_reports_outside_the_scope_do_not_exist(self):
        for user in (self.outsider, self.township_clerk, self.city_viewer):
            self.client.force_login(user)
            for view in ("report", "docx"):
                with self.subTest(user=user.username, view=view):
                    assert self.client.get(report_url(self.gap_report, view)).status_code == 404
            # Django's own pages answer 403 to a user without the model permission, or without
            # history rights, whatever the id: that confirms nothing either.
            for view in ("change", "history"):
                with self.subTest(user=user.username, view=view):
                    assert self.client.get(report_url(self.gap_report, view)).status_code in (403, 404)
            with self.subTest(user=user.username, view="finalize"):
                assert self.client.post(report_url(self.gap_report, "finalize")).status_code == 404
        # The township clerk's scope is 永丰街道: the county's report is outside it too.
        self.client.force_login(self.township_clerk)
        assert self.client.get(report_url(self.report)).status_code == 404

    def test_a_viewer_reads_but_does_not_finalize(self):
        self.client.force_login(self.city_viewer)
        html = self.client.get(report_url(self.report)).content.decode()
        assert "下载 Word" in html and "定稿（冻结数据）" not in html
        assert self.client.post(report_url(self.report, "finalize")).status_code == 403
        self.report.refresh_from_db()
        assert not self.report.is_final

    def test_the_changelist_is_scoped(self):
        self.client.force_login(self.county_clerk)
        html = self.client.get(reverse("admin:reports_surveyreport_changelist")).content.decode()
        assert self.report.title in html and self.gap_report.title not in html
        self.client.force_login(self.superuser)
        html = self.client.get(reverse("admin:reports_surveyreport_changelist")).content.decode()
        assert self.report.title in html and self.gap_report.title in html

    def test_the_unit_is_chosen_by_autocomplete(self):
        self.client.force_login(self.county_clerk)
        html = self.client.get(reverse("admin:reports_surveyreport_add")).content.decode()
        select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', html, re.S)
        assert select and "admin-autocomplete" in select.group(0)
        assert select.group(1).count("<option") <= 1

    def test_adding_a_report_from_the_admin(self):
        self.client.force_login(self.county_clerk)
        heye = self.heye
        response = self.client.post(
            reverse("admin:reports_surveyreport_add"),
            {"unit": heye.pk, "year": 2023, "title": "", "problems": "", "measures": ""},
        )
        created = SurveyReport.objects.get(unit=heye, year=2023)
        assert response.status_code == 302 and response["Location"] == report_url(created)
        assert created.title == "关于荷叶镇2023年妇女组织建设和妇女工作情况的调研报告"
        again = self.client.post(
            reverse("admin:reports_surveyreport_add"), {"unit": heye.pk, "year": 2023, "title": "重复"}
        )
        assert errors.SURVEY_EXISTS in again.content.decode()
        outside = self.client.post(
            reverse("admin:reports_surveyreport_add"), {"unit": self.xianghe.pk, "year": 2023, "title": "越权"}
        )
        assert outside.status_code == 200 and not SurveyReport.objects.filter(unit=self.xianghe).exists()

    def test_the_page_needs_a_constant_number_of_queries(self):
        self.client.force_login(self.superuser)
        # Two of them read the default age band and education group sets (rosters.profiles); one
        # whether the tree changed after the year's end, for the evidence's worklists (orgunits.as_of);
        # four the facilities' coverage (阵地建设: the kinds, the unit kinds, the grouped query, the children);
        # three the activities and honours (活动开展: two grouped sums and the honours); four 执委配备
        # (rosters.executive: the seats, the kinds, one grouped query, the children).
        # The officers' statistics (rosters.roster_rollups), the year's and the year before's, count
        # their cells the first time (eight queries each) and read what they kept after (two).
        with self.max_queries(53):
            assert self.client.get(report_url(self.gap_report)).status_code == 200
        with self.max_queries(41):
            assert self.client.get(report_url(self.gap_report)).status_code == 200
        survey_report_finalize(report=self.gap_report)
        with self.max_queries(38):  # the live figures, to say what changed, count 执委配备 too (4)
            assert self.client.get(report_url(self.gap_report)).status_code == 200
