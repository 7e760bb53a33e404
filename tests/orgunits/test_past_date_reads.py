"""The tree as of a date beyond coverage (issue 17): figures, the completeness of reporting, roster
statistics, the worklists and a survey report's figures for a day before a division change count the
units as they stood then. 大坪村 moved from 杉山镇 to 茅塘镇 on 2023-06-30 and 方石村 became 方石社区."""

import datetime

from django.urls import reverse

from access.models import Assignment
from orgunits.models import UnitKind
from reports.survey_figures import survey_figures
from rosters.executive import executives_below_norm
from rosters.models import Post
from rosters.profiles import roster_stats
from rosters.selectors import organisations_without_chair, vacant_seats
from rosters.services import appointment_create, person_create
from stats.periods import Period
from stats.services import completeness, datavalues_save, subtree_values
from tests.base import UNIT_PERMS, make_user, page_text, unit
from tests.orgunits.changed_county import BEFORE, CHANGED_ON, ChangedCountyTestCase

WORKLIST_PERMS = [*UNIT_PERMS, "view_appointment"]


class PastDateReadsTests(ChangedCountyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shanshan, cls.maotang = unit("431302101"), unit("431302106")
        datavalues_save(unit=cls.daping, period="2022", values={"village_committee": (7, 3)})
        datavalues_save(unit=cls.daping, period="2023", values={"village_committee": (8, 4)})
        person = person_create(name="刘芳", sex="F", birth_date=datetime.date(1980, 5, 1))
        cls.chair = appointment_create(
            person=person, unit=cls.daping, post=Post.objects.get(name="妇女主任"), start_on=datetime.date(2021, 1, 1)
        )
        cls.shanshan_clerk = make_user("shanshan-clerk", perms=WORKLIST_PERMS)
        Assignment.objects.create(user=cls.shanshan_clerk, unit=cls.shanshan, role=Assignment.Role.MANAGER)
        cls.root = make_user("root", superuser=True)

    def test_figures_of_a_year_sum_over_the_subtree_at_its_end(self):
        assert subtree_values(self.shanshan, Period(2022)) == {"village_committee": (7, 3)}
        assert subtree_values(self.maotang, Period(2022)) == {}
        assert subtree_values(self.maotang, Period(2023)) == {"village_committee": (8, 4)}
        assert subtree_values(self.shanshan, Period(2023)) == {}

    def test_completeness_lists_the_children_then_and_who_reported(self):
        then = [(child.then_name, reported) for child, reported in completeness(self.county, Period(2022))]
        assert then == [("杉山镇", True), ("茅塘乡", False)]
        now = [(child.then_name, reported) for child, reported in completeness(self.county, Period(2023))]
        assert sorted(now) == [("兴隆街道", False), ("杉山镇", False), ("茅塘镇", True)]
        assert [c.then_name for c, _ in completeness(self.shanshan, Period(2022))] == ["大坪村", "方石村"]

    def test_roster_statistics_count_the_officers_where_their_units_stood(self):
        assert roster_stats(self.shanshan, BEFORE).appointments == 1
        assert roster_stats(self.maotang, BEFORE).appointments == 0
        assert roster_stats(self.maotang, CHANGED_ON).appointments == 1
        assert roster_stats(self.shanshan, CHANGED_ON).appointments == 0

    def test_worklists_name_the_units_as_they_were(self):
        before = {u.then_name: u.then_code for u in organisations_without_chair(self.shanshan, BEFORE)}
        assert before["方石村"] == "431302101210" and "大坪村" not in before  # 大坪村 had its 妇女主任
        after = {u.then_name for u in organisations_without_chair(self.county, CHANGED_ON)}
        assert "方石社区" in after and "方石村" not in after and "大坪村" not in after

    def test_executives_below_norm_list_the_organisations_where_they_stood(self):
        """执委未达标 on a past date: 大坪村 (no 执委) under 杉山镇 then, under 茅塘镇 since."""
        before = {u.then_name: u.then_code for u in executives_below_norm(self.shanshan, BEFORE)}
        assert before == {"杉山镇": "431302101", "大坪村": "431302101201", "方石村": "431302101210"}
        assert "大坪村" not in {u.then_name for u in executives_below_norm(self.maotang, BEFORE)}
        after = {u.then_name: u.then_code for u in executives_below_norm(self.maotang, CHANGED_ON)}
        assert after["大坪村"] == "431302106203"
        assert {u.then_name for u in executives_below_norm(self.shanshan, CHANGED_ON)} == {"杉山镇", "方石社区"}

    def test_vacant_seats_count_by_the_kind_a_unit_had_then(self):
        village, community = UnitKind.objects.get(code="village"), UnitKind.objects.get(code="community")
        _posts, rows = vacant_seats(self.shanshan, BEFORE)
        kinds = {u.then_name: u.then_kind_id for u in rows}
        assert kinds["方石村"] == village.pk
        _posts, rows = vacant_seats(self.shanshan, CHANGED_ON)
        assert {u.then_name: u.then_kind_id for u in rows}["方石社区"] == community.pk

    def test_the_worklist_page_shows_the_kind_and_code_then(self):
        self.client.force_login(self.root)
        url = reverse("rosters_worklist", args=["without-chair"])
        text = page_text(self.client.get(url, {"unit": self.county.pk, "on": BEFORE}))
        assert "方石村" in text and "431302101210" in text and "方石社区" not in text
        text = page_text(self.client.get(url, {"unit": self.county.pk, "on": CHANGED_ON}))
        assert "方石社区" in text and "431302101012" in text

    def test_on_a_past_date_she_sees_only_units_of_her_scope_today(self):
        """大坪村 stood under 杉山镇 then but is 茅塘镇's now: her past lists leave it out."""
        self.chair.appointment.delete()
        self.client.force_login(self.shanshan_clerk)
        url = reverse("rosters_worklist", args=["without-chair"])
        text = page_text(self.client.get(url, {"unit": self.shanshan.pk, "on": BEFORE}))
        assert "方石村" in text and "大坪村" not in text
        self.client.force_login(self.root)
        text = page_text(self.client.get(url, {"unit": self.shanshan.pk, "on": BEFORE}))
        assert "方石村" in text and "大坪村" in text

    def test_a_survey_report_of_last_year_uses_the_tree_at_its_end(self):
        figures = survey_figures(self.shanshan, 2022)
        assert figures.values["village_committee"] == (7, 3)
        assert figures.officers.appointments == 1
        assert [line.label for line in figures.coverage.rows][1:] == ["大坪村", "方石村"]
