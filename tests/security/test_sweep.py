"""The persona sweep: every URL pattern, from the admin and our own views, with every persona.

Generated from the URL resolver and the admin registry (tests/security/pages.py), so a new page joins
it by existing. For each persona it asks every page with an object of her own, an object outside her
scope and a missing id, GET and POST, and posts every form (history revert forms included), also
with foreign ids in every foreign key. It asserts:
- the exact status, worked out from who she is (tests/security/expectations.py), never from the
  answer; anonymous visitors are sent to the login;
- an object outside her scope answers exactly as a missing one (status and body);
- nothing outside her scope is named on any page, JSON answer or downloaded file (unit names and
  codes, people), and no identity number or phone is shown in full to anyone but the superuser;
- a user with every model permission and no assignment sees nothing, page by page: no rows, no
  choices, no figures, no report;
- where the page offered her no form to submit, a post changes nothing in the database.
Changelist lookups have their own sweep (test_lookups.py).
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction

from orgunits.models import OrgUnit
from rosters.models import AgeBandSet, EducationGroupSet, Person, Term
from tests.base import MISSING_ID, blank_ids, page_text
from tests.security.counts import FACTS, count
from tests.security.expectations import FAMILY, NATIONAL, PROFILES, Persona, expected_status
from tests.security.forms import form_data, writable_form, write_count
from tests.security.pages import PUBLIC, PageGenerator, ids_in, url_patterns
from tests.security.reading import content_type, data_rows, response_text, without_fixed_text
from tests.security.world import SecurityWorld, login, secrets_for

# Foreign keys a form may carry, and which of her related objects a foreign id is taken from.
PROFILE_SETS = {"age_band_set": AgeBandSet, "education_group_set": EducationGroupSet}
FOREIGN_KEYS = ("unit", "parent", "new_parent", "owner", "person", "term", "user", *PROFILE_SETS)
# What our own views put in the page once they have a unit to work on.
RESULTS = ("result", "values", "rows", "figures")


class SweepTests(SecurityWorld):
    def test_the_write_count_sees_every_kind_of_write(self):
        """The posts are judged by write_count(): it must move on an insert, an update and a delete."""
        for write in (
            lambda: self.add_agency(self.yongfeng, "431321001999", "测试单位"),
            lambda: OrgUnit.objects.filter(pk=self.heye.pk).update(name="改"),
            lambda: self.county_clerk.assignments.all().delete(),
        ):
            with transaction.atomic():
                before = write_count()
                write()
                assert write_count() > before
                transaction.set_rollback(True)

    # ---- the checks

    def assert_status(self, persona, page, response, method, expected):
        assert response.status_code == expected, f"{method} {page}: {response.status_code}, expected {expected}"
        if persona.anonymous:
            target = "/admin/" if page.kind == "root" else "/admin/login/"
            assert response["Location"].startswith(target)

    def assert_nothing_leaks(self, secrets, page, response):
        leaked = secrets.found_in(without_fixed_text(response_text(response)))
        assert not leaked, f"{page} shows {leaked[:10]}"

    def assert_shows_nothing(self, page, response):
        """Without an assignment: no row, no choice, no figure, no report, whatever her permissions.
        (The secrets check has already looked for every unit name and code, and every person.)"""
        count("unassigned pages")
        if response.status_code != 200:
            return
        if content_type(response) != "text/html":
            assert data_rows(response) == [], f"{page} lists rows"
            count("unassigned lists empty")
            return
        context = response.context
        if context is None:
            return
        # The country's settings, and the national profile sets, are everyone's.
        if "cl" in context and FAMILY[page.model] not in (NATIONAL, PROFILES):
            assert context["cl"].result_count == 0, f"{page} lists {context['cl'].result_count} rows"
            count("unassigned lists empty")
        if page.kind in ("coverage", "facility_coverage", "indicators", "worklist", "entry"):
            for name in RESULTS:
                assert not context.get(name), f"{page} shows {name}"
            count("unassigned lists empty")
        if "adminform" in context:
            for field in context["adminform"].form.fields.values():
                queryset = getattr(field, "queryset", None)
                if queryset is not None and queryset.model is OrgUnit:
                    assert not queryset.exists(), f"{page} offers units"

    # ---- every page, GET and POST

    def test_every_page_and_form_with_every_persona(self):
        patterns = list(url_patterns())
        swept_routes, urls = set(), set()
        personas = self.personas()
        assert personas[0][1] == self.superuser  # her forms are what the others post where they get none
        superuser_forms = {}
        for label, user in personas:
            persona = Persona(label, user)
            login(self.client, user)
            secrets = secrets_for(user)
            generator = PageGenerator(user, self)
            answers = {}
            pages = list(generator.pages())
            count("pages", len(pages))
            for page in pages:
                swept_routes.add(page.route)
                urls.add(page.url)
                with self.subTest(persona=label, page=repr(page), method="GET"):
                    self.get_and_check(persona, page, secrets, answers)
                # A GET that failed (a server error raises here) is reported; its page is still posted.
                self.post_form(persona, generator, page, answers.get(page.url), secrets, superuser_forms)
            self.assert_foreign_is_missing(label, user, pages, answers)
        swept_routes.discard(None)
        public = sorted({name for _route, name, _full in patterns if name in PUBLIC})
        FACTS.update(patterns=len(patterns), swept=len(swept_routes), public=public, personas=len(personas))
        count("page urls", len(urls))
        assert {route for route, name, _full in patterns if name not in PUBLIC} == swept_routes

    def get_and_check(self, persona, page, secrets, answers):
        expected = expected_status(persona, page, "GET")
        response = answers[page.url] = self.client.get(page.url)
        count("GET")
        self.assert_status(persona, page, response, "GET", expected)
        self.assert_nothing_leaks(secrets, page, response)
        if persona.user == self.perms_only:
            self.assert_shows_nothing(page, response)

    def post_form(self, persona, generator, page, response, secrets, superuser_forms):
        """Post the form the page offered her, or else the superuser's form of that page (or of the
        same page for another object), or else nothing; then her own form again with a foreign id in
        each foreign key."""
        if persona.anonymous:
            offered, data = None, {}
        else:
            offered = self._offered_transition(page) if page.post_only else response and writable_form(response)
            if persona.superuser and not page.post_only:
                superuser_forms[page.url] = offered
            template = offered or superuser_forms.get(page.url) or self._foreign_template(page, superuser_forms)
            data = form_data(template) if template else {}
        with self.subTest(persona=persona.label, page=repr(page), method="POST"):
            self.post_and_check(persona, page, data, secrets, expect_refusal=offered is None)
        if offered is not None and not persona.superuser:
            self.post_foreign_keys(persona, generator, page, data, secrets)

    def assert_foreign_is_missing(self, label, user, pages, answers):
        by_key = {}
        for page in pages:
            by_key.setdefault(page.key, {})[page.variant] = page
        compared = 0
        for variants in by_key.values():
            foreign, missing = variants.get("foreign"), variants.get("missing")
            if foreign is None or missing is None or not {foreign.url, missing.url} <= answers.keys():
                continue
            compared += 1
            with self.subTest(persona=label, foreign=foreign.url, missing=missing.url):
                a, b = answers[foreign.url], answers[missing.url]
                assert a.status_code == b.status_code
                if content_type(a) == "text/html":
                    ids = ids_in(foreign.url) | ids_in(missing.url)
                    assert blank_ids(page_text(a), ids) == blank_ids(page_text(b), ids)
        if user is not None and not user.is_superuser:
            assert compared >= 30, f"{label}: only {compared} foreign ids were compared with missing ones"

    # ---- posting

    def _offered_transition(self, page):
        """定稿 and 退回草稿 are buttons on the report's page: offered when that page links them."""
        if page.kind not in ("finalize", "reopen"):
            return None
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

    def post_and_check(self, persona, page, data, secrets, *, expect_refusal):
        """One post, rolled back; where the page offered her nothing to submit, it writes nothing."""
        expected = expected_status(persona, page, "POST")  # before the post changes anything
        with transaction.atomic():
            writes = write_count()
            response = self.client.post(page.url, data)
            count("POST")
            self.forget_messages()
            self.assert_status(persona, page, response, "POST", expected)
            self.assert_nothing_leaks(secrets, page, response)
            if expect_refusal:
                assert write_count() == writes, f"{page} wrote to the database"
            transaction.set_rollback(True)
        return response

    def forget_messages(self):
        """A post saved and rolled back still leaves its "saved" message for the next page."""
        self.client.cookies.pop("messages", None)

    def post_foreign_keys(self, persona, generator, page, data, secrets):
        """Her own form with a foreign id in one foreign key: the form comes back (200) with the field's
        error, exactly as for a missing id, and nothing is written. (Nothing is foreign to a superuser.)"""
        unit = generator.foreign_unit()
        foreign_ids = {
            "unit": unit and unit.pk,
            "parent": unit and unit.pk,
            "new_parent": unit and unit.pk,
            "owner": unit and unit.pk,
            **{name: generator.related_ids(model).get("foreign", (None,))[0] for name, model in PROFILE_SETS.items()},
            "person": generator.related_ids(Person).get("foreign", (None,))[0],
            "term": generator.related_ids(Term).get("foreign", (None,))[0],
            "user": generator.related_ids(get_user_model()).get("foreign", (None,))[0],
        }
        for field in FOREIGN_KEYS:
            foreign = foreign_ids[field]
            if field not in data or foreign is None:
                continue
            with self.subTest(persona=persona.label, page=repr(page), foreign_key=field):
                answers = []
                for pk in (foreign, MISSING_ID):
                    with transaction.atomic():
                        writes = write_count()
                        response = self.client.post(page.url, {**data, field: [str(pk)]})
                        count("POST")
                        count("POST foreign key")
                        self.forget_messages()
                        assert response.status_code == 200, f"{page} {field}={pk}: {response.status_code}"
                        self.assert_nothing_leaks(secrets, page, response)
                        assert write_count() == writes, f"{page} with {field}={pk} wrote to the database"
                        transaction.set_rollback(True)
                    answers.append(blank_ids(page_text(response), {str(foreign), str(MISSING_ID)}))
                assert answers[0] == answers[1], f"{page}: a foreign {field} does not read as a missing one"
