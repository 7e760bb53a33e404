import io
import zipfile

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from imports.uploads import NOT_XLSX, TOO_LARGE, ZIP_BOMB
from orgunits.models import OrgUnit
from registry.login import TOO_MANY
from tests.base import PASSWORD, TreeTestCase, day

XSS = "<script>alert(1)</script>"


class LoginAttemptsMixin:
    """Posts to the login page from an address; the counters live in the cache, which outlives each
    test's transaction, so it is cleared around every test."""

    def setUp(self):
        cache.clear()

    def tearDown(self):
        cache.clear()

    def attempt(self, username, password, address="10.0.0.1"):
        return self.client.post(
            reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )


class LoginRateLimitTests(LoginAttemptsMixin, TreeTestCase):
    @override_settings(LOGIN_FAILURES_PER_USER=3, LOGIN_FAILURES_PER_ADDRESS=100)
    def test_a_user_name_is_locked_after_repeated_failures(self):
        for _ in range(3):
            assert self.attempt("county-clerk", "wrong").status_code == 200
        blocked = self.attempt("county-clerk", PASSWORD)  # even the right password now waits
        assert blocked.status_code == 429
        assert TOO_MANY.format(minutes=15) in blocked.content.decode()
        assert self.attempt("township-clerk", PASSWORD).status_code == 302  # others are not affected

    @override_settings(LOGIN_FAILURES_PER_USER=100, LOGIN_FAILURES_PER_ADDRESS=3)
    def test_an_address_is_locked_after_repeated_failures(self):
        for name in ("a", "b", "c"):
            self.attempt(name, "wrong", address="10.9.9.9")
        assert self.attempt("county-clerk", PASSWORD, address="10.9.9.9").status_code == 429
        assert self.attempt("county-clerk", PASSWORD, address="10.1.1.1").status_code == 302


class HeadersTests(TreeTestCase):
    def test_every_page_forbids_other_origins_and_framing(self):
        response = self.client.get(reverse("admin:login"))
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"


class UploadTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.superuser)

    def upload(self, name, content):
        handle = io.BytesIO(content)
        handle.name = name
        return self.client.post(reverse("admin:rosters_appointment_import"), {"import_file": handle, "format": "0"})

    @override_settings(UPLOAD_LIMIT_BYTES=1024 * 1024)
    def test_a_file_over_the_limit_is_refused_before_parsing(self):
        response = self.upload("big.xlsx", b"x" * (1024 * 1024 + 1))
        assert TOO_LARGE.format(size=1.0, limit=1) in response.content.decode()

    def test_a_file_that_is_not_xlsx_is_refused(self):
        response = self.upload("fake.xlsx", b"not a zip at all")
        assert NOT_XLSX in response.content.decode()

    def test_a_zip_bomb_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
        response = self.upload("bomb.xlsx", buffer.getvalue())
        assert ZIP_BOMB.format(size=300) in response.content.decode()


class EscapingTests(TreeTestCase):
    """A unit named like a script shows as text on every page that shows unit names."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.filter(pk=cls.heye.pk).update(name=XSS, org_established_on=day("2016-03-08"))

    def test_the_name_is_escaped_everywhere(self):
        self.client.force_login(self.superuser)
        pages = [
            reverse("admin:orgunits_orgunit_changelist") + f"?parent={self.shuangfeng.pk}",
            reverse("admin:orgunits_orgunit_change", args=[self.heye.pk]),
            reverse("admin:orgunits_orgunit_changelist") + f"?parent={self.heye.pk}",
            reverse("admin:orgunits_orgunit_move", args=[self.heye.pk]),
            reverse("stats_coverage") + f"?unit={self.shuangfeng.pk}&on=2024-01-01&compare=on",
            reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023",
            reverse("stats_indicators") + f"?unit={self.heye.pk}&year=2023",
            reverse("rosters_worklist", args=["without-chair"]) + f"?unit={self.shuangfeng.pk}&on=2024-01-01",
            reverse("rosters_worklist", args=["vacant-seats"]) + f"?unit={self.shuangfeng.pk}&on=2024-01-01",
        ]
        for page in pages:
            with self.subTest(page):
                html = self.client.get(page).content.decode()
                assert XSS not in html
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class FaviconTests(TreeTestCase):
    def test_every_kind_of_page_names_its_icon_and_the_icon_is_served(self):
        # Found by the browser tests: without a declared icon Chromium fetched /favicon.ico, and its 404
        # was a console error on every first visit.
        from django.contrib.staticfiles import finders

        assert finders.find("registry/favicon.svg")
        icon = 'rel="icon" href="/static/registry/favicon.svg"'
        assert icon in self.client.get(reverse("admin:login")).content.decode()
        self.client.force_login(self.township_clerk)
        assert icon in self.client.get(reverse("admin:orgunits_orgunit_changelist")).content.decode()
        missing = self.client.get(reverse("admin:orgunits_orgunit_change", args=[self.heye.pk]))
        assert missing.status_code == 404 and icon in missing.content.decode()
