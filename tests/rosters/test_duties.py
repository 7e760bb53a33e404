"""执委履职: the duty records' rules, their counts per person and rolled up the tree, their admin pages
(scoped: another county's records look missing) and their import."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.scope import Scope
from imports.errors import UNKNOWN_UNIT
from orgunits.models import OrgUnit
from rosters import errors
from rosters.duties import DutyTally, duties_by_person, duties_rolled_up, duty_record_create, duty_record_update
from rosters.duty_import import DutyImporter, check_rows
from rosters.models import DutyRecord, DutyType, Post
from rosters.services import appointment_create, person_create
from tests.base import MISSING_ID, TreeTestCase, assert_same_as_missing, day, make_user
from tests.orgunits.test_roster import id_number
from tests.orgunits.test_roster_admin import grant

DUTY_PERMS = [f"{action}_dutyrecord" for action in ("view", "add", "change", "delete")]
TYPES = "入户走访、参加活动、宣传宣讲、矛盾调解、帮扶"
YEAR = (day("2024-01-01"), day("2024-12-31"))


def duty_type(name: str) -> DutyType:
    return DutyType.objects.get(name=name)


@pytest.mark.django_db
def test_the_five_duty_types_are_seeded():
    assert list(DutyType.objects.values_list("name", flat=True)) == [
        "入户走访",
        "参加活动",
        "宣传宣讲",
        "矛盾调解",
        "帮扶",
    ]


class DutyTestCase(TreeTestCase):
    """Two 执委 of 荷叶镇's first village, one of 淑阳镇 (香河县), with a few duties in 2024."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for township in (cls.heye, cls.shutang):
            OrgUnit.objects.subtree(township).update(org_established_on=day("2016-03-08"))
        cls.village = OrgUnit.objects.children_of(cls.heye).filter(kind__code="village").order_by("path").first()
        cls.other_village = OrgUnit.objects.children_of(cls.heye).filter(kind__code="village").order_by("path")[1]
        post = Post.objects.get(name="执委")
        cls.liu = person_create(name="刘芳", sex="F", birth_date=day("1980-05-01"), id_number=id_number("19800501"))
        cls.chen = person_create(name="陈静", sex="F", birth_date=day("1985-02-01"))
        cls.sun = person_create(name="孙丽", sex="F", birth_date=day("1990-03-01"))
        cls.held = appointment_create(person=cls.liu, unit=cls.village, post=post, start_on=day("2021-01-01"))
        cls.held = cls.held.appointment
        appointment_create(person=cls.chen, unit=cls.other_village, post=post, start_on=day("2021-01-01"))
        appointment_create(person=cls.sun, unit=cls.shutang, post=post, start_on=day("2021-01-01"))
        visit, talk = duty_type("入户走访"), duty_type("宣传宣讲")
        cls.first = duty_record_create(
            person=cls.liu, unit=cls.village, done_on=day("2024-03-01"), duty_type=visit, households=5, women=7
        )
        duty_record_create(person=cls.liu, unit=cls.village, done_on=day("2024-04-01"), duty_type=talk, women=30)
        duty_record_create(
            person=cls.chen, unit=cls.other_village, done_on=day("2024-05-01"), duty_type=visit, households=3, women=4
        )
        duty_record_create(person=cls.liu, unit=cls.village, done_on=day("2023-12-31"), duty_type=visit, households=9)
        cls.foreign = duty_record_create(
            person=cls.sun, unit=cls.shutang, done_on=day("2024-06-01"), duty_type=visit, households=2
        )
        grant(cls.county_clerk, *DUTY_PERMS, "view_person", "view_appointment")


