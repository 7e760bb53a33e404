"""Each persona sees and changes only her subtrees, on every kind of page; ids from elsewhere are refused."""

import json

from django.urls import reverse

from access.errors import OWN_ASSIGNMENT
from access.models import Assignment
from access.scope import Scope
from orgunits.models import OrgUnit
from rosters.models import Appointment
from rosters.officers import UNKNOWN_UNIT, check_rows
from rosters.services import appointment_create, person_create
from stats.models import DataValue
from stats.services import datavalues_save
from tests.base import MISSING_ID, TreeTestCase, admin_url, assert_same_as_missing, day, kind, page_text
from tests.orgunits.test_roster import post
from tests.orgunits.test_roster_admin import ROSTER_PERMS, grant
from tests.reports.test_admin_pages import with_report_perms


def url(name, *args):
    return admin_url(name, *args)


class ScopeTestCase(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in (cls.county_clerk, cls.township_clerk, cls.city_viewer):
            with_report_perms(user)
            grant(user, *ROSTER_PERMS, "view_assignment", "add_assignment", "change_assignment", "delete_assignment")
        OrgUnit.objects.subtree(cls.shuangfeng).update(org_established_on=day("2016-03-08"))
        cls.heye_village = OrgUnit.objects.children_of(cls.heye).first()
        cls.yongfeng_village = OrgUnit.objects.children_of(cls.yongfeng).first()
        datavalues_save(unit=cls.heye, period="2023", values={"cadres": (10, 3)})
        datavalues_save(unit=cls.yongfeng, period="2023", values={"cadres": (20, 5)})
        person = person_create(name="荷叶的人", sex="F", birth_date=day("1980-01-01"))
        cls.heye_appointment = appointment_create(
            person=person, unit=cls.heye, post=post("主席"), start_on=day("2021-01-01")
        ).appointment


class TownshipClerkTests(ScopeTestCase):
    """Editor of 永丰街道: nothing of 荷叶镇, next door, is hers."""

    def setUp(self):
        self.client.force_login(self.township_clerk)

    def test_the_unit_list_is_her_street(self):
        response = self.client.get(url("orgunit_changelist"))
        codes = [u.code for u in response.context["cl"].result_list]
        assert codes[0] == "431321001" and all(code.startswith("431321001") for code in codes)

    def test_pages_of_another_township_are_not_found(self):
        for page in (
            url("orgunit_change", self.heye.pk),
            url("orgunit_history", self.heye.pk),
            url("orgunit_delete", self.heye_village.pk),
            url("orgunit_move", self.heye.pk),
            url("orgunit_close", self.heye.pk),
            url("appointment_change", self.heye_appointment.pk),
            reverse("admin:stats_datavalue_change", args=[DataValue.objects.get(unit=self.heye).pk]),
        ):
            with self.subTest(page):
                assert self.client.get(page).status_code == 404

    def test_the_autocomplete_finds_nothing_outside(self):
        results = json.loads(self.client.get(url("orgunit_choose") + "?term=荷叶").content)["results"]
        assert results == []
        results = json.loads(self.client.get(url("orgunit_choose") + "?term=431321001").content)["results"]
        assert results and all("永丰" in r["text"] or "431321001" in r["text"] for r in results)

    def test_a_foreign_parent_in_a_form_is_refused_like_a_missing_one(self):
        def add_under(parent_id):
            data = {"parent": parent_id, "code": "XH-IDOR", "name": "越界", "kind": kind("agency").pk}
            blank = ["opened_on", "closed_on", "org_established_on", "org_dissolved_on", "org_form", "eligibility"]
            return self.client.post(url("orgunit_add"), {**data, **dict.fromkeys(blank, "")})

        foreign, missing = add_under(self.heye.pk), add_under(MISSING_ID)
        assert_same_as_missing(foreign, missing, self.heye.pk, "荷叶镇", self.heye.code)
        assert not OrgUnit.objects.filter(code="XH-IDOR").exists()

    def test_a_move_into_another_subtree_is_refused_like_a_move_under_a_missing_unit(self):
        def move_under(parent_id):
            return self.client.post(url("orgunit_move", self.yongfeng_village.pk), {"new_parent": parent_id})

        foreign, missing = move_under(self.heye.pk), move_under(MISSING_ID)
        assert_same_as_missing(foreign, missing, self.heye.pk, "荷叶镇", self.heye.code)
        assert OrgUnit.objects.get(pk=self.yongfeng_village.pk).parent() == self.yongfeng

    def test_statistics_pages_of_another_township_answer_as_for_a_missing_unit(self):
        for page in (
            reverse("stats_coverage") + "?unit={}&on=2024-01-01",
            reverse("stats_coverage") + "?unit={}&on=bad",
            reverse("stats_indicators") + "?unit={}&year=2023",
            reverse("stats_entry") + "?unit={}&year=2023",
            reverse("rosters_worklist", args=["without-chair"]) + "?unit={}",
            reverse("rosters_worklist", args=["terms-due"]) + "?unit={}&on=bad",
        ):
            with self.subTest(page):
                foreign, missing = self.client.get(page.format(self.heye.pk)), self.client.get(page.format(MISSING_ID))
                assert_same_as_missing(foreign, missing, self.heye.pk, "荷叶镇", self.heye.code)
        response = self.client.post(reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023", {"cadres__total": "99"})
        assert response.status_code == 200 and "荷叶镇" not in page_text(response)
        assert DataValue.objects.get(unit=self.heye).total == 10

    def test_lists_and_exports_hold_only_her_rows(self):
        values = self.client.get(reverse("admin:stats_datavalue_changelist")).context["cl"].result_list
        assert [v.unit_id for v in values] == [self.yongfeng.pk]
        assert list(self.client.get(url("appointment_changelist")).context["cl"].result_list) == []
        assert list(self.client.get(url("person_changelist")).context["cl"].result_list) == []

    def test_import_rows_outside_her_scope_are_errors(self):
        row = {
            "name": "越界",
            "birth_date": "1980-01-01",
            "unit_code": "431321101",
            "post": "执委",
            "start_on": "2022-01-01",
        }
        report = check_rows([row], scope=Scope.for_user(self.township_clerk))
        assert report.messages() == ["第2行，列“单位代码”：" + UNKNOWN_UNIT.format(code="431321101")]
        assert Appointment.objects.count() == 1


class CityViewerTests(ScopeTestCase):
    """Viewer of 娄底市: sees 双峰县, changes nothing."""

    def setUp(self):
        self.client.force_login(self.city_viewer)

    def test_she_sees_but_cannot_change(self):
        assert self.client.get(url("orgunit_change", self.heye.pk)).status_code == 200
        assert self.client.get(url("orgunit_add")).status_code == 403
        data = {"code": "431321101", "name": "改名", "kind": kind("township").pk}
        assert self.client.post(url("orgunit_change", self.heye.pk), data).status_code == 403
        assert self.client.get(url("orgunit_move", self.heye.pk)).status_code == 403
        assert OrgUnit.objects.get(pk=self.heye.pk).name == "荷叶镇"

    def test_figures_can_be_read_not_entered(self):
        page = reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023"
        assert "只有查看权限" in self.client.get(page).content.decode()
        assert self.client.post(page, {"cadres__total": "99"}).status_code == 403
        assert self.client.get(reverse("stats_coverage") + f"?unit={self.loudi.pk}").status_code == 200

    def test_another_county_is_out_of_reach(self):
        assert self.client.get(url("orgunit_change", self.xianghe.pk)).status_code == 404


class ManagerTests(ScopeTestCase):
    """Manager of 双峰县: assigns people inside her county, not outside, and not herself."""

    def setUp(self):
        self.client.force_login(self.county_clerk)

    def assign(self, user, unit, role="editor"):
        return self.client.post(url("assignment_add"), {"user": user.pk, "unit": unit.pk, "role": role})

    def test_she_assigns_inside_her_county(self):
        assert self.assign(self.township_clerk, self.heye).status_code == 302
        assert Assignment.objects.filter(user=self.township_clerk, unit=self.heye).exists()

    def test_not_outside_it(self):
        response = self.assign(self.township_clerk, self.xianghe)
        assert response.status_code == 200
        assert not Assignment.objects.filter(unit=self.xianghe).exists()

    def test_not_herself(self):
        response = self.assign(self.county_clerk, self.heye, "manager")
        assert OWN_ASSIGNMENT in response.content.decode()
        own = Assignment.objects.get(user=self.county_clerk)
        assert self.client.get(url("assignment_change", own.pk)).status_code == 200  # she may look
        assert (
            self.client.post(
                url("assignment_change", own.pk),
                {"user": self.county_clerk.pk, "unit": self.hunan.pk, "role": "manager"},
            ).status_code
            == 403
        )


class ManagerUserTests(ScopeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.contrib.auth.models import Permission

        perms = Permission.objects.filter(
            content_type__app_label="auth", codename__in=["view_user", "add_user", "change_user"]
        )
        cls.county_clerk.user_permissions.add(*perms)

    def setUp(self):
        self.client.force_login(self.county_clerk)

    def test_she_sees_her_people_only(self):
        users = self.client.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
        names = {u.username for u in users}
        # Hers; not the outsider, an account without any scope that somebody else created.
        assert "township-clerk" in names and "outsider" not in names
        assert "city-viewer" not in names and "root" not in names
        assert self.client.get(reverse("admin:auth_user_change", args=[self.city_viewer.pk])).status_code == 404

    def test_she_cannot_make_anyone_a_superuser_or_edit_herself(self):
        page = self.client.get(reverse("admin:auth_user_change", args=[self.township_clerk.pk])).content.decode()
        assert 'name="is_superuser"' not in page
        own = reverse("admin:auth_user_change", args=[self.county_clerk.pk])
        assert 'name="_save"' not in self.client.get(own).content.decode()  # read-only for her
        assert self.client.post(own, {"username": "county-clerk", "is_staff": "on"}).status_code == 403

    def test_a_new_account_goes_straight_to_its_assignment(self):
        data = {
            "username": "new-clerk",
            "password1": "a-long-Password-2026",
            "password2": "a-long-Password-2026",
            "usable_password": "true",
        }
        response = self.client.post(reverse("admin:auth_user_add"), data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:access_assignment_add") + "?user=")


class EveryAdminPageTests(ScopeTestCase):
    """Generated from the admin registry: every model's pages, with every persona."""

    def pages(self):
        from django.contrib import admin

        for model in admin.site._registry:
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            yield reverse(f"{info}_changelist"), None
            yield reverse(f"{info}_add"), None
            obj = model._default_manager.order_by("pk").first()
            if obj is not None:
                for view in ("change", "history", "delete"):
                    yield reverse(f"{info}_{view}", args=[obj.pk]), obj

    def test_no_page_fails_and_the_outsider_gets_nothing(self):
        personas = [self.superuser, self.county_clerk, self.township_clerk, self.city_viewer, self.outsider]
        pages = list(self.pages())
        assert len(pages) > 60
        for persona in personas:
            self.client.force_login(persona)
            for page, _obj in pages:
                with self.subTest(user=persona.username, page=page):
                    status = self.client.get(page).status_code
                    assert status in (200, 302, 403, 404)
                    if persona is self.outsider:
                        assert status in (403, 404)
                    if persona is self.superuser and not page.endswith(("/add/", "/delete/")):
                        assert status == 200  # add may be closed (figures); delete of a parent redirects


class SecondTownshipEditorTests(ScopeTestCase):
    """Two township editors of different townships see nothing of each other's."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from tests.base import UNIT_PERMS, make_user

        cls.heye_clerk = make_user("heye-clerk", perms=UNIT_PERMS)
        grant(cls.heye_clerk, *ROSTER_PERMS)
        with_report_perms(cls.heye_clerk)
        Assignment.objects.create(user=cls.heye_clerk, unit=cls.heye, role=Assignment.Role.EDITOR)

    def test_each_sees_only_her_own_township(self):
        for clerk, mine, theirs in (
            (self.heye_clerk, self.heye, self.yongfeng),
            (self.township_clerk, self.yongfeng, self.heye),
        ):
            self.client.force_login(clerk)
            assert self.client.get(url("orgunit_change", mine.pk)).status_code == 200
            assert self.client.get(url("orgunit_change", theirs.pk)).status_code == 404
            appointments = self.client.get(url("appointment_changelist")).context["cl"].result_list
            assert all(a.unit.path.startswith(mine.path) for a in appointments)

    def test_an_uploaded_file_with_the_other_township_is_refused_in_the_preview(self):
        from tests.conftest import FIXTURES

        self.client.force_login(self.township_clerk)  # 永丰街道; the file is all 荷叶镇
        with (FIXTURES / "officers" / "officers.xlsx").open("rb") as handle:
            preview = self.client.post(url("appointment_import"), {"import_file": handle, "format": "0"})
        result = preview.context["result"]
        assert result.has_validation_errors()
        assert all("单位代码" in row.field_specific_errors for row in result.invalid_rows)
        assert UNKNOWN_UNIT.format(code=self.heye.code) in preview.content.decode()
        assert "荷叶镇" not in preview.content.decode()


class PersonNameEscapingTests(ScopeTestCase):
    def test_a_person_named_like_a_script_shows_as_text(self):
        xss = "<script>alert(1)</script>"
        person = person_create(name=xss, sex="F", birth_date=day("1990-01-01"))
        appointment_create(person=person, unit=self.heye, post=post("执委"), start_on=day("2022-01-01"))
        appointment_create(person=person, unit=self.heye_village, post=post("执委"), start_on=day("2022-01-01"))
        self.client.force_login(self.superuser)
        for page in (
            url("person_changelist"),
            url("person_change", person.pk),
            url("appointment_changelist"),
            url("orgunit_change", self.heye.pk),
            reverse("rosters_worklist", args=["busy"]) + f"?unit={self.shuangfeng.pk}&on=2023-01-01",
        ):
            with self.subTest(page):
                html = self.client.get(page).content.decode()
                assert xss not in html


class HistoryByIdTests(ScopeTestCase):
    def test_history_records_of_someone_elses_rows_stay_hidden(self):
        other = Assignment.objects.get(user=self.city_viewer)
        entry = Assignment.history.create(
            id=other.pk,
            user=other.user,
            unit=other.unit,
            role=other.role,
            created_at=other.created_at,
            history_date=other.created_at,
            history_type="+",
        )
        self.client.force_login(self.county_clerk)
        for page in (
            url("assignment_history", other.pk),
            reverse("admin:access_assignment_simple_history", args=[other.pk, entry.history_id]),
        ):
            with self.subTest(page):
                assert self.client.get(page).status_code == 404
