from django.conf import settings
from django.urls import reverse

from tests.base import TreeTestCase


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
