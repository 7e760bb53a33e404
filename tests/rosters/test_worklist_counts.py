"""The kept counts of 有组织无人员, 职数空缺 and 执委未达标 (rosters.worklist_counts) equal the lists' own count after
each kind of write they depend on, and the worklist page shows them, to a clerk of the county and to a
clerk of one township alike."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from access.models import Assignment
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_create, unit_update
from rosters.executive import executives_below_norm
from rosters.models import Appointment, Person, Post, PostSeats
from rosters.selectors import organisations_without_chair, vacant_seats
from rosters.worklist_counts import listed_count
from tests.base import UNIT_PERMS, day, make_user
from tests.orgunits.test_roster import RosterTestCase, post

ON = day("2023-06-30")
LISTS = {
    "without-chair": lambda unit: organisations_without_chair(unit, ON),
    "vacant-seats": lambda unit: vacant_seats(unit, ON)[1],
    "executives-below-norm": lambda unit: executives_below_norm(unit, ON),
}


class WorklistCountTests(RosterTestCase):
    def assert_exact(self) -> dict:
        """Each list's kept count, counted then read back, equals its own count, for every unit."""
        found = {}
        for name, listed in LISTS.items():
            for unit in (self.nation, self.hunan, self.shuangfeng, self.heye, self.yongfeng):
                expected = listed(unit).count()
                assert listed_count(name, unit, ON) == expected, (name, unit.name)
                assert listed_count(name, unit, ON) == expected, (name, unit.name, "read back")
                found[name, unit.name] = expected
        return found

    def executives(self, unit, count: int) -> None:
        people = Person.objects.bulk_create(
            Person(name=f"执委{n}", sex="F", birth_date=day("1980-01-01")) for n in range(count)
        )
        Appointment.objects.bulk_create(
            Appointment(person=person, unit=unit, post=post("执委"), start_on=day("2022-01-01")) for person in people
        )

    def test_each_kind_of_change_is_counted_again(self):
        below, chairless = ("executives-below-norm", "荷叶镇"), ("without-chair", "荷叶镇")
        found = self.assert_exact()
        before, without_chair = found[below], found[chairless]
        assert before > 0 and without_chair > 0
        self.executives(self.villages[0], 15)  # at the norm now
        assert self.assert_exact()[below] == before - 1
        # A chair appointed where there was none, then her post no longer counted as a chair.
        vacant = organisations_without_chair(self.heye, ON).first()
        person = Person.objects.create(name="新主席", sex="F", birth_date=day("1980-01-01"))
        Appointment.objects.create(person=person, unit=vacant, post=post("主席"), start_on=day("2023-01-01"))
        assert self.assert_exact()[chairless] == without_chair - 1
        Post.objects.filter(name="主席").update(counts_as_chair=False)
        assert self.assert_exact()[chairless] == without_chair  # her village is listed again
        Post.objects.filter(name="主席").update(counts_as_chair=True)
        unit_update(unit=self.villages[1], org_established_on=None)  # no organisation, not listed
        assert self.assert_exact()[below] == before - 2
        OrgUnit.objects.filter(pk=self.villages[2].pk).update(closed_on=day("2023-01-01"))
        assert self.assert_exact()[below] == before - 3
        # The norm itself: 执委 seats of a village down to none.
        PostSeats.objects.filter(post=post("执委"), kind__code="village").delete()
        after = self.assert_exact()[below]
        assert after < before - 3
        # A new village with an organisation and nobody in post.
        unit_create(
            parent=self.heye,
            code="431321101999",
            name="新村村民委员会",
            kind=UnitKind.objects.get(code="community"),
            org_established_on=day("2020-01-01"),
        )
        assert self.assert_exact()[below] == after + 1

    def test_the_page_shows_the_kept_count(self):
        heye_clerk = make_user("heye-clerk", perms=[*UNIT_PERMS, "view_appointment"])
        Assignment.objects.create(user=heye_clerk, unit=self.heye, role=Assignment.Role.EDITOR)
        self.county_clerk.user_permissions.add(Permission.objects.get(codename="view_appointment"))
        for name, listed in LISTS.items():
            for user, unit in ((self.county_clerk, self.shuangfeng), (heye_clerk, self.heye)):
                self.client.force_login(user)
                url = reverse("rosters_worklist", args=[name])
                response = self.client.get(url, {"unit": unit.pk, "on": ON.isoformat(), "months": 6})
                assert response.status_code == 200
                assert response.context["page"].paginator.count == listed(unit).count() > 0
                assert f"共 {listed(unit).count()} 条" in response.content.decode()
