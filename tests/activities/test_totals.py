"""Totals over a subtree and a span: per type, per child area, 上年同期, in one grouped query each."""

from decimal import Decimal

from activities.services import activity_create
from activities.totals import Counts, activity_totals, activity_totals_for, honour_counts
from orgunits.models import OrgUnit
from stats.periods import Period
from tests.activities.helpers import activity_type, honour, training
from tests.base import TreeTestCase, day


class TotalsTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.village = OrgUnit.objects.filter(path__startswith=cls.heye.path, depth=cls.heye.depth + 1).first()
        training(cls.shuangfeng, "2025-03-01", 10, 500)  # 本级
        training(cls.heye, "2025-04-01", 30, 2000)
        training(cls.village, "2025-05-01", 2, 80, approximate=True)
        training(cls.yongfeng, "2025-12-31", 40, 2400)
        training(cls.yongfeng, "2026-01-01", 99, 9999)  # the next year: not counted
        training(cls.shutang, "2025-06-01", 77, 7777)  # another county
        training(cls.heye, "2024-04-01", 60, 4000)  # a year earlier
        activity_create(
            unit=cls.heye,
            type=activity_type("chunlei"),
            title="春蕾助学",
            started_on=day("2025-09-01"),
            served=12,
            amount=Decimal("12000"),
        )
        honour(cls.heye, "巾帼文明岗", "province", "2025-03-08")
        honour(cls.village, "巾帼示范村", "county", "2025-06-01")
        honour(cls.village, "巾帼示范村", "county", "2024-06-01")
        honour(cls.shutang, "巾帼文明岗", "national", "2025-03-08")

    def test_a_county_year_per_type(self):
        totals = activity_totals_for(self.shuangfeng, Period(2025))
        training_type = activity_type("training")
        assert totals.counts(training_type) == Counts(
            sessions=82, participants=4980, records=4, approximate=1, amount=Decimal(0)
        )
        assert totals.previous_counts(training_type).sessions == 60
        assert [t.code for t in totals.types] == ["training", "chunlei"]

    def test_per_child_area_with_own_level(self):
        totals = activity_totals(self.shuangfeng, day("2025-01-01"), day("2025-12-31"))
        training_type = activity_type("training")
        rows = {row.label: row.counts(training_type).sessions for row in totals.rows}
        assert rows["本级"] == 10
        assert rows[self.heye.name] == 32
        assert rows[self.yongfeng.name] == 40
        assert sum(rows.values()) == totals.counts(training_type).sessions

    def test_lines_and_their_wording(self):
        totals = activity_totals(self.shuangfeng, day("2025-01-01"), day("2025-12-31"))
        shown = {(line.type.code, line.name): line.shown(totals.counts(line.type)) for line in totals.lines()}
        assert shown[("training", "sessions")] == "82余场次"
        assert shown[("chunlei", "amount")] == "1.2万元"
        line = next(line for line in totals.lines() if line.name == "sessions")
        assert totals.change(line) == "比上年同期增长37%"

    def test_a_shorter_span(self):
        totals = activity_totals(self.shuangfeng, day("2025-04-01"), day("2025-04-30"))
        assert totals.counts(activity_type("training")).sessions == 30
        assert totals.previous_counts(activity_type("training")).sessions == 60

    def test_a_span_longer_than_a_year_overlaps_its_previous_one(self):
        """2024-04 to 2025-12 against 2023-04 to 2024-12: 2024's training counts in both spans."""
        totals = activity_totals(self.shuangfeng, day("2024-04-01"), day("2025-12-31"))
        assert totals.counts(activity_type("training")).sessions == 82 + 60
        assert totals.previous_counts(activity_type("training")).sessions == 60

    def test_the_span_and_the_year_before_are_one_query(self):
        with self.max_queries(5):  # the trees' flags, the span and 上年同期, the kinds, the children, the types
            totals = activity_totals(self.shuangfeng, day("2025-01-01"), day("2025-12-31"))
        assert totals.previous_counts(activity_type("training")).records == 1

    def test_nothing_is_empty(self):
        assert activity_totals(self.shuangfeng, day("2020-01-01"), day("2020-12-31")).empty

    def test_query_count_does_not_grow_with_the_subtree(self):
        with self.max_queries(9):
            activity_totals(self.nation, day("2025-01-01"), day("2025-12-31"))
        with self.max_queries(9):
            activity_totals(self.heye, day("2025-01-01"), day("2025-12-31"))

    def test_the_nation_adds_both_counties(self):
        totals = activity_totals(self.nation, day("2025-01-01"), day("2025-12-31"))
        assert totals.counts(activity_type("training")).sessions == 82 + 77

    def test_honours_by_level(self):
        found = honour_counts(self.shuangfeng, day("2025-01-01"), day("2025-12-31"))
        assert [(h.level_label, h.title, h.count) for h in found] == [
            ("省级", "巾帼文明岗", 1),
            ("县级", "巾帼示范村", 1),
        ]
