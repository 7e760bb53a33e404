"""The admin pages of activities: smoke, the outsider refused, another county's rows missing, the
活动统计 page with its exports and its query ceiling."""

import io
from pathlib import Path

import openpyxl
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.urls import reverse

from activities.models import Activity, Campaign, Honour
from activities.services import campaign_create
from tests.activities.helpers import honour, training
from tests.base import MISSING_ID, AdminPagesSmokeMixin, TreeTestCase, admin_url, page_text


class ActivityPagesTests(AdminPagesSmokeMixin, TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        perms = Permission.objects.filter(content_type__app_label="activities")
        for user in (cls.county_clerk, cls.township_clerk, cls.city_viewer):
            user.user_permissions.add(*perms)
        cls.ours = training(cls.heye, "2025-04-01", 5200, 80000, approximate=True, title="荷叶镇培训")
        cls.theirs = training(cls.shutang, "2025-04-01", 7, 70, title="淑阳镇培训")
        cls.our_honour = honour(cls.heye, "巾帼文明岗", "province", "2025-03-08")
        cls.their_honour = honour(cls.shutang, "巾帼示范村", "national", "2025-03-08")
        cls.campaign = campaign_create(name="双峰县巾帼行动", owner=cls.shuangfeng, year=2025)
        cls.their_campaign = campaign_create(name="香河县巾帼行动", owner=cls.xianghe, year=2025)

    def pages(self):
        return [
            admin_url("activity_changelist"),
            admin_url("activity_add"),
            admin_url("activity_change", self.ours.pk),
            admin_url("activity_history", self.ours.pk),
            admin_url("activity_changelist") + "?year=2025",
            admin_url("honour_changelist"),
            admin_url("honour_change", self.our_honour.pk),
            admin_url("campaign_changelist"),
            admin_url("campaign_change", self.campaign.pk),
            admin_url("activitytype_changelist"),
            reverse("activities_totals") + f"?unit={self.shuangfeng.pk}&year=2025",
        ]

    def test_other_countys_rows_look_missing(self):
        self.client.force_login(self.county_clerk)
        for name, foreign in (
            ("activity_change", self.theirs),
            ("honour_change", self.their_honour),
            ("campaign_change", self.their_campaign),
            ("activity_history", self.theirs),
        ):
            with self.subTest(name=name):
                assert self.client.get(admin_url(name, foreign.pk)).status_code == 404
                assert self.client.get(admin_url(name, MISSING_ID)).status_code == 404
        text = page_text(self.client.get(admin_url("activity_changelist")))
        assert "荷叶镇培训" in text and "淑阳镇培训" not in text

    def test_a_clerk_adds_an_activity_through_the_service_rules(self):
        self.client.force_login(self.county_clerk)
        data = {"unit": self.heye.pk, "type": self.ours.type_id, "title": "新培训", "started_on": "2025-05-01"}
        response = self.client.post(admin_url("activity_add"), {**data, "sessions": "2", "served": "5"})
        assert "不统计服务人数" in page_text(response)
        response = self.client.post(admin_url("activity_add"), {**data, "sessions": "2"})
        assert response.status_code == 302
        created = Activity.objects.get(title="新培训")
        assert created.history.count() == 1

    def test_a_viewer_cannot_add(self):
        self.client.force_login(self.city_viewer)
        assert self.client.get(admin_url("activity_add")).status_code == 403

    def test_the_totals_page_writes_figures_as_the_reports_do(self):
        self.client.force_login(self.county_clerk)
        url = reverse("activities_totals") + f"?unit={self.shuangfeng.pk}&year=2025"
        with self.max_queries(16):
            text = page_text(self.client.get(url))
        assert "5200余场次" in text and "8万余人次" in text
        assert "巾帼文明岗" in text and "巾帼示范村" not in text
        assert "双峰县 2025年活动开展情况" in text
        page = self.client.get(url).content.decode()
        assert f'href="?unit={self.shuangfeng.pk}&amp;year=2025&amp;export=xlsx"' in page
        assert f'href="?unit={self.heye.pk}&amp;year=2025"' in page  # each area's own page

    def test_the_table_per_area_scrolls_sideways_in_its_box(self):
        # twenty and more figure columns: the table scrolls inside its box (registry/tables.css), the
        # area names and figures on one line, rather than squeezed to a character a line
        self.client.force_login(self.county_clerk)
        page = self.client.get(reverse("activities_totals") + f"?unit={self.shuangfeng.pk}&year=2025")
        html = page.content.decode()
        assert 'href="/static/registry/tables.css"' in html
        assert '<div class="module scroll-x">\n  <table class="by-area">\n    <caption>按下级</caption>' in html
        css = Path(finders.find("registry/tables.css")).read_text()
        assert ".scroll-x {\n  overflow-x: auto;" in css
        assert 'table.by-area th[scope="row"],\ntable.by-area td {\n  white-space: nowrap;' in css

    def test_the_totals_page_of_another_county_is_an_invalid_choice(self):
        self.client.force_login(self.county_clerk)
        response = self.client.get(reverse("activities_totals") + f"?unit={self.xianghe.pk}&year=2025")
        assert response.status_code == 200
        assert "淑阳镇" not in page_text(response)

    def test_the_totals_export(self):
        self.client.force_login(self.county_clerk)
        url = reverse("activities_totals") + f"?unit={self.shuangfeng.pk}&year=2025&export=xlsx"
        sheet = openpyxl.load_workbook(io.BytesIO(self.client.get(url).content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0][:5] == ["区域", "活动类型", "项目", "计量单位", "本期"]
        assert rows[1][:5] == ["合计", "培训", "举办各类培训", "场次", "5200余"]  # 约数, as the stats export
        csv = self.client.get(url.replace("xlsx", "csv")).content.decode("utf-8-sig")
        assert "荷叶镇,培训,举办各类培训,场次,5200余," in csv

    def test_the_activity_export_is_scoped(self):
        self.client.force_login(self.county_clerk)
        content = self.client.get(reverse("admin:activities_activity_export")).content
        titles = [row[3] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
        assert titles == ["名称", "荷叶镇培训"]

    def test_campaigns_offered_are_hers_and_national(self):
        campaign_create(name="全国活动", year=2025)
        self.client.force_login(self.county_clerk)
        text = page_text(self.client.get(admin_url("activity_add")))
        assert "双峰县巾帼行动" in text and "全国活动" in text and "香河县巾帼行动" not in text
        assert Campaign.objects.count() == 3 and Honour.objects.count() == 2

    def test_a_townships_clerk_may_join_the_countys_campaign(self):
        self.client.force_login(self.township_clerk)
        text = page_text(self.client.get(admin_url("activity_add")))
        assert "双峰县巾帼行动" in text and "香河县巾帼行动" not in text
        data = {"unit": self.yongfeng.pk, "type": self.ours.type_id, "title": "街道培训", "started_on": "2025-05-01"}
        response = self.client.post(admin_url("activity_add"), {**data, "campaign": self.campaign.pk, "sessions": "1"})
        assert response.status_code == 302
        assert Activity.objects.get(title="街道培训").campaign == self.campaign