class DutyRuleTests(DutyTestCase):
    def record(self, **changes):
        fields = {
            "person": self.liu,
            "unit": self.village,
            "done_on": day("2024-07-01"),
            "duty_type": duty_type("帮扶"),
        }
        return duty_record_create(**{**fields, **changes})

    def test_the_appointment_must_be_hers_at_the_unit_and_held_that_day(self):
        assert self.record().appointment == self.held  # found by the service: hers there that day
        assert self.record(done_on=day("2020-06-01")).appointment is None  # before she took the post
        assert self.record(appointment=self.held, duty_type=duty_type("参加活动")).appointment == self.held
        with pytest.raises(ValidationError) as caught:
            self.record(person=self.chen, unit=self.other_village, appointment=self.held)
        assert caught.value.message_dict["appointment"] == [errors.DUTY_APPOINTMENT_OTHER]
        with pytest.raises(ValidationError) as caught:
            self.record(done_on=day("2020-12-31"), appointment=self.held)
        assert caught.value.message_dict["appointment"] == [
            errors.DUTY_APPOINTMENT_NOT_ACTIVE.format(done_on="2020-12-31")
        ]

    def test_no_day_after_today_and_one_record_per_person_unit_day_and_type(self):
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as caught:
            self.record(done_on=tomorrow)
        assert caught.value.message_dict["done_on"] == [errors.DUTY_IN_FUTURE.format(done_on=tomorrow)]
        with pytest.raises(ValidationError) as caught:
            self.record(done_on=day("2024-03-01"), duty_type=duty_type("入户走访"))
        assert errors.DUTY_DUPLICATE in caught.value.messages

    def test_an_update_is_checked_the_same_way(self):
        duty_record_update(record=self.first, households=6)
        assert DutyRecord.objects.get(pk=self.first.pk).households == 6
        with pytest.raises(ValidationError):
            duty_record_update(record=self.first, households=-1)
        assert self.first.history.count() == 2


class DutyCountTests(DutyTestCase):
    def test_per_person_in_a_period(self):
        with self.assertNumQueries(1):
            found = duties_by_person(DutyRecord.objects.all(), *YEAR)
        assert found[self.liu.pk] == DutyTally(2, 5, 37)
        assert found[self.chen.pk] == DutyTally(1, 3, 4)

    def test_per_unit_rolled_up_the_tree(self):
        with self.assertNumQueries(4):
            county = duties_rolled_up(self.shuangfeng, *YEAR)
        assert [(label, tally) for label, _unit, tally in county.rows] == [("荷叶镇", DutyTally(3, 8, 41))]
        assert county.total == DutyTally(3, 8, 41)
        township = duties_rolled_up(self.heye, *YEAR)
        by_unit = {row_unit: tally for _label, row_unit, tally in township.rows}
        assert by_unit == {self.village: DutyTally(2, 5, 37), self.other_village: DutyTally(1, 3, 4)}
        assert duties_rolled_up(self.xianghe, *YEAR).total == DutyTally(1, 2, 0)
        assert duties_rolled_up(self.shuangfeng, day("2023-01-01"), day("2023-12-31")).total == DutyTally(1, 9, 0)

    def test_the_coverage_page_gives_the_years_duties_under_the_staffing_table(self):
        self.client.force_login(self.county_clerk)
        response = self.client.get(reverse("stats_coverage") + f"?unit={self.shuangfeng.pk}&on=2024-12-31")
        assert (
            response.context["staffing"]["duties"]
            == "执委履职：2024年1月1日至12月31日，履职3次，走访8户，联系妇女41人。"
        )


