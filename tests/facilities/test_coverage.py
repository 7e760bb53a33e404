"""阵地覆盖 (facilities/coverage.py): per facility kind, on the tree as it stood on the date."""

from decimal import Decimal

from facilities.coverage import facility_coverage
from facilities.models import FacilityKind
from facilities.services import facility_create
from stats.coverage import Tally
from stats.formatting import format_rate
from tests.base import TreeTestCase, day
from tests.facilities import small_tree
from tests.facilities.small_tree import ON, facility_kind
from tests.orgunits.changed_county import BEFORE, CHANGED_ON, ChangedCountyTestCase


class SmallTreeCoverageTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.township, cls.villages, cls.communities, cls.late = small_tree.build(cls.shuangfeng)

    def tallies(self, result):
        return {kind.code: result.summary.tally(kind) for kind in result.kinds}

    def test_the_figures_counted_by_hand(self):
        result = facility_coverage(self.township, ON)
        assert self.tallies(result) == {
            "women_home": Tally(8, 6),
            "children_home": Tally(8, 3),
            "book_house": Tally(8, 0),
        }
        rates = [format_rate(result.summary.tally(kind).rate) for kind in result.kinds]
        assert rates == ["75%", "37.5%", "0%"]

    def test_report_3s_women_homes_in_villages_and_communities(self):
        """Report 3 (香河县): "在村(社区)重点推进'妇女之家'建设,进一步加大……覆盖率". The seed gives no
        figure; the rate it speaks of counts villages and communities together, as here: 6 of 8."""
        women = facility_kind("women_home")
        tally = facility_coverage(self.township, ON).summary.tally(women)
        assert (tally.eligible, tally.established, tally.rate) == (8, 6, Decimal(75))
        by_unit_kind = set(women.expected_in.values_list("code", flat=True))
        assert by_unit_kind == {"village", "community"}

    def test_one_row_per_child_area_and_no_row_for_units_expected_nowhere(self):
        result = facility_coverage(self.township, ON)
        labels = [row.label for row in result.rows]
        assert labels == [v.name for v in self.villages] + [c.name for c in self.communities]  # by code
        women = facility_kind("women_home")
        assert [row.tally(women).established for row in result.rows] == [1, 1, 1, 1, 0, 0, 1, 1]

    def test_the_county_has_the_township_as_a_row(self):
        result = facility_coverage(self.shuangfeng, ON)
        row = next(row for row in result.rows if row.unit == self.township)
        assert row.tally(facility_kind("women_home")) == Tally(8, 6)

    def test_a_village_is_its_own_本级(self):
        result = facility_coverage(self.villages[0], ON)
        assert [row.label for row in result.rows] == ["本级"]
        assert result.summary.tally(facility_kind("children_home")) == Tally(1, 1)

    def test_dates_move_the_figures(self):
        later = facility_coverage(self.township, day("2026-03-31"))
        tallies = self.tallies(later)
        # 新设村 opened; 巾帼书屋 opened in 阵地6村.
        assert tallies["women_home"] == Tally(9, 6) and tallies["book_house"] == Tally(9, 1)
        earlier = facility_coverage(self.township, day("2025-06-29"))
        # 撤并村 still open, its 妇女之家 too; 阵地5村's not yet closed.
        assert self.tallies(earlier)["women_home"] == Tally(9, 8)

    def test_a_kind_expected_nowhere_is_left_out(self):
        FacilityKind.objects.create(code="other", name="其他阵地", sort_order=99)
        assert "other" not in {kind.code for kind in facility_coverage(self.township, ON).kinds}

    def test_a_unit_kind_added_to_the_expected_ones_counts(self):
        women = facility_kind("women_home")
        women.expected_in.add(self.agency_kind())
        assert facility_coverage(self.township, ON).summary.tally(women) == Tally(9, 7)

    def agency_kind(self):
        from tests.base import kind

        return kind("agency")

    def test_the_query_count_does_not_grow_with_the_subtree(self):
        with self.max_queries(5):
            facility_coverage(self.township, ON)
        with self.max_queries(5):
            facility_coverage(self.shuangfeng, ON)

    def test_no_facility_means_nothing_built(self):
        assert facility_coverage(self.xianghe, ON).built == 0
        assert facility_coverage(self.township, ON).built == 9


class CoverageOnThePastTreeTests(ChangedCountyTestCase):
    """大坪村 moved from 杉山镇 to 茅塘镇 on 2023-06-30: its 妇女之家 counts where the village stood."""

    def test_a_moved_village_counts_under_its_township_of_the_day(self):
        women = FacilityKind.objects.get(code="women_home")
        facility_create(unit=self.daping, kind=women, opened_on=day("2022-01-01"))
        shanshan = self.county.__class__.objects.get(code="431302101")
        before = facility_coverage(shanshan, BEFORE)
        assert before.summary.tally(women) == Tally(2, 1)
        after = facility_coverage(shanshan, CHANGED_ON)
        assert after.summary.tally(women) == Tally(1, 0)
        county_rows = {row.label: row.tally(women) for row in facility_coverage(self.county, BEFORE).rows}
        assert county_rows["杉山镇"] == Tally(2, 1)
        assert county_rows["茅塘乡"] == Tally(2, 0)
