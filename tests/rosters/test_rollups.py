"""The maintained roster rollups (rosters.roster_rollups) give exactly what counting directly gives,
after every kind of write the statistics depend on, made the way users make them (services) and the
way imports and scripts do (bulk and raw writes): the database's triggers keep them exact."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_move
from rosters.management.commands import prune_roster_rollups
from rosters.models import Appointment, Post, RosterCell, RosterCellTally
from rosters.profiles import roster_stats
from rosters.services import appointment_end, appointment_update, person_update, term_open
from tests.base import day
from tests.orgunits.test_roster import RosterTestCase, post, role

ON = day("2023-06-30")


class RollupTests(RosterTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.filter(pk=cls.shuangfeng.pk).update(org_established_on=day("2016-03-08"))

    def setUp(self):
        self.chair = self.appoint(self.li, self.villages[0], "主席", roles=["village_committee"]).appointment
        self.appoint(self.wang, self.villages[1], "妇女主任", start="2023-02-01")
        self.appoint(self.zhao, self.heye, "副主席", mode="full")
        # 李秀英 holds posts in two cells (a village under 荷叶镇, and the county's own): one person.
        self.county_post = self.appoint(self.li, self.shuangfeng, "副主席", start="2022-05-01").appointment

    def units(self):
        return (self.nation, self.hunan, self.loudi, self.shuangfeng, self.heye, self.yongfeng, self.villages[0])

    def assert_exact(self, on=ON) -> dict:
        """Each unit's statistics from the rollups (counted, then read back) equal the direct count."""
        found = {}
        for unit in self.units():
            direct = roster_stats(unit, on, use_rollups=False)
            assert roster_stats(unit, on) == direct, unit.name
            assert roster_stats(unit, on) == direct, f"{unit.name}, read back"
            found[unit.name] = direct
        return found

    def test_a_person_in_two_cells_counts_once(self):
        stats = self.assert_exact()
        assert stats["双峰县"].appointments == 4 and stats["双峰县"].people == 3
        assert (stats["荷叶镇"].appointments, stats["荷叶镇"].people) == (3, 3)  # not her county post

    def test_each_kind_of_change_is_counted_again(self):
        before = self.assert_exact()["双峰县"]
        # A new appointment, then one ended before the day, then one deleted.
        extra = self.appoint(self.wang, self.villages[2], "执委", start="2023-03-01").appointment
        assert self.assert_exact()["双峰县"].appointments == before.appointments + 1
        appointment_end(appointment=extra, end_on=day("2023-05-01"))
        assert self.assert_exact()["双峰县"].appointments == before.appointments
        self.county_post.delete()
        assert self.assert_exact()["双峰县"].people == before.people
        # A person's details, a concurrent role, a term that makes 李秀英 re-elected rather than new.
        person_update(person=self.wang, education="研究生")
        assert self.assert_exact()["双峰县"].by_education["研究生"] == 1
        appointment_update(appointment=self.chair, concurrent_roles=[role("village_party_committee")])
        assert self.assert_exact()["双峰县"].village_chairs_in_committees == 1
        new = self.assert_exact()["双峰县"].new_officers
        term_open(unit=self.villages[0], elected_on=day("2023-01-10"))
        assert self.assert_exact()["双峰县"].new_officers == new

    def test_bulk_and_raw_writes_are_counted_again(self):
        self.assert_exact()
        Appointment.objects.bulk_create(
            Appointment(person=self.zhao, unit=village, post=post("执委"), start_on=day("2023-01-01"))
            for village in self.villages
        )
        assert self.assert_exact()["荷叶镇"].by_post["执委"] == 3
        # A post stops counting as a chair, and a village becomes a community: every cell is stale.
        Post.objects.filter(name="妇女主任").update(counts_as_chair=False)
        assert self.assert_exact()["双峰县"].chairs == 1
        community = UnitKind.objects.get(code="community")
        OrgUnit.objects.filter(pk=self.villages[0].pk).update(kind=community)
        self.assert_exact()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE orgunits_person SET sex = 'M' WHERE id = %s", [self.zhao.pk])
        assert self.assert_exact()["双峰县"].by_sex["M"] == 4

    def test_a_tally_is_used_only_under_its_version(self):
        self.assert_exact()
        # A tally whose payload were wrong would be read back as long as its cell is unchanged…
        tally = RosterCellTally.objects.get(path=self.heye.path, on=ON)
        tally.payload["appointments"] = 999
        tally.save()
        assert roster_stats(self.heye, ON).appointments == 999
        # …and is counted again once anything in the cell changes, here a concurrent role.
        appointment_update(appointment=self.chair, concurrent_roles=[])
        assert roster_stats(self.heye, ON).appointments == 3
        assert RosterCell.objects.get(path=self.heye.path).version > tally.version

    def test_other_days_and_bands_are_kept_apart(self):
        for on in (day("2022-12-31"), ON, datetime.date.today()):
            self.assert_exact(on)
        assert RosterCellTally.objects.filter(path=self.heye.path).count() == 3
        RosterCell.objects.filter(path=self.heye.path).update(version=F("version") + 1)
        self.assert_exact(ON)
        # The tallies of the other days, counted under the old version, are dropped.
        assert RosterCellTally.objects.filter(path=self.heye.path).count() == 1

    def test_a_warm_read_costs_two_queries_and_a_changed_one_eight(self):
        bands_and_groups = {"age_bands": (), "education_groups": ()}
        roster_stats(self.hunan, ON, **bands_and_groups)
        with self.max_queries(3):  # whether the tree changed, the cells' versions, their tallies
            roster_stats(self.hunan, ON, **bands_and_groups)
        self.appoint(self.zhao, self.villages[2], "执委")
        with self.max_queries(9):
            roster_stats(self.hunan, ON, **bands_and_groups)

    def test_only_what_the_tallies_read_of_a_unit_raises_its_cell(self):
        def version():
            return RosterCell.objects.get(path=self.heye.path).version

        before = version()
        OrgUnit.objects.filter(pk__in=[v.pk for v in self.villages]).update(name=F("name"))  # nothing counted
        assert version() == before
        OrgUnit.objects.filter(pk__in=[v.pk for v in self.villages[:2]]).update(org_established_on=day("2019-01-01"))
        assert version() > before  # once per statement on PostgreSQL, once per row on SQLite
        self.assert_exact()

    def test_a_read_marks_the_tallies_read_once_a_day(self):
        self.assert_exact()
        today, long_ago = datetime.date.today(), datetime.date.today() - datetime.timedelta(days=30)
        assert set(RosterCellTally.objects.values_list("read_on", flat=True)) == {today}
        with CaptureQueriesContext(connection) as warm:
            roster_stats(self.hunan, ON)
        RosterCellTally.objects.update(read_on=long_ago)
        with CaptureQueriesContext(connection) as first_that_day:
            roster_stats(self.hunan, ON)
        assert len(first_that_day) == len(warm) + 1  # one query marks them read
        read = RosterCellTally.objects.filter(OrgUnit.subtree_q(self.hunan.path))
        assert set(read.values_list("read_on", flat=True)) == {today}
        assert RosterCellTally.objects.filter(read_on=long_ago).exists()  # other subtrees' are not
        with CaptureQueriesContext(connection) as again:
            roster_stats(self.hunan, ON)
        assert len(again) == len(warm)

    def test_tallies_unread_for_a_while_are_pruned_and_counted_again(self):
        unread, today = day("2022-12-31"), datetime.date.today()
        self.assert_exact()
        self.assert_exact(unread)
        old = RosterCellTally.objects.filter(on=unread)
        count = old.update(read_on=today - datetime.timedelta(days=prune_roster_rollups.DEFAULT_DAYS + 1))
        kept = RosterCellTally.objects.count() - count
        assert count > 0 and kept > 0
        out = StringIO()
        call_command("prune_roster_rollups", stdout=out)
        since = today - datetime.timedelta(days=prune_roster_rollups.DEFAULT_DAYS)
        assert out.getvalue() == prune_roster_rollups.PRUNED.format(count=count, since=since, kept=kept) + "\n"
        assert not old.exists() and RosterCellTally.objects.count() == kept
        self.assert_exact(unread)  # counted again, exactly

    def test_a_village_moved_to_another_township_is_counted_there(self):
        today = datetime.date.today()
        self.appoint(self.zhao, self.villages[2], "执委")
        before = self.assert_exact(today)
        unit_move(unit=self.villages[2], new_parent=self.yongfeng)
        after = self.assert_exact(today)
        assert after["荷叶镇"].appointments == before["荷叶镇"].appointments - 1
        assert after["永丰街道"].appointments == before["永丰街道"].appointments + 1
        assert after["双峰县"] == before["双峰县"]

    def test_a_history_revert_is_counted_again(self):
        person_update(person=self.wang, education="研究生")
        assert self.assert_exact()["双峰县"].by_education["研究生"] == 1
        self.wang.history.earliest().instance.save()  # what the history page's revert saves
        assert self.assert_exact()["双峰县"].by_education["研究生"] == 0