class DutyAdminTests(DutyTestCase):
    def test_the_pages_answer_the_county_clerk(self):
        self.client.force_login(self.county_clerk)
        for url in (
            reverse("admin:rosters_dutyrecord_changelist"),
            reverse("admin:rosters_dutyrecord_add"),
            reverse("admin:rosters_dutyrecord_change", args=[self.first.pk]),
            reverse("admin:rosters_dutyrecord_history", args=[self.first.pk]),
            reverse("admin:rosters_dutyrecord_import"),
        ):
            with self.subTest(url):
                assert self.client.get(url).status_code == 200
        listed = self.client.get(reverse("admin:rosters_dutyrecord_changelist")).context["cl"].result_list
        assert self.foreign not in listed and self.first in listed

    def test_the_outsider_is_refused(self):
        self.client.force_login(self.outsider)
        for url in (
            reverse("admin:rosters_dutyrecord_changelist"),
            reverse("admin:rosters_dutyrecord_change", args=[self.first.pk]),
        ):
            assert self.client.get(url).status_code in (403, 404)

    def test_another_countys_record_looks_missing(self):
        self.client.force_login(self.county_clerk)
        for name in ("change", "history", "delete"):
            foreign = self.client.get(reverse(f"admin:rosters_dutyrecord_{name}", args=[self.foreign.pk]))
            missing = self.client.get(reverse(f"admin:rosters_dutyrecord_{name}", args=[MISSING_ID]))
            assert_same_as_missing(foreign, missing, self.foreign.pk, "孙丽", self.shutang.name)

    def test_she_records_a_duty_in_her_county_and_not_in_another(self):
        self.client.force_login(self.county_clerk)
        data = {"person": self.chen.pk, "done_on": "2024-08-01", "duty_type": duty_type("帮扶").pk}
        data |= {"households": "2", "women": "2", "note": "", "appointment": ""}
        response = self.client.post(reverse("admin:rosters_dutyrecord_add"), {**data, "unit": self.other_village.pk})
        assert response.status_code == 302
        created = DutyRecord.objects.get(done_on=day("2024-08-01"))
        assert created.history.get().history_user == self.county_clerk
        assert created.appointment.person == self.chen  # linked to her post there that day
        response = self.client.post(
            reverse("admin:rosters_dutyrecord_add"), {**data, "unit": self.shutang.pk, "done_on": "2024-08-02"}
        )
        assert response.status_code == 200 and "unit" in response.context["adminform"].form.errors
        assert not DutyRecord.objects.filter(done_on=day("2024-08-02")).exists()

    def test_the_persons_page_lists_her_records_in_scope_with_the_years_totals(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:rosters_person_change", args=[self.liu.pk]))
        html = response.content.decode()
        assert "履职记录（本年履职0次，走访0户，联系妇女0人）" in html  # the records are of 2023 and 2024
        assert html.count("rosters/dutyrecord/") >= 3


class DutyImportTests(DutyTestCase):
    def rows(self, *rows: dict) -> list[dict]:
        base = {"unit_code": self.village.code, "done_on": "2024-09-01", "duty_type": "入户走访"}
        return [{**base, **row} for row in rows]

    def test_rows_by_number_or_by_name_at_the_unit_in_any_order(self):
        rows = self.rows(
            {"name": "刘芳", "households": "3", "women": "4", "note": "走访"},
            {"id_number": self.liu.id_number, "duty_type": "帮扶"},
            {"name": "刘芳", "done_on": "2024-03-01", "households": "5", "women": "8"},  # stored: 7 women then
        )
        for ordered in (rows, rows[::-1]):
            plan = check_rows(ordered, scope=Scope.for_user(self.county_clerk))
            assert plan.valid, plan.messages()
            assert sorted(row.kind for row in plan.rows) == ["new", "new", "update"]
        assert check_rows(rows).rows[0].record.appointment == self.held  # her post there that day
        DutyImporter().write(check_rows(rows))
        assert DutyRecord.objects.get(pk=self.first.pk).women == 8
        assert DutyRecord.objects.filter(person=self.liu, done_on=day("2024-09-01")).count() == 2
        assert (
            DutyRecord.objects.get(person=self.liu, done_on=day("2024-09-01"), duty_type__name="帮扶").appointment
            == self.held
        )

    def test_errors_name_the_row_and_the_column_and_nothing_is_written(self):
        rows = self.rows(
            {"name": "刘芳"},
            {"id_number": id_number("19700101"), "households": "-1"},
            {"name": "无此人", "duty_type": "跳舞"},
            {"name": "刘芳"},
        )
        plan = check_rows(rows)
        assert plan.messages() == [
            f"第3行，列“走访户数”：{errors.DUTY_COUNT_FORMAT.format(value='-1')}",
            f"第3行，列“身份证号”：{errors.DUTY_PERSON_NOT_FOUND}",
            f"第4行，列“履职类型”：{errors.DUTY_TYPE_UNKNOWN.format(value='跳舞', choices=TYPES)}",
            f"第4行，列“姓名”：{errors.DUTY_PERSON_NOT_FOUND}",
            f"第5行，列“日期”：{errors.DUTY_SAME_ROW.format(other=2)}",
        ]
        assert id_number("19700101") not in "".join(plan.messages())

    def test_a_unit_outside_her_scope_reads_as_unknown(self):
        rows = [{"name": "孙丽", "unit_code": self.shutang.code, "done_on": "2024-09-01", "duty_type": "帮扶"}]
        plan = check_rows(rows, scope=Scope.for_user(self.county_clerk))
        assert plan.messages() == [f"第2行，列“单位代码”：{UNKNOWN_UNIT.format(code=self.shutang.code)}"]

    def test_two_namesakes_at_the_unit_need_the_number(self):
        twin = person_create(name="刘芳", sex="F", birth_date=day("1992-01-01"))
        appointment_create(
            person=twin, unit=self.village, post=Post.objects.get(name="副主席"), start_on=day("2021-01-01")
        )
        plan = check_rows(self.rows({"name": "刘芳"}))
        message = errors.DUTY_PERSON_AMBIGUOUS.format(unit=self.village.name, count=2, name="刘芳")
        assert plan.messages() == [f"第2行，列“姓名”：{message}"]

    def test_a_viewer_may_not_import(self):
        viewer = make_user("duty-viewer", perms=["view_dutyrecord"])
        self.client.force_login(viewer)
        assert self.client.get(reverse("admin:rosters_dutyrecord_import")).status_code == 403
