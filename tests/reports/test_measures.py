"""Measures beyond counts of people (issue 18): money in 元, 起, 宗, 批, 户, 件次; large amounts of money
and attendances are written in 万 the way the reports write them (万元, 万人次)."""

from reports.sections.changes import ChangeItem
from stats.formatting import WAN_MEASURES, count_text, format_measure
from stats.models import DataElement, Measure


def test_money_and_attendances_are_written_in_wan():
    assert ChangeItem("妇女创业资金", 12_000, 8_000, Measure.YUAN).now_text == "1.2万元"
    assert ChangeItem("妇女创业资金", 12_000, 8_000, Measure.YUAN).before_text == "8000元"
    assert count_text(52_000, Measure.ATTENDANCES) + "人次" == "5.2万人次"
    assert count_text(12_345, Measure.INCIDENTS) == "12345"  # 起 stay whole


def test_every_measure_of_the_reports_can_be_chosen(db):
    choices = {value for value, _label in DataElement._meta.get_field("measure").choices}
    assert {"元", "起", "宗", "批", "户", "件次", "人", "人次", "场次"} <= choices


def test_one_rule_for_wan_whoever_writes_the_figure():
    """stats.formatting decides for the report's element figures and the activities' alike: people,
    attendances and money from 10,000 up in 万, counts of things and events whole."""
    assert set(WAN_MEASURES) <= set(Measure.values)
    assert [format_measure(12_000, measure) for measure in ("人", "人次", "元")] == ["1.2万人", "1.2万人次", "1.2万元"]
    assert [format_measure(12_000, measure) for measure in ("场次", "件", "起", "户")] == [
        "12000场次",
        "12000件",
        "12000起",
        "12000户",
    ]
    assert ChangeItem("女党员", 12_000, 9_000, Measure.PEOPLE).now_text == "1.2万人"
    assert count_text(1_000_000, Measure.YUAN, approximate=True) + "元" == "100余万元"
    assert count_text(80_000, Measure.ATTENDANCES, approximate=True) == "8万余"
