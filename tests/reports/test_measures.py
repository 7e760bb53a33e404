"""Measures beyond counts of people (issue 18): money in 元, 起, 宗, 批, 户, 件次; large amounts of money
and attendances are written in 万 the way the reports write them (万元, 万人次)."""

from reports.sections.changes import ChangeItem
from reports.sections.common import count_text
from stats.models import DataElement, Measure


def test_money_and_attendances_are_written_in_wan():
    assert ChangeItem("妇女创业资金", 12_000, 8_000, Measure.YUAN).now_text == "1.2万元"
    assert ChangeItem("妇女创业资金", 12_000, 8_000, Measure.YUAN).before_text == "8000元"
    assert count_text("volunteer_attendances", 52_000, Measure.ATTENDANCES) + "人次" == "5.2万人次"
    assert count_text("disputes", 12_345, Measure.INCIDENTS) == "12345"  # 起 stay whole


def test_every_measure_of_the_reports_can_be_chosen(db):
    choices = {value for value, _label in DataElement._meta.get_field("measure").choices}
    assert {"元", "起", "宗", "批", "户", "件次", "人", "人次", "场次"} <= choices
