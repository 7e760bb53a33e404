"""身兼数职 from the roster cells (rosters.busy_rollups) lists the same people in the same order as the
direct query, after the writes it depends on; a person whose posts lie in two cells is busy by their sum."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from orgunits.models import OrgUnit
from rosters.busy_rollups import RankedPeople, kept_busy
from rosters.selectors import busy_people
from rosters.services import appointment_end, appointment_update, person_update
from tests.base import day
from tests.orgunits.test_roster import RosterTestCase, role

ON = day("2023-06-30")


class BusyRollupTests(RosterTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.filter(pk=cls.shuangfeng.pk).update(org_established_on=day("2016-03-08"))

    def setUp(self):
        # 王桂兰: two posts and a role in one village, busy there. 李秀英: a post with a role in a village
        # and a post at the county (two cells), busy only where both count.
        self.appoint(self.wang, self.villages[0], "主席", roles=["village_committee"])
        self.appoint(self.wang, self.villages[0], "执委")
        self.village_post = self.appoint(self.li, self.villages[1], "主席", roles=["family_planning"]).appointment
        self.county_post = self.appoint(self.li, self.shuangfeng, "副主席", start="2022-05-01").appointment

    def assert_exact(self) -> dict:
        found = {}
        for unit in (self.nation, self.hunan, self.shuangfeng, self.heye):
            direct = [(p.pk, p.load) for p in busy_people(unit, ON)]
            for _read in ("counted", "read back"):
                busy = kept_busy(unit, ON)
                kept = [(p.pk, p.load) for p in RankedPeople(busy, unit, ON)[: len(busy)]]
                assert kept == direct, unit.name
            found[unit.name] = [(self.names[pk], load) for pk, load in direct]
        return found

    @property
    def names(self):
        return {p.pk: p.name for p in (self.li, self.wang, self.zhao)}

    def test_the_lists_and_their_changes(self):
        lists = self.assert_exact()
        assert lists["双峰县"] == [("李秀英", 3), ("王桂兰", 3)]  # equal loads by name
        assert lists["荷叶镇"] == [("王桂兰", 3)]  # her county post is not under the township
        roles = [role("family_planning"), role("village_committee")]
        appointment_update(appointment=self.village_post, concurrent_roles=roles)
        assert self.assert_exact()["双峰县"] == [("李秀英", 4), ("王桂兰", 3)]
        assert self.assert_exact()["荷叶镇"] == [("李秀英", 3), ("王桂兰", 3)]
        appointment_end(appointment=self.county_post, end_on=day("2023-01-01"))
        assert self.assert_exact()["双峰县"] == [("李秀英", 3), ("王桂兰", 3)]
        person_update(person=self.wang, name="万桂兰")  # 万 sorts before 李
        assert [load for _name, load in self.assert_exact()["双峰县"]] == [3, 3]
        assert busy_people(self.shuangfeng, ON).first() == self.wang

    def test_the_page_lists_them_for_the_county_clerk(self):
        self.county_clerk.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_appointment", "view_person"])
        )
        self.client.force_login(self.county_clerk)
        url = reverse("rosters_worklist", args=["busy"])
        response = self.client.get(url, {"unit": self.shuangfeng.pk, "on": ON.isoformat(), "months": 6})
        assert response.status_code == 200 and response.context["page"].paginator.count == 2
        assert response.context["rows"][0][0].endswith("李秀英</a>")
