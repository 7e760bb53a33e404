from django.conf import settings
from django.urls import reverse

from tests.base import TreeTestCase
from tests.orgunits.test_roster_admin import grant


class LanguageTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.superuser)

    def test_chinese_even_when_the_browser_asks_for_english(self):
        response = self.client.get(reverse("admin:orgunits_orgunit_changelist"), HTTP_ACCEPT_LANGUAGE="en-US,en")
        assert response["Content-Language"] == "zh-hans"
        assert "选择 单位 来修改" in response.content.decode()

    def test_english_when_chosen(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        page = self.client.get(reverse("admin:orgunits_orgunit_changelist")).content.decode()
        assert "Select Unit to change" in page
        assert "Opened on" in self.client.get(reverse("admin:orgunits_orgunit_add")).content.decode()

    def test_an_unknown_language_cookie_falls_back_to_chinese(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        response = self.client.get(reverse("admin:orgunits_orgunit_changelist"))
        assert response["Content-Language"] == "zh-hans"

    def test_refused_pages_speak_chinese_and_name_no_unit(self):
        # Found by the browser tests: Django's bare English "Not Found" / "403 Forbidden" pages.
        self.client.force_login(self.township_clerk)
        missing = self.client.get(reverse("admin:orgunits_orgunit_change", args=[self.heye.pk]))
        assert missing.status_code == 404
        assert "页面不存在" in missing.content.decode()
        assert "荷叶" not in missing.content.decode()
        self.client.force_login(self.city_viewer)
        refused = self.client.post(reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023", {})
        assert refused.status_code == 403
        assert "无权访问" in refused.content.decode()
        assert "荷叶" not in refused.content.decode()  # the exception names the unit; the page must not

    def test_refused_pages_in_english_when_chosen(self):
        self.client.force_login(self.township_clerk)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        missing = self.client.get(reverse("admin:orgunits_orgunit_change", args=[self.heye.pk]))
        assert "Page not found" in missing.content.decode()

    def test_a_bad_request_speaks_chinese(self):
        # Found by the audit: a disallowed lookup (a phone digit by digit) answered Django's bare
        # English "Bad Request (400)". DEBUG is off, as in production.
        self.client.force_login(grant(self.county_clerk, "view_person"))
        response = self.client.get(reverse("admin:rosters_person_changelist") + "?phone=1")
        assert response.status_code == 400
        html = response.content.decode()
        assert "请求有误" in html and "返回管理首页" in html
        assert "Bad Request" not in html

    def test_a_bad_request_in_english_when_chosen(self):
        self.client.force_login(grant(self.county_clerk, "view_person"))
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("admin:rosters_person_changelist") + "?phone=1")
        assert response.status_code == 400
        assert "This request could not be handled" in response.content.decode()
