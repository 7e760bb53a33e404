"""Shared test setup: a real slice of the division tree and the personas that use it."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from access.models import Assignment
from orgunits.loader import load_divisions, read_divisions
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_create
from registry.management.commands.load_demo import DEMO_DIR

PASSWORD = "correct-horse-battery-staple"


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


class _AppsBeforeTheSplit:
    """The seeding migrations ask for orgunits.Post, which lives in rosters since the apps split."""

    def get_model(self, app_label, model_name):
        try:
            return apps.get_model(app_label, model_name)
        except LookupError:
            return apps.get_model("rosters", model_name)


def ensure_kinds():
    """TransactionTestCase flushes the seeded kinds; put them back the way the migrations do."""
    importlib.import_module("orgunits.migrations.0002_seed_kinds").seed(_AppsBeforeTheSplit(), None)
    importlib.import_module("orgunits.migrations.0011_kinds_by_code").add_devzone(_AppsBeforeTheSplit(), "default")


def load_demo_divisions():
    load_divisions(read_divisions(DEMO_DIR / "divisions"))


DOMAIN_APPS = ("orgunits", "access", "rosters", "stats", "reports")


def admin_url(name: str, *args) -> str:
    """reverse("admin:<app>_<name>"), the app found from the model name that starts `name`."""
    model_name = name.split("_")[0]
    app_label = next(m._meta.app_label for m in apps.get_models() if m._meta.model_name == model_name)
    return reverse(f"admin:{app_label}_{name}", args=args)


def make_user(username: str, *, staff=True, superuser=False, perms=()):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)
    user.is_staff, user.is_superuser = staff, superuser
    user.save()
    if perms:
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS, codename__in=perms)
        )
    return user


UNIT_PERMS = [
    f"{action}_{model}" for action in ("view", "add", "change", "delete") for model in ("orgunit", "unitkind")
]


class TreeTestCase(TestCase):
    """双峰县 and 香河县 with their province, city, townships and villages, built once per class.

    Personas, all staff with the unit permissions unless said otherwise:
    - a superuser;
    - the county clerk, manager of 双峰县;
    - a township clerk, editor of 永丰街道 (not of 荷叶镇, where most tests write);
    - a city viewer, viewer of 娄底市;
    - an outsider: staff without permissions or assignments;
    - an anonymous visitor.
    """

    @classmethod
    def setUpTestData(cls):
        load_demo_divisions()
        cls.nation = OrgUnit.objects.get(depth=1)
        cls.hunan, cls.loudi, cls.shuangfeng = unit("43"), unit("4313"), unit("431321")
        cls.xianghe = unit("131024")
        cls.yongfeng = unit("431321001")  # 永丰街道
        cls.heye = unit("431321101")  # 荷叶镇
        cls.shutang = unit("131024100")  # 淑阳镇
        cls.superuser = make_user("root", superuser=True)
        cls.county_clerk = make_user("county-clerk", perms=UNIT_PERMS)
        cls.township_clerk = make_user("township-clerk", perms=UNIT_PERMS)
        cls.city_viewer = make_user("city-viewer", perms=UNIT_PERMS)
        cls.outsider = make_user("outsider")
        Assignment.objects.bulk_create(
            [
                Assignment(user=cls.county_clerk, unit=cls.shuangfeng, role=Assignment.Role.MANAGER),
                Assignment(user=cls.township_clerk, unit=cls.yongfeng, role=Assignment.Role.EDITOR),
                Assignment(user=cls.city_viewer, unit=cls.loudi, role=Assignment.Role.VIEWER),
            ]
        )

    @pytest.fixture(autouse=True)
    def _query_counter(self, django_assert_max_num_queries):
        self.max_queries = django_assert_max_num_queries

    def add_agency(self, parent: OrgUnit, code: str, name: str, **dates) -> OrgUnit:
        return unit_create(parent=parent, code=code, name=name, kind=kind("agency"), **dates)


MISSING_ID = 987654321
_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_text(response) -> str:
    """A page's body without its per-request CSRF token, so two answers can be compared whole."""
    return _CSRF_TOKEN.sub("", response.content.decode())


def blank_ids(text: str, ids) -> str:
    """The ids she asked for blanked wherever a page repeats them back (?unit=12&…, value="12",
    /12/, subtree%3D12), not every number 12 on the page."""
    for pk in ids:
        text = re.sub(rf'(?:(?<=[="/])|(?<=%3D)){pk}(?=[&"/]|%26)', "<id>", text)
    return text


def assert_same_as_missing(foreign, missing, foreign_id, *names: str) -> None:
    """Out of scope looks exactly like missing: same status, same body (bar the id she typed, which
    the page repeats back), and none of the names."""
    assert foreign.status_code == missing.status_code

    def normal(response):
        return blank_ids(page_text(response), (foreign_id, MISSING_ID))

    assert normal(foreign) == normal(missing)
    for name in names:
        assert name not in page_text(foreign)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


NATIONAL_SETTINGS = (
    "unitkind",
    "post",
    "concurrentrole",
    "dataelement",
    "validationrule",
    "indicator",
    "eligibilityrule",
    "facilitykind",
)


def is_national_settings_write(url: str) -> bool:
    """The add and delete pages of settings that hold for the whole country: superusers only."""
    parts = url.split("?")[0].strip("/").split("/")
    return len(parts) >= 4 and parts[2] in NATIONAL_SETTINGS and parts[-1] in ("add", "delete")


class AdminPagesSmokeMixin:
    """Every page from pages() answers the superuser and the county clerk (bar national settings'
    add and delete pages, which refuse her), refuses the outsider and sends anonymous visitors to
    the login."""

    def pages(self) -> list[str]:
        raise NotImplementedError

    def test_every_page_answers_for_the_superuser_and_the_county_clerk(self):
        for user in (self.superuser, self.county_clerk):
            self.client.force_login(user)
            for url in self.pages():
                with self.subTest(user=user.username, url=url):
                    expected = 403 if user == self.county_clerk and is_national_settings_write(url) else 200
                    assert self.client.get(url).status_code == expected

    def test_the_outsider_is_refused_everywhere(self):
        self.client.force_login(self.outsider)
        for url in self.pages():
            with self.subTest(url=url):
                assert self.client.get(url).status_code in (403, 404)

    def test_anonymous_visitors_are_sent_to_the_login(self):
        for url in self.pages():
            with self.subTest(url=url):
                response = self.client.get(url)
                assert response.status_code == 302
                assert response["Location"].startswith("/admin/login/")
