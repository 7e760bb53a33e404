import datetime
from decimal import Decimal

from stats.indicators import IndicatorValue, indicator_values
from stats.models import DataElement, Indicator
from stats.periods import Period
from stats.same_period import FALL, SAME, ElementChange
from tests.base import TreeTestCase
from tests.reports.county6 import build_county6


class Report6IndicatorTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_county6()

    def shown(self, year=2012):
        return {item.indicator.code: item for item in indicator_values(self.county, Period(year))}

    def test_the_seed_percentages(self):
        found = self.shown()
        assert found["female_cadres_share"].shown == "19.7%"
        assert found["female_section_cadres_share"].shown == "6%"
        assert found["female_npc_share"].shown == "10%"
        assert found["female_cppcc_share"].shown == "11%"
        assert found["female_party_members_share"].shown == "14%"
        assert found["female_population_share"].shown == "47.2%"
        assert found["coverage_village"].shown == "99.4%"  # 652 of 656 (county6.py)
        assert found["coverage_agency"].shown == "96.9%"  # 94 of 97
        assert found["complaints_resolved_rate"].shown == "—"

    def test_year_over_year_in_percentage_points(self):
        found = self.shown(2013)
        assert found["coverage_township"].shown_change == "+5.6个百分点"  # 16 of 18 (后建镇, 2013) against 15 of 18
        found = self.shown(2012)
        assert found["female_cadres_share"].shown_change == "—"  # nothing in 2011
        assert found["coverage_township"].shown_previous == "89.5%"  # 17 of 19 at the end of 2011

    def test_a_constant_number_of_queries(self):
        with self.max_queries(14):
            indicator_values(self.county, Period(2012))
        assert Indicator.objects.count() > 15

    def test_coverage_indicators_use_the_end_of_the_year(self):
        found = self.shown(2009)
        assert found["coverage_village"].shown == "0%"
        assert datetime.date(2010, 3, 8) > Period(2009).end


def test_a_rates_change_is_the_difference_of_the_rates_as_printed():
    """48.74% → 48.75% prints 48.7% → 48.8%: 0.1个百分点, as the report says, not 0."""
    share = Indicator(code="share", decimals=1, suffix="%")
    item = IndicatorValue(share, Decimal("48.75"), Decimal("48.74"))
    assert (item.shown_previous, item.shown, item.shown_change) == ("48.7%", "48.8%", "+0.1个百分点")


def test_a_small_fall_is_a_fall_with_the_places_it_needs():
    """1972 → 1964 is −0.4%: whole percent would print 持平."""
    members = DataElement(code="members", name="村党组织委员", measure="人")
    change = ElementChange(members, 1964, 1972)
    assert (change.direction, change.shown_change) == (FALL, "下降0.4%")
    assert ElementChange(members, 756, 628).shown_change == "上升20%"  # report 4's own decimals
    assert ElementChange(members, 628, 628).shown_change == SAME
