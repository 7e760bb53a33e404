"""The holes the probe of the running server found (issue 12), each as it was reproduced.

Points 4 (accounts), 5 (memory bombs), 7 (login names), 8 (export titles) and 9 (chart labels)
have their own modules: tests/test_accounts.py, tests/test_spreadsheet_limits.py,
tests/test_login_limits.py, tests/reports/test_export_neutralising.py, tests/reports/test_chart_labels.py.
"""

import io

from django.urls import reverse

from orgunits.autocomplete import UNIT_NOT_FOUND
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_update
from orgunits.unit_import import CODE_TAKEN
from reports.models import SurveyReport
from reports.survey_services import survey_report_update
from rosters import errors
from rosters.models import Appointment, Person, Term
from rosters.services import appointment_update, person_update
from stats.models import DataValue, Indicator
from tests.base import MISSING_ID, assert_same_as_missing, day, page_text
from tests.base import admin_url as named_admin_url
from tests.orgunits.test_roster import post
from tests.security.forms import database_state, form_data, writable_form
from tests.security.world import SecurityWorld


def admin_url(model, view, *args):
    return named_admin_url(f"{model}_{view}", *args)


def revert_url(obj, record) -> str:
    return admin_url(obj._meta.model_name, "simple_history", obj.pk, record.history_id)


def oldest(obj):
    return type(obj).history.filter(id=obj.pk).order_by("history_id").first()


def csv_upload(text: str, name="file.csv"):
    upload = io.BytesIO(text.encode("utf-8-sig"))
    upload.name = name
    return upload


