from django.contrib.auth.models import Permission
from django.urls import reverse

from access.models import Assignment
from rosters import errors
from rosters.identity import mask_id_number
from rosters.models import Appointment, Person, Term
from tests.base import DOMAIN_APPS, AdminPagesSmokeMixin, make_user
from tests.orgunits.test_roster import RosterTestCase, post, role

ROSTER_PERMS = [
    f"{action}_{model}"
    for action in ("view", "add", "change", "delete")
    for model in ("person", "post", "concurrentrole", "term", "appointment")
]


def grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS, codename__in=codenames)
    )
    return user


class RosterAdminPagesTests(AdminPagesSmokeMixin, RosterTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant(cls.county_clerk, *ROSTER_PERMS)
        cls.chair = cls.appoint(cls, cls.li, cls.heye).appointment
        from rosters.services import term_open

        cls.term = term_open(unit=cls.heye, elected_on=cls.chair.start_on)

    def pages(self):
        pages = []
        for model, pk in [
            ("person", self.li.pk),
            ("post", post("主席").pk),
            ("concurrentrole", role("family_planning").pk),
            ("term", self.term.pk),
            ("appointment", self.chair.pk),
        ]:
            pages += [reverse(f"admin:rosters_{model}_{view}") for view in ("changelist", "add")]
            pages += [reverse(f"admin:rosters_{model}_{view}", args=[pk]) for view in ("change", "history", "delete")]
        pages.append(reverse("admin:rosters_appointment_changelist") + "?as_of=2023-06-30")
        pages += [
            reverse("rosters_worklist", args=[name]) for name in ("without-chair", "terms-due", "busy", "vacant-seats")
        ]
        pages.append(
            reverse("rosters_worklist", args=["terms-due"]) + f"?unit={self.shuangfeng.pk}&on=2026-01-01&months=3"
        )
        return pages

    def test_an_unknown_worklist_is_404(self):
        self.client.force_login(self.superuser)
        assert self.client.get(reverse("rosters_worklist", args=["nope"])).status_code == 404

    def test_the_unit_page_shows_the_current_roster(self):
        self.client.force_login(self.county_clerk)
        html = self.client.get(reverse("admin:orgunits_orgunit_change", args=[self.heye.pk])).content.decode()
        assert "现任人员" in html and "李秀英" in html

    def test_the_person_page_lists_every_post_held(self):
        self.appoint(self.li, self.villages[0], "执委", start="2019-01-01", end="2020-12-31")
        self.client.force_login(self.county_clerk)
        html = self.client.get(reverse("admin:rosters_person_change", args=[self.li.pk])).content.decode()
        assert "历任职务" in html and self.villages[0].name in html and "荷叶镇" in html


class PersonalDataTests(RosterTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.appoint(cls, cls.li, cls.heye)

    def clerk(self, username, *codenames):
        user = grant(make_user(username, perms=["view_orgunit"]), *codenames)
        Assignment.objects.create(user=user, unit=self.shuangfeng, role=Assignment.Role.EDITOR)
        return user

    def test_identity_numbers_and_phones_are_masked_without_the_permission(self):
        clerk = self.clerk("masked-clerk", "view_person", "change_person")
        self.client.force_login(clerk)
        listing = self.client.get(reverse("admin:rosters_person_changelist")).content.decode()
        assert self.li.id_number not in listing and mask_id_number(self.li.id_number) in listing
        assert "13800001234" not in listing and "138****1234" in listing
        page = self.client.get(reverse("admin:rosters_person_change", args=[self.li.pk])).content.decode()
        assert self.li.id_number not in page and "13800001234" not in page

    def test_shown_in_full_with_the_permission(self):
        clerk = self.clerk("trusted-clerk", "view_person", "view_personal_data")
        self.client.force_login(clerk)
        listing = self.client.get(reverse("admin:rosters_person_changelist")).content.decode()
        assert self.li.id_number in listing and "13800001234" in listing


class AppointmentFormTests(RosterTestCase):
    def setUp(self):
        self.client.force_login(self.superuser)

    def post_appointment(self, **fields):
        data = {"term": "", "end_on": "", "mode": "part", **fields}
        return self.client.post(reverse("admin:rosters_appointment_add"), data)

    def test_an_appointment_is_created_with_a_seats_warning(self):
        self.appoint(self.wang, self.heye)
        response = self.post_appointment(
            person=self.li.pk,
            unit=self.heye.pk,
            post=post("主席").pk,
            start_on="2022-01-01",
            concurrent_roles=[role("village_committee").pk],
        )
        assert response.status_code == 302
        created = Appointment.objects.get(person=self.li)
        assert [r.code for r in created.concurrent_roles.all()] == ["village_committee"]
        page = self.client.get(response["Location"])
        assert "超过职数1人" in " ".join(str(m) for m in page.context["messages"])

    def test_an_overlap_is_shown_on_the_form_and_nothing_is_saved(self):
        self.appoint(self.li, self.heye, start="2021-01-01")
        response = self.post_appointment(
            person=self.li.pk, unit=self.heye.pk, post=post("主席").pk, start_on="2022-01-01"
        )
        assert response.status_code == 200
        assert (
            errors.APPOINTMENT_OVERLAP.format(
                person="李秀英", unit="荷叶镇", post="主席", start_on="2021-01-01", end_on="今"
            )
            in response.content.decode()
        )
        assert Appointment.objects.count() == 1

    def test_a_bad_identity_number_is_shown_on_the_person_form(self):
        data = {
            "name": "新人",
            "sex": "F",
            "birth_date": "1990-01-01",
            "ethnicity": "汉族",
            "id_number": "431321199001010000",
        }
        response = self.client.post(reverse("admin:rosters_person_add"), data)
        assert "校验位错误" in response.content.decode()
        assert not Person.objects.filter(name="新人").exists()


class TermAddFormTests(RosterTestCase):
    """term_open's rules are form errors on the add page, not an error page after the form passed."""

    def setUp(self):
        self.client.force_login(self.superuser)

    def post_term(self, elected_on, due_on):
        data = {"unit": self.heye.pk, "elected_on": elected_on, "due_on": due_on}
        return self.client.post(reverse("admin:rosters_term_add"), data)

    def test_an_election_before_the_previous_one_is_a_form_error(self):
        assert self.post_term("2021-04-01", "2026-04-01").status_code == 302
        response = self.post_term("2016-03-08", "2021-03-08")
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["elected_on"] == [
            errors.TERM_ELECTED_BEFORE_PREVIOUS.format(elected_on="2016-03-08", ordinal=1, previous="2021-04-01")
        ]
        assert Term.objects.filter(unit=self.heye).count() == 1

    def test_a_due_date_before_the_election_is_a_form_error(self):
        response = self.post_term("2021-04-01", "2021-01-01")
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["due_on"] == [
            errors.TERM_DUE_BEFORE_ELECTED.format(due_on="2021-01-01", elected_on="2021-04-01")
        ]
        assert not Term.objects.filter(unit=self.heye).exists()
