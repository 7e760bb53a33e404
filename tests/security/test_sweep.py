"""The persona sweep: every URL pattern, from the admin and our own views, with every persona.

Generated from the URL resolver and the admin registry, so a new page joins it by existing. For each
persona it asks every page with an object of her own, an object outside her scope and a missing id,
and it posts every form (history revert forms included), also with foreign ids in every foreign key.
It asserts:
- no answer is a server error, and anonymous visitors are sent to the login;
- an object outside her scope answers exactly as a missing one (status and body);
- nothing outside her scope is named on any page (unit names and codes, people), and no identity
  number or phone is shown in full to anyone but the superuser;
- where the page offered her no form to submit, a post changes nothing in the database;
- changelist lookups on identity numbers and phones are refused without the permission.
"""

import re

from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from orgunits.models import OrgUnit, Person, Term
from orgunits.scope import Scope
from tests.base import MISSING_ID, blank_ids, page_text
from tests.security.forms import database_state, form_data, writable_form
from tests.security.world import SecurityWorld, login, secrets_for

OK_STATUSES = {200, 302, 400, 403, 404, 405}
# Pages anyone may open, signed in or not.
PUBLIC = {"login", "set_language", "jsi18n", "logout"}
# The admin's catch-all, which only redirects to the login or answers 404.
UNSWEPT = {None}
WORKLISTS = ("without-chair", "terms-due", "busy", "vacant-seats")
PERSONAL_LOOKUPS = (
    "id_number__startswith=4",
    "id_number__regex=.",
    "phone__startswith=1",
    "phone__contains=0",
    "person__id_number__startswith=4",
    "person__phone__startswith=1",
    "created_by__appointments__person__id_number__startswith=4",
)


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, name, name to reverse) for every URL pattern, namespaces included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, f"{namespace}{pattern.name}"


class Page:
    """One URL to ask: which kind of object it names (own, foreign, missing, or none)."""

    def __init__(self, url, variant="none", post_only=False, key=None):
        self.url, self.variant, self.post_only = url, variant, post_only
        self.key = key or url  # the same page with another id has the same key

    def __repr__(self):
        return f"{self.variant}: {self.url}"