class HistoryRevertTests(SecurityWorld):
    """Point 1: a revert is a change, judged on the live object and on the version restored."""

    def superuser_revert_form(self, url) -> dict:
        self.client.force_login(self.superuser)
        form = writable_form(self.client.get(url))
        assert form is not None  # the superuser may revert
        return form_data(form)

    def assert_refused(self, user, url, data, status=403):
        before = database_state()
        self.client.force_login(user)
        assert self.client.get(url).status_code == status  # a viewer never gets the form
        assert self.client.post(url, data).status_code == status
        assert database_state() == before

    def test_a_viewer_cannot_revert_a_person_a_unit_a_term_or_a_draft_report(self):
        person_update(person=self.heye_person, education="大学本科")
        unit_update(unit=self.heye, name="荷叶镇（改）")
        term = Term.objects.get(unit=self.heye)
        term.closed_on = day("2024-01-01")
        term.save()
        report = SurveyReport.objects.get(unit=self.shuangfeng)
        survey_report_update(report=report, title=report.title, problems="改过的问题", measures="")
        for obj in (self.heye_person, self.heye, term, report):
            for viewer in (self.city_viewer, self.heye_viewer):
                with self.subTest(model=obj._meta.model_name, viewer=viewer.username):
                    url = revert_url(obj, oldest(obj))
                    visible = obj != report or viewer == self.city_viewer  # the county's report is above 荷叶镇
                    self.assert_refused(viewer, url, self.superuser_revert_form(url), 403 if visible else 404)

    def test_clerks_cannot_revert_or_change_national_settings(self):
        village = UnitKind.objects.get(code="village")
        village.name = "行政村"
        village.save()
        indicator = Indicator.objects.first()
        indicator.numerator = indicator.numerator + " + 1"
        indicator.save()
        for user in (self.county_clerk, self.township_clerk, self.city_viewer):
            for obj in (village, indicator):
                with self.subTest(user=user.username, model=obj._meta.model_name):
                    url = revert_url(obj, oldest(obj))
                    self.assert_refused(user, url, self.superuser_revert_form(url))
                    change = admin_url(obj._meta.model_name, "change", obj.pk)
                    before = database_state()
                    assert 'name="_save"' not in self.client.get(change).content.decode()
                    assert self.client.post(change, {"name": "改"}).status_code == 403
                    assert database_state() == before

    def test_an_editor_of_the_national_root_changes_national_settings(self):
        from access.models import Assignment
        from tests.base import make_user
        from tests.security.world import grant_clerk

        national = grant_clerk(make_user("national-editor"))
        Assignment.objects.create(user=national, unit=self.nation, role=Assignment.Role.EDITOR)
        self.client.force_login(national)
        village = UnitKind.objects.get(code="village")
        assert 'name="_save"' in self.client.get(admin_url("unitkind", "change", village.pk)).content.decode()
        indicator = Indicator.objects.first()
        assert 'name="_save"' in self.client.get(admin_url("indicator", "change", indicator.pk)).content.decode()

    def test_a_manager_cannot_revert_her_own_assignment(self):
        own = self.county_clerk.assignments.get()
        own.role = "editor"
        own.save()
        url = revert_url(own, oldest(own))
        data = self.superuser_revert_form(url)
        before = database_state()
        self.client.force_login(self.county_clerk)
        assert self.client.post(url, data).status_code in (403, 404)
        assert database_state() == before

    def test_an_appointment_moved_out_of_her_township_cannot_be_reverted_back_in(self):
        appointment = self.appointments[self.yongfeng.pk]
        appointment_update(appointment=appointment, unit=self.shutang, term=None)  # by a superuser
        url = revert_url(appointment, oldest(appointment))  # the version in 永丰街道
        data = self.superuser_revert_form(url)
        before = database_state()
        self.client.force_login(self.township_clerk)
        missing = self.client.get(admin_url("appointment", "simple_history", MISSING_ID, 1))
        foreign = self.client.get(url)
        assert_same_as_missing(foreign, missing, appointment.pk, "淑阳镇", "香河县")
        assert self.client.post(url, data).status_code == 404
        assert database_state() == before
        assert Appointment.objects.get(pk=appointment.pk).unit == self.shutang

    def test_an_appointment_moved_in_cannot_be_reverted_out_and_its_old_unit_is_not_named(self):
        url = revert_url(self.moved_appointment, oldest(self.moved_appointment))  # the version in 淑阳镇
        self.client.force_login(self.township_clerk)
        history = self.client.get(admin_url("appointment", "history", self.moved_appointment.pk))
        assert history.status_code == 200 and "淑阳镇" not in page_text(history)
        before = database_state()
        assert self.client.get(url).status_code == 403
        assert self.client.post(url, {"unit": self.shutang.pk}).status_code == 403
        assert database_state() == before

    def test_the_figures_revert_form_refuses_instead_of_failing(self):
        value = DataValue.objects.get(unit=self.yongfeng)
        url = revert_url(value, oldest(value))
        self.client.force_login(self.superuser)
        assert self.client.post(url, {"total": "1"}).status_code == 403  # figures change on the entry page only

    def test_an_editor_reverts_inside_her_scope_through_the_services(self):
        self.yongfeng.save()  # loaded units have no history of their own yet
        unit_update(unit=self.yongfeng, name="改错的名字")
        url = revert_url(self.yongfeng, oldest(self.yongfeng))
        data = self.superuser_revert_form(url)
        self.client.force_login(self.township_clerk)
        assert self.client.post(url, data).status_code == 302
        reverted = OrgUnit.objects.get(pk=self.yongfeng.pk)
        assert reverted.name == "永丰街道" and reverted.path == self.yongfeng.path


