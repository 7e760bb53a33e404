"""Periods shorter than a year (issue 18): month, quarter, the months so far (1–N月) and the year, each
compared with the same span a year earlier (上年同期), in entry, imports and the indicators page. Report 4:
"1–9月……不稳定因素5起，矛盾纠纷756起，分别比上年同期上升150%、20%" (from 2 and 628; 756/628 is +20.4%,
printed as 20% since the figures are whole numbers)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from stats import errors
from stats.models import DataElement, DataValue
from stats.periods import Period, period_of
from stats.same_period import compared_sentence, element_changes
from stats.services import datavalues_save
from tests.base import TreeTestCase, page_text
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    "text, stored, label, start, end, previous",
    [
        ("2023", "2023", "2023年", "2023-01-01", "2023-12-31", "2022"),
        ("2023年第三季度", "2023Q3", "2023年第三季度", "2023-07-01", "2023-09-30", "2022Q3"),
        ("2023q3", "2023Q3", "2023年第三季度", "2023-07-01", "2023-09-30", "2022Q3"),
        ("2024年2月", "2024-02", "2024年2月", "2024-02-01", "2024-02-29", "2023-02"),
        ("2023年1-9月", "2023-01~09", "2023年1–9月", "2023-01-01", "2023-09-30", "2022-01~09"),
        ("2023年1—9月", "2023-01~09", "2023年1–9月", "2023-01-01", "2023-09-30", "2022-01~09"),
        ("2023年1-3月", "2023Q1", "2023年第一季度", "2023-01-01", "2023-03-31", "2022Q1"),
        ("2023年1-12月", "2023", "2023年", "2023-01-01", "2023-12-31", "2022"),
    ],
)
def test_each_form_of_period(text, stored, label, start, end, previous):
    period = Period.parse(text)
    assert (str(period), period.label, period.start.isoformat(), period.end.isoformat()) == (stored, label, start, end)
    assert str(period.previous()) == previous and Period.parse(str(period)) == period


@pytest.mark.parametrize(
    "text, message",
    [
        ("二〇二三", errors.PERIOD_FORMAT.format(text="二〇二三")),
        ("2023Q5", errors.PERIOD_FORMAT.format(text="2023Q5")),
        ("2023年2-5月", errors.PERIOD_FORMAT.format(text="2023年2-5月")),
        ("2023年13月", errors.PERIOD_MONTHS.format(first=13, last=13)),
    ],
)
def test_what_is_not_a_period_is_told_in_chinese(text, message):
    with pytest.raises(ValidationError) as caught:
        Period.parse(text)
    assert caught.value.messages == [message]


def test_the_entry_pages_spans():
    assert [str(period_of(2023, span)) for span in ("", "Q2", "C9", "M11")] == [
        "2023",
        "2023Q2",
        "2023-01~09",
        "2023-11",
    ]
    assert all(
        period_of(2023, p.span_code) == p for p in map(Period.parse, ("2023", "2023Q4", "2023-01~05", "2023-07"))
    )


class SamePeriodTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for order, (code, name) in enumerate((("instability", "不稳定因素"), ("disputes", "矛盾纠纷"))):
            DataElement.objects.create(code=code, name=name, measure="起", has_female=False, sort_order=200 + order)

    def test_report_4s_january_to_september(self):
        out = StringIO()
        call_command("import_stats", str(FIXTURES / "stats" / "jan_to_sep.csv"), stdout=out)
        stored = sorted(DataValue.objects.values_list("period", "element__code", "total"))
        assert [(str(p), code, total) for p, code, total in stored] == [
            ("2022-01~09", "disputes", 628),
            ("2022-01~09", "instability", 2),
            ("2023-01~09", "disputes", 756),
            ("2023-01~09", "instability", 5),
            ("2023Q3", "disputes", 240),
        ]
        period = Period.parse("2023年1-9月")
        changes = element_changes(self.shuangfeng, period)
        assert [(c.element.name, c.now, c.before, c.shown_change) for c in changes] == [
            ("不稳定因素", 5, 2, "上升150%"),
            ("矛盾纠纷", 756, 628, "上升20%"),
        ]
        assert (
            compared_sentence(period, changes) == "1–9月，不稳定因素5起，矛盾纠纷756起，分别比上年同期上升150%、20%。"
        )

    def test_mixed_directions_get_a_clause_each(self):
        datavalues_save(unit=self.heye, period="2023Q3", values={"instability": (1, None), "disputes": (300, None)})
        datavalues_save(unit=self.heye, period="2022Q3", values={"instability": (4, None), "disputes": (250, None)})
        period = Period.parse("2023Q3")
        assert compared_sentence(period, element_changes(self.heye, period)) == (
            "第三季度，不稳定因素1起，比上年同期下降75%；矛盾纠纷300起，比上年同期上升20%。"
        )
        datavalues_save(unit=self.heye, period="2022Q3", values={"instability": (1, None)})
        assert compared_sentence(period, element_changes(self.heye, period)).startswith(
            "第三季度，不稳定因素1起，与上年同期持平；"
        )

    def test_the_entry_page_writes_to_the_chosen_span(self):
        self.client.force_login(self.superuser)
        url = reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023&span=C9"
        page = page_text(self.client.get(url))
        assert "数据填报：荷叶镇 2023年1–9月" in page
        self.client.post(url, {"disputes__total": "756"})
        assert DataValue.objects.get(element__code="disputes").period == Period(2023, 1, 9)

    def test_the_indicators_page_compares_with_the_same_span_a_year_earlier(self):
        datavalues_save(unit=self.heye, period="2023-01~09", values={"instability": (5, None), "disputes": (756, None)})
        datavalues_save(unit=self.heye, period="2022-01~09", values={"instability": (2, None), "disputes": (628, None)})
        self.client.force_login(self.superuser)
        page = page_text(
            self.client.get(reverse("stats_indicators"), {"unit": self.shuangfeng.pk, "year": 2023, "span": "C9"})
        )
        assert "统计数据与上年同期比较（2023年1–9月" in page
        assert "1–9月，不稳定因素5起，矛盾纠纷756起，分别比上年同期上升150%、20%。" in page

    def test_periods_order_by_year_then_months(self):
        assert sorted(map(Period.parse, ("2023Q3", "2023-01~09", "2022", "2023-02"))) == [
            Period(2022),
            Period(2023, 1, 9),
            Period(2023, 2, 2),
            Period(2023, 7, 9),
        ]
