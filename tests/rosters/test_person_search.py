"""The person list and autocomplete at scale: a common surname's count stops at COUNT_CAP and says so;
below the cap the count is exact; the clerk still sees only her people."""

import datetime
import json

from django.urls import reverse

from orgunits.pagination import CAPPED_COUNT, COUNT_CAP, CappedPaginator
from rosters.admin import AppointmentPaginator
from rosters.models import Appointment, Person
from tests.orgunits.test_roster import RosterTestCase, post
from tests.orgunits.test_roster_admin import ROSTER_PERMS, grant

AUTOCOMPLETE = "/admin/autocomplete/?app_label=rosters&model_name=appointment&field_name=person&term="


def namesakes(count: int, surname: str = "张") -> list[Person]:
    return Person.objects.bulk_create(
        Person(name=f"{surname}{n:04d}", sex="F", birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=n))
        for n in range(count)
    )


class CappedPaginatorTests(RosterTestCase):
    def test_exact_up_to_the_cap(self):
        namesakes(5)
        paginator = CappedPaginator(Person.objects.filter(name__startswith="张"), 2)
        assert (paginator.count, paginator.num_pages, paginator.capped, paginator.capped_text) == (5, 3, False, "")

    def test_past_the_cap_counts_one_query_and_offers_the_first_pages(self):
        namesakes(COUNT_CAP + 5)
        paginator = CappedPaginator(Person.objects.filter(name__startswith="张"), 100)
        with self.max_queries(1):
            assert (paginator.count, paginator.capped) == (COUNT_CAP, True)
        assert paginator.num_pages == COUNT_CAP // 100
        assert len(paginator.page(paginator.num_pages).object_list) == 100

    def test_a_list_is_counted_too(self):
        assert (CappedPaginator(list(range(COUNT_CAP + 1)), 10).count, CappedPaginator([1, 2], 10).count) == (
            COUNT_CAP,
            2,
        )


class PersonSearchPageTests(RosterTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant(cls.county_clerk, *ROSTER_PERMS)
        people = namesakes(COUNT_CAP + 5)
        village = cls.villages[0]
        # Three of them hold a post in 荷叶镇 (the county clerk's); the rest are nobody's but the superuser's.
        Appointment.objects.bulk_create(
            Appointment(person=person, unit=village, post=post("执委"), start_on=datetime.date(2021, 4, 1))
            for person in people[:3]
        )

    def test_a_common_surname_says_past_the_cap(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:rosters_person_changelist") + "?q=张")
        text = response.content.decode()
        assert response.context["cl"].result_count == COUNT_CAP
        assert text.count(CAPPED_COUNT.format(cap=COUNT_CAP)) == 2  # beside the search box and under the list
        assert "1000 个结果" not in text and "1000 人员" not in text

    def test_below_the_cap_the_count_is_exact(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:rosters_person_changelist") + "?q=张0001")
        assert response.context["cl"].result_count == 1
        assert CAPPED_COUNT.format(cap=COUNT_CAP) not in response.content.decode()

    def test_the_clerk_counts_only_her_people(self):
        self.client.force_login(self.county_clerk)
        response = self.client.get(reverse("admin:rosters_person_changelist") + "?q=张")
        assert response.context["cl"].result_count == 3
        assert CAPPED_COUNT.format(cap=COUNT_CAP) not in response.content.decode()

    def test_the_autocomplete_pages_up_to_the_cap(self):
        self.client.force_login(self.superuser)
        first = json.loads(self.client.get(AUTOCOMPLETE + "张").content)
        assert len(first["results"]) == 20 and first["pagination"]["more"]
        last = json.loads(self.client.get(AUTOCOMPLETE + f"张&page={COUNT_CAP // 20}").content)
        assert not last["pagination"]["more"]
        self.client.force_login(self.county_clerk)
        mine = json.loads(self.client.get(AUTOCOMPLETE + "张").content)
        assert len(mine["results"]) == 3 and not mine["pagination"]["more"]

    def test_the_appointment_list_counts_a_countys_worth_exactly(self):
        village = self.villages[1]
        people = Person.objects.filter(name__startswith="张").order_by("pk")[3:]
        Appointment.objects.bulk_create(
            Appointment(person=person, unit=village, post=post("执委"), start_on=datetime.date(2021, 4, 1))
            for person in people
        )
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:rosters_appointment_changelist") + "?p=11")
        assert response.status_code == 200
        assert response.context["cl"].result_count == Appointment.objects.count() > COUNT_CAP
        assert "超过" not in response.content.decode()
        assert response.context["cl"].paginator.cap == AppointmentPaginator.cap == 10 * COUNT_CAP

    def test_outsiders_are_refused(self):
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("admin:rosters_person_changelist") + "?q=张").status_code == 403