class PeopleAcrossCountiesTests(SecurityWorld):
    """Point 2: people are hers through appointments in her scope, or because she registered them."""

    def appointment_form(self, person_id):
        return {
            "person": person_id,
            "unit": self.yongfeng.pk,
            "post": post("执委").pk,
            "term": "",
            "start_on": "2023-01-01",
            "end_on": "",
            "mode": "part",
        }

    def test_a_person_of_another_county_cannot_be_appointed_or_reached(self):
        self.client.force_login(self.township_clerk)
        before = database_state()
        foreign = self.client.post(admin_url("appointment", "add"), self.appointment_form(self.xianghe_person.pk))
        missing = self.client.post(admin_url("appointment", "add"), self.appointment_form(MISSING_ID))
        assert_same_as_missing(foreign, missing, self.xianghe_person.pk, "香河丙梅")
        assert database_state() == before
        change = self.client.get(admin_url("person", "change", self.xianghe_person.pk))
        assert_same_as_missing(change, self.client.get(admin_url("person", "change", MISSING_ID)), 0)

    def test_who_she_sees(self):
        self.client.force_login(self.township_clerk)
        listed = {p.name for p in self.client.get(admin_url("person", "changelist")).context["cl"].result_list}
        # Her appointees, the one moved in, and the one she registered; nobody of 荷叶镇 or 香河县.
        assert listed == {"永丰甲芳", "迁入丁秀", "永丰未任"}
        self.client.force_login(self.heye_editor)
        listed = {p.name for p in self.client.get(admin_url("person", "changelist")).context["cl"].result_list}
        assert listed == {"荷叶乙兰"}

    def test_an_import_row_with_a_number_held_elsewhere_names_nobody_and_writes_nothing(self):
        person_update(person=self.xianghe_person, education="大学本科")
        number = self.xianghe_person.id_number
        text = (
            "姓名,出生日期,身份证号,学历,手机,单位代码,职务,任职开始\n"
            f"冒名,1982-03-03,{number},初中及以下,13700000000,{self.yongfeng.code},执委,2023-01-01\n"
        )
        self.client.force_login(self.township_clerk)
        before = database_state()
        preview = self.client.post(admin_url("appointment", "import"), {"import_file": csv_upload(text), "format": "0"})
        body = page_text(preview)
        assert errors.ID_REGISTERED in body
        for secret in ("香河丙梅", "大学本科", "138****0003", "13811110003"):
            assert secret not in body
        assert database_state() == before

    def test_a_namesake_elsewhere_is_another_person(self):
        text = (
            "姓名,出生日期,学历,单位代码,职务,任职开始\n"
            f"香河丙梅,1982-03-03,初中及以下,{self.yongfeng.code},执委,2023-01-01\n"
        )
        self.client.force_login(self.township_clerk)
        preview = self.client.post(admin_url("appointment", "import"), {"import_file": csv_upload(text), "format": "0"})
        assert preview.context["result"].totals["new"] == 1 and "大学" not in page_text(preview)
        self.client.post(admin_url("appointment", "process_import"), preview.context["confirm_form"].initial)
        assert Person.objects.filter(name="香河丙梅").count() == 2
        assert Person.objects.get(pk=self.xianghe_person.pk).education == ""  # untouched

    def test_a_manager_over_both_townships_moves_a_person_across(self):
        data = self.appointment_form(self.heye_person.pk)
        self.client.force_login(self.township_clerk)
        assert self.client.post(admin_url("appointment", "add"), data).status_code == 200  # not hers
        self.client.force_login(self.county_clerk)
        assert self.client.post(admin_url("appointment", "add"), data).status_code == 302
        self.client.force_login(self.township_clerk)
        assert self.client.get(admin_url("person", "change", self.heye_person.pk)).status_code == 200


class PersonalDataTests(SecurityWorld):
    """Point 3: identity numbers and phones cannot be recovered by filters, diffs or errors."""

    def test_changelist_lookups_on_personal_fields_are_refused(self):
        self.client.force_login(self.county_clerk)
        for lookup in ("id_number__startswith=4313", "phone__startswith=138", "id_number__regex=^4"):
            with self.subTest(lookup):
                assert self.client.get(admin_url("person", "changelist") + "?" + lookup).status_code == 400
        response = self.client.get(admin_url("appointment", "changelist") + "?person__id_number__startswith=4")
        assert response.status_code == 400
        self.client.force_login(self.superuser)
        assert self.client.get(admin_url("person", "changelist") + "?phone__startswith=138").status_code == 200

    def test_history_diffs_mask_phones_and_numbers(self):
        person_update(person=self.yongfeng_person, phone="13800009999")
        self.client.force_login(self.township_clerk)
        page = page_text(self.client.get(admin_url("person", "history", self.yongfeng_person.pk)))
        assert "138****9999" in page and "138****0001" in page
        assert "13800009999" not in page and "13811110001" not in page

    def test_a_revert_says_it_keeps_the_numbers_she_may_not_see_and_keeps_them(self):
        """The revert page shows the version's masked phone: it must say the revert will not restore it."""
        old_version = self.yongfeng_person.history.latest("history_id").history_id
        person_update(person=self.yongfeng_person, phone="13800009999", ethnicity="回族")
        self.client.force_login(self.township_clerk)
        url = reverse("admin:rosters_person_simple_history", args=[self.yongfeng_person.pk, old_version])
        page = self.client.get(url)
        assert errors.REVERT_KEEPS_PERSONAL_DATA in page_text(page)
        assert self.client.post(url, form_data(writable_form(page))).status_code == 302
        self.yongfeng_person.refresh_from_db()
        assert (self.yongfeng_person.ethnicity, self.yongfeng_person.phone) == ("汉族", "13800009999")
        self.client.force_login(self.superuser)  # who sees the numbers restores them, and is not told
        page = self.client.get(url)
        assert errors.REVERT_KEEPS_PERSONAL_DATA not in page_text(page)

    def test_saving_a_person_unchanged_adds_no_version(self):
        self.client.force_login(self.township_clerk)
        url = admin_url("person", "change", self.yongfeng_person.pk)
        versions = self.yongfeng_person.history.count()
        assert self.client.post(url, form_data(writable_form(self.client.get(url)))).status_code == 302
        assert self.yongfeng_person.history.count() == versions

    def test_a_duplicate_number_names_nobody(self):
        self.client.force_login(self.superuser)
        data = {
            "name": "重号",
            "sex": "F",
            "birth_date": "1982-03-03",
            "ethnicity": "汉族",
            "id_number": self.xianghe_person.id_number,
        }
        response = self.client.post(admin_url("person", "add"), data)
        assert errors.ID_REGISTERED in page_text(response) and "香河丙梅" not in page_text(response)


