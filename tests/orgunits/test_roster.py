import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orgunits.models import OrgUnit
from orgunits.services import unit_update
from rosters import errors
from rosters.identity import id_check_char, mask_id_number, mask_phone
from rosters.models import Appointment, ConcurrentRole, Person, Post, Term
from rosters.profiles import default_age_bands, default_education_groups, roster_stats
from rosters.selectors import busy_people, organisations_without_chair, terms_due, vacant_seats
from rosters.services import (
    appointment_create,
    appointment_end,
    person_create,
    person_update,
    term_close,
    term_open,
)
from tests.base import TreeTestCase, day


def id_number(birth: str, *, female=True, area="431321", sequence=12) -> str:
    """A valid GB 11643 number for the birth date (YYYYMMDD) and sex."""
    sequence = sequence * 2 + (0 if female else 1)
    first17 = f"{area}{birth}{sequence:03d}"
    return first17 + id_check_char(first17)


def post(name: str) -> Post:
    return Post.objects.get(name=name)


def role(code: str) -> ConcurrentRole:
    return ConcurrentRole.objects.get(code=code)


class RosterTestCase(TreeTestCase):
    """荷叶镇 and its villages have organisations since 2016; three officers."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=day("2016-03-08"))
        cls.villages = list(OrgUnit.objects.children_of(cls.heye).filter(kind__code="village")[:3])
        cls.li = person_create(
            name="李秀英",
            sex="F",
            birth_date=day("1985-03-12"),
            id_number=id_number("19850312"),
            phone="138 0000 1234",
            education="大学专科",
            political_status="中共党员",
        )
        cls.wang = person_create(name="王桂兰", sex="F", birth_date=day("1962-07-01"), education="高中")
        cls.zhao = person_create(name="赵敏", sex="F", birth_date=day("1995-11-30"), political_status="群众")

    def appoint(self, person, unit, post_name="主席", start="2021-01-01", end=None, roles=(), mode="part"):
        return appointment_create(
            person=person,
            unit=unit,
            post=post(post_name),
            start_on=day(start),
            end_on=day(end) if end else None,
            mode=mode,
            concurrent_roles=[role(code) for code in roles],
        )


class PersonTests(RosterTestCase):
    def test_identity_number_is_checked_against_birth_date_and_sex(self):
        with pytest.raises(ValidationError) as exc:
            person_create(name="甲", sex="F", birth_date=day("1985-03-13"), id_number=id_number("19850312", sequence=7))
        assert exc.value.message_dict["id_number"] == [
            errors.ID_BIRTH_MISMATCH.format(encoded="1985-03-12", given="1985-03-13")
        ]
        with pytest.raises(ValidationError) as exc:
            person_create(name="乙", sex="M", birth_date=day("1985-03-12"), id_number=id_number("19850312", sequence=3))
        assert exc.value.message_dict["id_number"] == [errors.ID_SEX_MISMATCH.format(encoded="女", given="男")]

    def test_a_wrong_check_digit_is_refused(self):
        good = id_number("19900101")
        bad = good[:17] + ("0" if good[17] != "0" else "1")
        with pytest.raises(ValidationError) as exc:
            person_create(name="丙", sex="F", birth_date=day("1990-01-01"), id_number=bad)
        assert exc.value.message_dict["id_number"] == [
            errors.ID_CHECK.format(value=bad, expected=good[17], actual=bad[17])
        ]

    def test_identity_numbers_are_unique_when_present(self):
        with pytest.raises(ValidationError) as exc:
            person_create(name="丁", sex="F", birth_date=day("1985-03-12"), id_number=id_number("19850312").lower())
        assert exc.value.message_dict["id_number"] == [errors.ID_REGISTERED]  # names nobody
        person_create(name="李秀英", sex="F", birth_date=day("1985-03-12"))  # same name and birth, no number
        assert Person.objects.filter(name="李秀英").count() == 2

    def test_a_phone_with_letters_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            person_update(person=self.zhao, phone="1380000abcd")
        assert exc.value.message_dict["phone"] == [errors.PHONE_FORMAT.format(value="1380000abcd")]

    def test_masks(self):
        assert mask_id_number(self.li.id_number) == f"4313**********{self.li.id_number[-4:]}"
        assert self.li.phone == "13800001234"
        assert mask_phone(self.li.phone) == "138****1234"


class AppointmentRuleTests(RosterTestCase):
    def test_an_end_before_the_start_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            self.appoint(self.li, self.heye, start="2021-05-01", end="2021-04-30")
        assert exc.value.message_dict["end_on"] == [
            errors.APPOINTMENT_END_BEFORE_START.format(end_on="2021-04-30", start_on="2021-05-01")
        ]

    def test_overlapping_appointments_to_the_same_post_are_refused(self):
        self.appoint(self.li, self.heye, start="2021-01-01", end="2023-12-31")
        with pytest.raises(ValidationError) as exc:
            self.appoint(self.li, self.heye, start="2023-06-01")
        assert exc.value.message_dict["start_on"] == [
            errors.APPOINTMENT_OVERLAP.format(
                person="李秀英", unit="荷叶镇", post="主席", start_on="2021-01-01", end_on="2023-12-31"
            )
        ]
        self.appoint(self.li, self.heye, start="2024-01-01")  # right after: fine
        self.appoint(self.li, self.heye, post_name="执委", start="2021-01-01")  # another post: fine

    def test_the_database_refuses_an_end_before_the_start(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.create(
                person=self.li, unit=self.heye, post=post("主席"), start_on=day("2021-05-01"), end_on=day("2021-01-01")
            )

    def test_no_appointment_where_there_is_no_organisation(self):
        with pytest.raises(ValidationError) as exc:
            self.appoint(self.li, self.heye, start="2015-01-01")
        assert exc.value.message_dict["start_on"] == [
            errors.APPOINTMENT_NO_ORGANISATION.format(unit="荷叶镇", on="2015-01-01")
        ]
        with pytest.raises(ValidationError):
            self.appoint(self.li, self.yongfeng, start="2021-01-01")  # 永丰街道 has none

    def test_appointments_stay_inside_the_unit_and_organisation_periods(self):
        unit_update(unit=self.villages[0], org_dissolved_on=day("2024-01-01"))
        with pytest.raises(ValidationError) as exc:
            self.appoint(self.li, self.villages[0], start="2021-01-01")
        assert exc.value.message_dict["end_on"] == [
            errors.APPOINTMENT_OUTLIVES_ORGANISATION.format(unit=self.villages[0].name, dissolved_on="2024-01-01")
        ]
        self.appoint(self.li, self.villages[0], start="2021-01-01", end="2023-12-31")

    def test_exceeding_the_seats_warns_but_saves(self):
        assert self.appoint(self.li, self.heye).warnings == []
        saved = self.appoint(self.wang, self.heye)
        assert saved.appointment.pk
        assert saved.warnings == [errors.SEATS_EXCEEDED.format(unit="荷叶镇", post="主席", count=2, seats=1)]


class TermTests(RosterTestCase):
    def test_a_re_election_closes_the_open_term(self):
        first = term_open(unit=self.heye, elected_on=day("2016-03-08"))
        assert (first.ordinal, first.due_on) == (1, day("2021-03-08"))
        second = term_open(unit=self.heye, elected_on=day("2021-04-01"))
        first.refresh_from_db()
        assert first.closed_on == day("2021-04-01")
        assert (second.ordinal, second.closed_on) == (2, None)

    def test_only_one_open_term_per_unit_in_the_database(self):
        term_open(unit=self.heye, elected_on=day("2016-03-08"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Term.objects.create(unit=self.heye, ordinal=9, elected_on=day("2017-01-01"), due_on=day("2022-01-01"))

    def test_terms_due_and_overdue(self):
        term_open(unit=self.heye, elected_on=day("2016-03-08"))  # due 2021-03-08
        late = term_open(unit=self.villages[0], elected_on=day("2019-05-01"))  # due 2024-05-01
        on = day("2024-03-01")
        due = {t.unit_id: t.overdue for t in terms_due(self.shuangfeng, on, months=3)}
        assert due == {self.heye.pk: True, self.villages[0].pk: False}
        assert list(terms_due(self.shuangfeng, on, months=1)) == [Term.objects.get(unit=self.heye)]
        term_close(term=late, closed_on=day("2024-04-20"))
        assert self.villages[0].pk not in {t.unit_id for t in terms_due(self.shuangfeng, day("2024-06-01"), 0)}


class WorklistTests(RosterTestCase):
    def test_organisations_without_a_chair_and_an_officer_leaving(self):
        on = day("2023-06-30")
        established = OrgUnit.objects.subtree(self.heye).count()
        assert organisations_without_chair(self.shuangfeng, on).count() == established
        chair = self.appoint(self.li, self.heye, start="2021-01-01").appointment
        assert organisations_without_chair(self.shuangfeng, on).count() == established - 1
        appointment_end(appointment=chair, end_on=day("2023-05-31"))
        assert organisations_without_chair(self.shuangfeng, on).count() == established

    def test_people_holding_three_or_more_posts_and_roles(self):
        self.appoint(self.wang, self.villages[0], "妇女主任", roles=["family_planning", "maternal_child_health"])
        self.appoint(self.zhao, self.villages[1], "妇女主任", roles=["village_committee"])
        busy = list(busy_people(self.shuangfeng, day("2023-01-01")))
        assert busy == [self.wang]
        assert (busy[0].posts, busy[0].roles) == (1, 2)

    def test_vacant_seats(self):
        self.appoint(self.li, self.heye)
        self.appoint(self.wang, self.heye, "副主席")
        posts, units = vacant_seats(self.heye, day("2023-01-01"))
        heye = units.get(pk=self.heye.pk)
        by_name = {p.name: getattr(heye, f"vacant_{p.pk}") for p in posts}
        # A township's norm: 1 主席, at least 3 副主席, at least 25 执委.
        assert by_name["主席"] == 0 and by_name["副主席"] == 2 and by_name["执委"] == 25
        assert by_name["妇女主任"] == 0  # not a township post
        village = units.get(pk=self.villages[0].pk)
        assert getattr(village, f"vacant_{post('妇女主任').pk}") == 1
        # A village's norm: 1 主席, 2 副主席, 15 执委.
        assert getattr(village, f"vacant_{post('副主席').pk}") == 2
        assert getattr(village, f"vacant_{post('执委').pk}") == 15

    def test_worklists_cost_two_queries_each(self):
        on = day("2023-01-01")
        for worklist in (organisations_without_chair, terms_due, busy_people):
            with self.max_queries(2):  # whether the tree changed since that day, then the list
                list(worklist(self.shuangfeng, on))


class RosterStatsTests(RosterTestCase):
    def test_counts_and_rates_on_a_date(self):
        self.appoint(self.li, self.heye, mode="full")
        self.appoint(
            self.wang,
            self.villages[0],
            "妇女主任",
            roles=["family_planning", "maternal_child_health", "village_committee"],
        )
        self.appoint(self.zhao, self.villages[1], "主席", roles=["village_party_committee"])
        self.appoint(self.li, self.villages[2], "主席", start="2022-01-01", end="2022-12-31")  # left before
        on = day("2023-06-30")
        bands, groups = default_age_bands(self.shuangfeng), default_education_groups(self.shuangfeng)
        # Counted directly: whether the tree changed since the day, then three queries.
        with self.max_queries(4):
            stats = roster_stats(self.shuangfeng, on, age_bands=bands, education_groups=groups, use_rollups=False)
        # From the rollups: the first time every cell is counted in one pass (four queries) and kept (two);
        # then the cells' versions and tallies are all it reads. The default sets cost one query each.
        with self.max_queries(9):
            assert roster_stats(self.shuangfeng, on, age_bands=bands, education_groups=groups) == stats
        with self.max_queries(5):
            assert roster_stats(self.shuangfeng, on) == stats
        assert stats.appointments == 3 and stats.people == 3
        assert stats.by_post == {"主席": 2, "妇女主任": 1}
        assert stats.by_sex == {"F": 3}
        assert stats.by_age_band == {"35岁及以下": 1, "36–45岁": 1, "56岁及以上": 1}
        assert stats.by_mode == {"full": 1, "part": 2}
        assert stats.by_education["大学专科"] == 1 and stats.by_education["未填"] == 1
        assert (stats.village_chairs, stats.village_chairs_in_committees, stats.village_chairs_three_in_one) == (
            2,
            2,
            1,
        )
        assert stats.committee_rate == 100 and stats.three_in_one_rate == 50

    def test_age_bands_at_the_boundaries(self):
        born = person_create(name="界", sex="F", birth_date=day("1988-06-30"))
        self.appoint(born, self.villages[0], "主席")
        assert roster_stats(self.villages[0], day("2023-06-29")).by_age_band == {"35岁及以下": 1}  # 34
        assert roster_stats(self.villages[0], day("2024-06-30")).by_age_band == {"36–45岁": 1}  # 36 that day
        assert roster_stats(self.villages[0], day("2024-06-29")).by_age_band == {"35岁及以下": 1}  # still 35
        assert datetime.date(2024, 6, 30) > born.birth_date
