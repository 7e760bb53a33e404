"""Figures written the way the seed reports write them (survey-reports.txt: "5200余场次", "8万余人次",
"156万元", "100多万元", "8872.7万元")."""

from decimal import Decimal

from activities.measures import format_change_rate
from stats.formatting import format_measure


def test_counts_below_ten_thousand_are_written_whole():
    assert format_measure(120, "场次") == "120场次"
    assert format_measure(8500, "人次") == "8500人次"


def test_ten_thousand_and_more_are_written_in_wan():
    assert format_measure(52000, "人次") == "5.2万人次"
    assert format_measure(80000, "人次") == "8万人次"
    assert format_measure(382400, "人") == "38.24万人"


def test_money_is_written_in_yuan_then_wan_yuan():
    assert format_measure(Decimal("12000"), "元") == "1.2万元"
    assert format_measure(Decimal("1560000"), "元") == "156万元"
    assert format_measure(Decimal("88727000"), "元") == "8872.7万元"
    assert format_measure(Decimal("5000.50"), "元") == "5000.5元"


def test_an_approximate_figure_has_yu():
    assert format_measure(5200, "场次", approximate=True) == "5200余场次"
    assert format_measure(80000, "人次", approximate=True) == "8万余人次"
    assert format_measure(Decimal("1000000"), "元", approximate=True) == "100余万元"


def test_a_missing_figure_is_a_dash():
    assert format_measure(None, "场次") == "—"


def test_change_on_the_same_span_a_year_earlier():
    assert format_change_rate(135, 120) == "比上年同期增长13%"
    assert format_change_rate(100, 105) == "比上年同期下降5%"
    assert format_change_rate(100, 100) == "与上年同期持平"
    # A change the whole percent would round away keeps the places it needs: a fall is never 持平.
    assert format_change_rate(1964, 1972) == "比上年同期下降0.4%"
    assert format_change_rate(1_000_001, 1_000_000) == "比上年同期增长0.0001%"
    assert format_change_rate(100, 0) == ""
    assert format_change_rate(100, None) == ""