class ForeignNamesTests(SecurityWorld):
    """Point 6: nothing outside her scope is named, and out of scope answers like missing."""

    def test_ids_in_the_address_render_no_foreign_option(self):
        self.client.force_login(self.township_clerk)
        for page, foreign, secret in (
            (admin_url("orgunit", "add") + "?parent={}", self.heye.pk, "荷叶镇"),
            (admin_url("appointment", "changelist") + "?subtree={}", self.heye.pk, "荷叶镇"),
            (admin_url("appointment", "add") + "?person={}", self.heye_person.pk, "荷叶乙兰"),
            (admin_url("appointment", "add") + "?term={}", Term.objects.get(unit=self.heye).pk, "荷叶镇"),
            (reverse("stats_coverage") + "?unit={}&on=bad", self.heye.pk, "荷叶镇"),
            (reverse("rosters_worklist", args=["busy"]) + "?unit={}&on=bad", self.heye.pk, "荷叶镇"),
        ):
            with self.subTest(page):
                answer = self.client.get(page.format(foreign))
                assert_same_as_missing(answer, self.client.get(page.format(MISSING_ID)), foreign, secret)

    def test_a_foreign_unit_on_the_report_pages_reads_as_not_found(self):
        self.client.force_login(self.township_clerk)
        for page in (
            reverse("stats_coverage"),
            reverse("stats_entry"),
            reverse("rosters_worklist", args=["busy"]),
        ):
            with self.subTest(page):
                for unit_id in (self.heye.pk, MISSING_ID):
                    assert UNIT_NOT_FOUND in page_text(self.client.get(f"{page}?unit={unit_id}&year=2023"))

    def test_history_pages_of_foreign_objects_are_missing(self):
        self.client.force_login(self.township_clerk)
        for model, obj in (("orgunit", self.heye), ("person", self.heye_person)):
            with self.subTest(model):
                foreign = self.client.get(admin_url(model, "history", obj.pk))
                missing = self.client.get(admin_url(model, "history", MISSING_ID))
                assert_same_as_missing(foreign, missing, obj.pk)

    def test_the_unit_import_preview_names_no_foreign_unit(self):
        text = f"代码,名称,类型,上级代码\n{self.shutang.code},改个名,乡镇,{self.xianghe.code}\n"
        self.client.force_login(self.township_clerk)
        preview = self.client.post(admin_url("orgunit", "import"), {"import_file": csv_upload(text), "format": "0"})
        body = page_text(preview)
        assert CODE_TAKEN in body
        for secret in ("淑阳镇", "香河县"):
            assert secret not in body

    def test_the_move_form_names_no_foreign_unit(self):
        self.client.force_login(self.township_clerk)
        village = OrgUnit.objects.children_of(self.yongfeng).first()
        moved = self.client.post(admin_url("orgunit", "move", village.pk), {"new_parent": self.heye.pk})
        missing = self.client.post(admin_url("orgunit", "move", village.pk), {"new_parent": MISSING_ID})
        assert_same_as_missing(moved, missing, self.heye.pk, "荷叶镇")
        assert OrgUnit.objects.get(pk=village.pk).parent() == self.yongfeng