class SweepTests(SecurityWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.factory = RequestFactory()

    # ---- what each persona owns and what lies outside her scope

    def model_admins(self):
        return [(model, model_admin) for model, model_admin in admin.site._registry.items()]

    def visible(self, user, model_admin):
        request = self.factory.get("/")
        request.user = user
        return model_admin.get_queryset(request)

    def objects_for(self, user, model, model_admin) -> dict:
        """{variant: pk} for one model: an object she sees, one she does not, and a missing one."""
        found = {"missing": MISSING_ID}
        everything = model._default_manager.order_by("pk")
        mine = everything.none() if user is None else self.visible(user, model_admin)
        own = mine.order_by("pk").first()
        outside = everything.exclude(pk__in=mine.values("pk"))
        if user is not None and model is type(user):
            outside = outside.exclude(pk=user.pk)  # her own account: she knows it exists
        foreign = outside.order_by("-pk").first()
        if own is not None:
            found["own"] = own.pk
        if foreign is not None:
            found["foreign"] = foreign.pk
        return found

    def foreign_unit(self, user):
        scope = Scope.for_user(user) if user else Scope(unrestricted=False)
        for unit in (self.shutang, self.heye, self.yongfeng, self.xianghe):
            if not scope.can_view(unit) and not any(root.startswith(unit.path) for root in scope.view_paths):
                return unit
        return None

    def own_unit(self, user):
        scope = Scope.for_user(user) if user else Scope(unrestricted=False)
        return scope.home()

    # ---- the pages

    def pages_for(self, user):
        history_managers = {}
        for route, name, full_name in url_patterns():
            if name in UNSWEPT or name in PUBLIC:
                continue
            if name.endswith("_simple_history"):
                history_managers[name] = route
                continue
            if "<path:object_id>" in route or "<id>" in route:
                yield from self._object_pages(user, name)
            elif "<str:token>" in route:
                yield Page(reverse(full_name, args=["0123456789abcdef"]))
            elif name == "orgunits_worklist":
                for worklist in WORKLISTS:
                    yield from self._unit_pages(user, reverse(full_name, args=[worklist]) + "?unit={}")
            elif name in ("reports_coverage",):
                for query in ("?unit={}&on=2024-01-01", "?unit={}&on=bad", "?unit={}&on=2024-01-01&export=xlsx"):
                    yield from self._unit_pages(user, reverse(full_name) + query)
                yield from self._unit_pages(user, reverse(full_name) + "?unit={}&on=2024-01-01&export=csv")
            elif name in ("reports_indicators", "reports_entry"):
                yield from self._unit_pages(user, reverse(full_name) + "?unit={}&year=2023")
            elif name == "view_on_site":
                yield from self._view_on_site_pages(user)
            elif name == "app_list":
                for app_label in ("auth", "orgunits", "reports"):
                    yield Page(reverse("admin:app_list", args=[app_label]))
            else:
                yield Page(reverse(full_name))
        yield from self._history_form_pages(user, history_managers)
        yield from self._parameter_pages(user)

    def _object_pages(self, user, name):
        model_admin = next(
            (
                ma
                for model, ma in self.model_admins()
                if name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_")
            ),
            None,
        )
        if model_admin is None:
            return
        post_only = name.endswith(("_finalize", "_reopen"))
        for variant, pk in self.objects_for(user, model_admin.model, model_admin).items():
            yield Page(reverse(f"admin:{name}", args=[pk]), variant, post_only=post_only, key=name)

    def _view_on_site_pages(self, user):
        from django.contrib.contenttypes.models import ContentType

        for model, model_admin in self.model_admins():
            content_type = ContentType.objects.get_for_model(model)
            for variant, pk in self.objects_for(user, model, model_admin).items():
                yield Page(reverse("admin:view_on_site", args=[content_type.pk, pk]), variant, key=content_type.pk)

    def _history_form_pages(self, user, names):
        for name in names:
            model_admin = next(
                ma
                for model, ma in self.model_admins()
                if name == f"{model._meta.app_label}_{model._meta.model_name}_simple_history"
            )
            history = model_admin.model.history
            for variant, pk in self.objects_for(user, model_admin.model, model_admin).items():
                record = history.filter(**{model_admin.model._meta.pk.attname: pk}).order_by("history_id").first()
                version = record.history_id if record else 1
                yield Page(reverse(f"admin:{name}", args=[pk, version]), variant, key=name)

    def _unit_pages(self, user, template):
        own, foreign = self.own_unit(user), self.foreign_unit(user)
        if own is not None:
            yield Page(template.format(own.pk), "own", key=template)
        if foreign is not None:
            yield Page(template.format(foreign.pk), "foreign", key=template)
        yield Page(template.format(MISSING_ID), "missing", key=template)

    def _parameter_pages(self, user):
        """Pages that take an id in the query string and render it as a chosen option or a label."""
        for template in (
            reverse("admin:orgunits_orgunit_changelist") + "?parent={}",
            reverse("admin:orgunits_orgunit_add") + "?parent={}",
            reverse("admin:orgunits_appointment_changelist") + "?subtree={}",
            reverse("admin:orgunits_appointment_add") + "?unit={}",
            reverse("admin:orgunits_term_add") + "?unit={}",
            reverse("admin:orgunits_assignment_add") + "?unit={}",
            reverse("admin:reports_surveyreport_add") + "?unit={}",
        ):
            yield from self._unit_pages(user, template)
        for field, model, template in (
            ("person", Person, reverse("admin:orgunits_appointment_add") + "?person={}"),
            ("term", Term, reverse("admin:orgunits_appointment_add") + "?term={}"),
            ("user", None, reverse("admin:orgunits_assignment_add") + "?user={}"),
        ):
            for variant, pk in self._related_ids(user, field, model).items():
                yield Page(template.format(pk), variant, key=template)
        for field_name, model_name, term in (
            ("person", "appointment", "香河"),
            ("person", "appointment", "永丰"),
            ("unit", "appointment", "1310"),
            ("term", "appointment", "淑阳"),
            ("user", "assignment", "xianghe"),
            ("unit", "assignment", "香河"),
        ):
            query = f"?app_label=orgunits&model_name={model_name}&field_name={field_name}&term={term}"
            yield Page(reverse("admin:autocomplete") + query)
        for term in ("香河", "1310", "荷叶", "431321101"):
            yield Page(reverse("admin:orgunits_orgunit_choose") + f"?term={term}")

    def _related_ids(self, user, field, model):
        """An id of that field's model she may pick, one she may not, and a missing one."""
        from django.contrib.auth import get_user_model

        model = model or get_user_model()
        model_admin = admin.site._registry[model]
        return self.objects_for(user, model, model_admin)

    # ---- the checks

    def assert_nothing_leaks(self, secrets, page, response):
        if response.get("Content-Type", "").startswith(("text/", "application/json")):
            leaked = secrets.found_in(response.content.decode("utf-8", "replace"))
            assert not leaked, f"{page} shows {leaked[:10]}"

    def test_every_page_with_every_persona(self):
        for label, user in self.personas():
            login(self.client, user)
            secrets = secrets_for(user)
            answers = {}
            for page in self.pages_for(user):
                if page.post_only:
                    continue
                with self.subTest(persona=label, page=repr(page)):
                    response = self.client.get(page.url)
                    answers[page.url] = response
                    assert response.status_code in OK_STATUSES, response.status_code
                    if user is None:
                        assert response.status_code == 302 and "/admin/login/" in response["Location"]
                    if user is not None and user == self.outsider:
                        assert response.status_code in (302, 403, 404) or page.variant == "none"
                    self.assert_nothing_leaks(secrets, page, response)
            self.assert_foreign_is_missing(label, user, answers)

    def assert_foreign_is_missing(self, label, user, answers):
        by_key = {}
        for page in self.pages_for(user):
            by_key.setdefault(page.key, {})[page.variant] = page
        compared = 0
        for pages in by_key.values():
            foreign, missing = pages.get("foreign"), pages.get("missing")
            if foreign is None or missing is None or foreign.url not in answers:
                continue
            compared += 1
            with self.subTest(persona=label, foreign=foreign.url, missing=missing.url):
                a, b = answers[foreign.url], answers[missing.url]
                assert a.status_code == b.status_code
                if a.get("Content-Type", "").startswith("text/html"):
                    ids = self.ids_in(foreign.url) | self.ids_in(missing.url)
                    assert self.normal(a, ids) == self.normal(b, ids)
        if user is not None and not user.is_superuser:
            assert compared >= 30, f"{label}: only {compared} foreign ids were compared with missing ones"

    @staticmethod
    def ids_in(url) -> set[str]:
        return set(re.findall(r"(?<=[/=])\d+(?=[/&]|$)", url))

    @staticmethod
    def normal(response, ids) -> str:
        return blank_ids(page_text(response), ids)

    def test_every_form_posted_by_every_persona(self):
        superuser_forms = {}
        self.client.force_login(self.superuser)
        for page in self.pages_for(self.superuser):
            if not page.post_only:
                superuser_forms[page.url] = writable_form(self.client.get(page.url))
        before = database_state()
        for label, user in self.personas():
            if user is None or user.is_superuser:
                continue
            login(self.client, user)
            secrets = secrets_for(user)
            for page in self.pages_for(user):
                offered = None if page.post_only else writable_form(self.client.get(page.url))
                if page.post_only:
                    offered = self._offered_transition(page)
                template = offered or superuser_forms.get(page.url) or self._foreign_template(page, superuser_forms)
                data = form_data(template) if template else {}
                with self.subTest(persona=label, page=repr(page)):
                    self.post_and_check(page, data, secrets, expect_refusal=offered is None, before=before)
                if offered is not None:
                    self.post_foreign_keys(label, user, page, data, secrets, before)

    def _offered_transition(self, page):
        report_page = page.url.rsplit("/", 2)[0] + "/report/"
        response = self.client.get(report_page)
        return (
            {"fields": [], "submits": 1}
            if response.status_code == 200 and page.url in response.content.decode()
            else None
        )

    def _foreign_template(self, page, superuser_forms):
        # A missing id has no form of its own: post what the form of any object of that page holds.
        for url, form in superuser_forms.items():
            if form and re.sub(r"\d+", "", url) == re.sub(r"\d+", "", page.url):
                return form
        return None

    def post_and_check(self, page, data, secrets, *, expect_refusal, before):
        with transaction.atomic():
            response = self.client.post(page.url, data)
            assert response.status_code in OK_STATUSES, response.status_code
            self.assert_nothing_leaks(secrets, page, response)
            if expect_refusal:
                assert database_state() == before, f"{page} changed the database"
            transaction.set_rollback(True)

    def post_foreign_keys(self, label, user, page, data, secrets, before):
        foreign_ids = {
            "unit": self.foreign_unit(user),
            "parent": self.foreign_unit(user),
            "new_parent": self.foreign_unit(user),
            "person": self._related_ids(user, "person", Person).get("foreign"),
            "term": self._related_ids(user, "term", Term).get("foreign"),
            "user": self._related_ids(user, "user", None).get("foreign"),
        }
        for field, foreign in foreign_ids.items():
            if field not in data or foreign is None:
                continue
            pk = foreign.pk if isinstance(foreign, OrgUnit) else foreign
            with self.subTest(persona=label, page=repr(page), foreign_key=field):
                self.post_and_check(page, {**data, field: [str(pk)]}, secrets, expect_refusal=True, before=before)

    def test_personal_data_cannot_be_looked_up_without_the_permission(self):
        changelists = [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model, _model_admin in self.model_admins()
        ]
        for label, user in self.personas():
            if user is None or user == self.outsider:
                continue
            login(self.client, user)
            for url in changelists:
                for lookup in PERSONAL_LOOKUPS:
                    with self.subTest(persona=label, url=url, lookup=lookup):
                        response = self.client.get(f"{url}?{lookup}")
                        if user.is_superuser:
                            assert response.status_code in (200, 302, 400)
                        else:
                            assert response.status_code in (302, 400, 403), response.status_code
