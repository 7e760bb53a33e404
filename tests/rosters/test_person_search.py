"""The person list and autocomplete at scale: a common surname's count stops at COUNT_CAP and says so;
below the cap the count is exact; the clerk still sees only her people. A search finds any part of a
name, in name order, through the index of the names' characters on PostgreSQL."""

import datetime
import json

import pytest
from django.contrib.admin import site
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from orgunits.pagination import CAPPED_COUNT, COUNT_CAP, CappedPaginator
from rosters.admin import AppointmentPaginator
from rosters.models import Appointment, Person
from rosters.name_search import name_search
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


class NameSearchTests(RosterTestCase):
    """Any part of the name, exactly: the characters index only narrows the candidates down."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        born = datetime.date(1980, 1, 1)
        names = ["张秀英", "王秀英", "李张秀", "秀张华", "张英", "欧阳秀", "Anna 张"]
        cls.mine = Person.objects.bulk_create(
            Person(name=name, sex="F", birth_date=born + datetime.timedelta(days=n)) for n, name in enumerate(names)
        )

    def found(self, term: str) -> list[str]:
        people = Person.objects.filter(pk__in=[p.pk for p in self.mine])
        return sorted(name_search(people, term).values_list("name", flat=True))

    def test_a_character_anywhere_in_the_name(self):
        assert self.found("秀") == sorted(["张秀英", "王秀英", "李张秀", "秀张华", "欧阳秀"])
        assert self.found("张") == sorted(["张秀英", "李张秀", "秀张华", "张英", "Anna 张"])

    def test_characters_in_that_order_and_together(self):
        assert self.found("张秀") == sorted(["张秀英", "李张秀"])  # not 秀张华: the order counts
        assert self.found("张英") == ["张英"]  # not 张秀英: the characters must stand together
        assert self.found("秀英") == sorted(["张秀英", "王秀英"])

    def test_spaces_and_latin_letters_and_wildcards_are_plain_characters(self):
        assert self.found("Anna 张") == ["Anna 张"]
        assert self.found("a 张") == ["Anna 张"]
        assert self.found("%") == [] and self.found("_") == []

    def test_the_searched_list_is_in_name_order(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:rosters_person_changelist") + "?q=秀")
        everyone = Person.objects.values_list("name", flat=True)
        assert [p.name for p in response.context["cl"].result_list] == sorted(n for n in everyone if "秀" in n)
        found = json.loads(self.client.get(AUTOCOMPLETE + "秀英").content)["results"]
        assert [r["text"].split("（")[0] for r in found] == sorted(n for n in everyone if "秀英" in n)


@pytest.mark.postgres
class NameSearchIndexTests(RosterTestCase):
    """The search's characters test is the expression of the index person_name_chars (migration
    rosters/0010), so PostgreSQL can use it; a search is ordered by an expression that index cannot supply."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        namesakes(300)
        namesakes(300, surname="王")

    def plan(self, term: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a few hundred rows: force the index's use
        admin = site._registry[Person]
        request = RequestFactory().get("/", {"q": term})
        request.user = self.superuser
        queryset, _duplicates = admin.get_search_results(request, admin.get_queryset(request), term)
        return queryset[:100].explain()

    def test_one_and_two_characters_use_the_characters_index(self):
        for term in ("张", "张0", "王01"):
            plan = self.plan(term)
            assert "person_name_chars" in plan, plan
            assert "Index Scan using person_name_birth" not in plan, plan

    def test_the_trigram_index_is_gone(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orgunits_person'")
            names = {row[0] for row in cursor.fetchall()}
        assert "person_name_chars" in names and "person_name_trgm" not in names
