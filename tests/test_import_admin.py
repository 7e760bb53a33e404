"""The admin import flow shared by units, officers and figures: what happens between preview and confirm."""

import os

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from imports.import_admin import UPLOAD_EXPIRED
from orgunits.models import OrgUnit
from tests.base import TreeTestCase, make_user
from tests.conftest import FIXTURES

COUNTY_FILE = FIXTURES / "units" / "county_units_gbk.csv"
# .ci/run gives each of its two concurrent passes a database of its own: a clear() in one must not
# drop the other's upload between its preview and its confirm.
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def redis_unreachable() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # no package, no server
        return f"Redis not reachable at {REDIS_URL}: {exc}"
    return None


class ConfirmTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.superuser)

    def preview(self):
        with COUNTY_FILE.open("rb") as handle:
            response = self.client.post(
                reverse("admin:orgunits_orgunit_import"), {"import_file": handle, "format": "0"}
            )
        return response.context["confirm_form"].initial

    def test_a_confirm_whose_upload_is_gone_says_so_and_writes_nothing(self):
        confirm = {**self.preview(), "import_file_name": "0" * 32}
        before = OrgUnit.objects.count()
        response = self.client.post(reverse("admin:orgunits_orgunit_process_import"), confirm, follow=True)
        assert UPLOAD_EXPIRED in response.content.decode()
        assert OrgUnit.objects.count() == before

    def test_another_users_upload_is_as_missing_as_an_expired_one(self):
        """Its name alone (from a shared screen, a log) reads nothing of it and writes nothing."""
        confirm = self.preview()
        self.client.force_login(make_user("another-admin", superuser=True))
        before = OrgUnit.objects.count()
        response = self.client.post(reverse("admin:orgunits_orgunit_process_import"), confirm, follow=True)
        page = response.content.decode()
        assert UPLOAD_EXPIRED in page and "431321113" not in page
        assert OrgUnit.objects.count() == before
        self.client.force_login(self.superuser)  # the uploader still confirms it
        assert self.client.post(reverse("admin:orgunits_orgunit_process_import"), confirm).status_code == 302
        assert OrgUnit.objects.filter(code="431321113").exists()

    def test_preview_and_confirm_through_a_shared_redis_cache(self):
        reason = redis_unreachable()
        if reason:
            if os.environ.get("REDIS_REQUIRED") == "1":  # set by .ci/run, where a skip would hide this test
                pytest.fail(f"REDIS_REQUIRED=1 but {reason}", pytrace=False)
            pytest.skip(reason)
        redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
        with override_settings(CACHES=redis_cache):
            caches["default"].clear()
            confirm = self.preview()
            response = self.client.post(reverse("admin:orgunits_orgunit_process_import"), confirm)
            assert response.status_code == 302
            assert OrgUnit.objects.filter(code="431321113").exists()
            caches["default"].clear()
