import datetime

from django.test import TestCase

from orgunits.models import OrgUnit
from orgunits.services import unit_close, unit_create, unit_update
from stats.coverage import HOST_GROUP_LABELS, OWN_LEVEL_LABEL, Tally, coverage, coverage_with_previous_year
from stats.formatting import format_rate
from stats.models import DataElement, EligibilityRule
from stats.services import datavalues_save
from stats.tables import branch_table, summary_table
from tests.base import TreeTestCase, day, kind
from tests.reports.county6 import TOWNSHIPS, build_county6

ON = datetime.date(2012, 12, 31)


class Report6CoverageTests(TreeTestCase):
    """The report 6 county with its gaps: every expected figure is counted by hand from GAPS (county6.py)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_county6()

    def test_each_kind_counts_its_eligible_units_and_the_established_among_them(self):
        result = coverage(self.county, ON)
        expected = {
            "county": (Tally(1, 1), "100%"),
            # 15 seed townships established; 未建镇, 解散镇 (dissolved 2012-06-30), 后建镇 (2013) eligible
            # without; 不计镇 excluded; 撤并镇 closed 2012-09-30.
            "township": (Tally(15 + 3, 15), "83.3%"),
            # 651 seed villages established; 晚解散村 (dissolved only in 2013) established; 未建一村, 未建二村,
            # 解散村, 后建村 eligible without; 不计村 excluded; 撤并村 closed.
            "village": (Tally(651 + 5, 651 + 1), "99.4%"),
            # 28 seed communities; 未建社区, 解散社区, 后建社区 eligible without; 不计社区, 撤并社区 out.
            "community": (Tally(28 + 3, 28), "90.3%"),
            # 93 seed agencies (12 women each); 六女局 (6 women) established; 未建局, 解散局, 后建局 eligible
            # without; 五女局 (5 women, has a 妇委会), 不计局 (excluded), 撤并局 (closed) out.
            "agency": (Tally(93 + 4, 93 + 1), "96.9%"),
        }
        for code, (tally, rate) in expected.items():
            assert result.summary.tally(kind(code)) == tally, code
            assert format_rate(result.summary.tally(kind(code)).rate) == rate, code
        assert result.summary.total == Tally(803, 790)  # 1 + 18 + 656 + 31 + 97, 1 + 15 + 652 + 28 + 94
        assert format_rate(result.summary.total.rate) == "98.4%"
        assert [k.code for k in result.kinds] == ["county", "township", "village", "community", "agency"]

    def test_a_year_earlier_the_dissolved_and_the_merged_still_count(self):
        summary = coverage(self.county, datetime.date(2011, 12, 31)).summary
        assert summary.tally(kind("township")) == Tally(15 + 4, 15 + 2)  # + 解散镇, 撤并镇; 未建镇, 后建镇 without
        assert summary.tally(kind("village")) == Tally(651 + 6, 651 + 3)  # + 解散村, 晚解散村, 撤并村
        assert summary.tally(kind("community")) == Tally(28 + 4, 28 + 2)  # + 解散社区, 撤并社区
        assert summary.tally(kind("agency")) == Tally(93 + 5, 93 + 3)  # + 六女局, 解散局, 撤并局
        assert summary.total == Tally(807, 798)

    def test_one_row_per_open_township_and_one_for_the_county_agencies(self):
        result = coverage(self.county, ON)
        labels = [row.label for row in result.rows]
        assert labels[0] == OWN_LEVEL_LABEL
        townships = [f"第{i}镇" for i in range(1, TOWNSHIPS + 1)] + ["未建镇", "不计镇", "解散镇", "后建镇"]
        assert labels[1:-1] == townships  # 撤并镇 closed in September
        assert labels[-1] == HOST_GROUP_LABELS["county"] == "县直单位"
        rows = dict(zip(labels, result.rows, strict=True))
        assert rows[OWN_LEVEL_LABEL].total == Tally(1, 1)
        # 第1镇: itself, 44 seed villages and 5 gap villages (晚解散村 established), 2 communities.
        assert rows["第1镇"].tally(kind("village")) == Tally(44 + 5, 44 + 1)
        assert rows["第1镇"].total == Tally(1 + 49 + 2, 1 + 45 + 2)
        # 第2镇: itself, 44 villages, 2 seed communities and 3 gap communities without an organisation.
        assert rows["第2镇"].tally(kind("community")) == Tally(2 + 3, 2)
        assert rows["第2镇"].total == Tally(1 + 44 + 5, 1 + 44 + 2)
        assert rows["第7镇"].total == Tally(1 + 43 + 2, 1 + 43 + 2)
        assert rows["第15镇"].total == Tally(1 + 43 + 1, 1 + 43 + 1)
        assert [rows[name].total for name in ("未建镇", "不计镇", "解散镇", "后建镇")] == [
            Tally(1, 0),
            Tally(0, 0),
            Tally(1, 0),
            Tally(1, 0),
        ]
        assert rows["县直单位"].tally(kind("agency")) == Tally(97, 94)
        assert sum((row.total for row in result.rows), Tally()) == Tally(803, 790)

    def test_the_cost_does_not_grow_with_the_number_of_children(self):
        with self.max_queries(5):
            coverage(self.county, ON)
        with self.max_queries(6):
            coverage(OrgUnit.objects.get(depth=1), ON)
        with self.max_queries(9):
            coverage_with_previous_year(self.county, ON)

    def test_before_anything_was_established_nothing_is_covered(self):
        result = coverage(self.county, datetime.date(2010, 3, 7))
        # Every unit is open, every agency but 五女局 and 不计局 is eligible by its 2010 staff.
        assert result.summary.total == Tally(807, 0)
        assert format_rate(result.summary.total.rate) == "0%"

    def test_tables_for_the_page_and_exports(self):
        # 1 January 2011 against 1 January 2010: the same units are eligible (as at the end of 2011),
        # none established a year before.
        result = coverage_with_previous_year(self.county, datetime.date(2011, 1, 1))
        summary = summary_table(result)
        township_line = next(row for row in summary.rows if row[0].text == "乡镇")
        assert [cell.text for cell in township_line] == ["乡镇", "19", "17", "89.5%", "19", "0", "0%", "+17", "+89.5"]
        total_line = summary.rows[-1]
        assert [cell.text for cell in total_line] == ["合计", "807", "798", "98.9%", "807", "0", "0%", "+798", "+98.9"]
        branches = branch_table(result)
        assert branches.headers == ["单位", "县", "乡镇", "村", "社区", "机关", "合计", "上年组建率", "变化（百分点）"]
        first_township = branches.rows[1]
        # 44 seed villages; 解散村, 晚解散村, 撤并村 established; 未建一村, 未建二村, 后建村 not yet.
        assert [c.text for c in first_township[:4]] == ["第1镇", "—", "1/1（100%）", "47/50（94%）"]
        assert [c.text for c in first_township[6:]] == ["50/53（94.3%）", "0%", "+94.3"]
        assert branches.rows[-1][0].text == "合计"
        assert [c.text for c in branches.rows[-1][6:]] == ["798/807（98.9%）", "0%", "+98.9"]


class DatedScenarioTests(TreeTestCase):
    """Units opening and closing and organisations dissolving, inside 荷叶镇 of 双峰县."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=day("2015-01-01"))
        village = kind("village")
        cls.villages = OrgUnit.objects.children_of(cls.heye).filter(kind=village).count()  # established ones
        cls.county_villages = OrgUnit.objects.subtree(cls.shuangfeng).filter(kind=village).count()

    def heye_village(self, index=0):
        return OrgUnit.objects.children_of(self.heye).filter(kind=kind("village"))[index]

    def tally(self, on, code="village"):
        return coverage(self.shuangfeng, day(on)).summary.tally(kind(code))

    def test_a_unit_opened_mid_year_counts_from_its_opening_day(self):
        unit_update(unit=self.shuangfeng, opened_on=day("1950-01-01"))
        unit_create(
            parent=self.heye, code="431321101990", name="新设村", kind=kind("village"), opened_on=day("2024-07-01")
        )
        assert self.tally("2024-06-30") == Tally(self.county_villages, self.villages)
        assert self.tally("2024-07-01") == Tally(self.county_villages + 1, self.villages)

    def test_a_closed_unit_stops_counting_on_its_closing_day(self):
        unit_close(unit=self.heye_village(), closed_on=day("2024-03-01"))
        assert self.tally("2024-02-29") == Tally(self.county_villages, self.villages)
        assert self.tally("2024-03-01") == Tally(self.county_villages - 1, self.villages - 1)

    def test_a_dissolved_organisation_is_eligible_but_not_established(self):
        unit_update(unit=self.heye_village(), org_dissolved_on=day("2024-05-01"))
        before, after = self.tally("2024-04-30"), self.tally("2024-05-01")
        assert after.eligible == before.eligible
        assert after.established == before.established - 1

    def test_per_unit_overrides(self):
        villages = [self.heye_village(0), self.heye_village(1)]
        unit_update(unit=villages[0], eligibility=OrgUnit.Eligibility.EXCLUDED)
        assert self.tally("2024-01-01") == Tally(self.county_villages - 1, self.villages - 1)
        kind_row = kind("village")
        kind_row.eligible_by_default = False
        kind_row.save()
        unit_update(unit=villages[1], eligibility=OrgUnit.Eligibility.INCLUDED)
        assert self.tally("2024-01-01") == Tally(1, 1)

    def test_year_over_year(self):
        comparison = coverage_with_previous_year(self.shuangfeng, day("2015-06-30"))
        change = comparison.summary_change(kind("village"))
        assert (change.before.established, change.now.established) == (0, self.villages)
        assert change.established == self.villages
        assert change.points == change.now.rate
        township = next(row for row in comparison.current.rows if row.unit == self.heye)
        assert comparison.row_change(township).points == 100


class EligibilityRuleTests(TreeTestCase):
    """'有6名以上女干部职工的县直机关单位均建立了妇委会': agencies count only from 6 female staff."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.big = cls.add_agency(cls, cls.shuangfeng, "XH-BIG", "大局", org_established_on=day("2015-01-01"))
        cls.small = cls.add_agency(cls, cls.shuangfeng, "XH-SMALL", "小局")
        cls.silent = cls.add_agency(cls, cls.shuangfeng, "XH-SILENT", "未报局")
        datavalues_save(unit=cls.big, period="2023", values={"staff": (40, 9)})
        datavalues_save(unit=cls.small, period="2023", values={"staff": (30, 5)})
        EligibilityRule.objects.create(
            kind=kind("agency"), element=DataElement.objects.get(code="staff"), part="female", minimum=6
        )

    def agencies(self, on="2024-06-30"):
        return coverage(self.shuangfeng, day(on)).summary.tally(kind("agency"))

    def test_only_agencies_with_six_or_more_female_staff_count(self):
        assert self.agencies() == Tally(1, 1)

    def test_the_latest_figure_up_to_the_year_is_used(self):
        datavalues_save(unit=self.small, period="2024", values={"staff": (30, 7)})
        assert self.agencies("2024-06-30") == Tally(2, 1)
        assert self.agencies("2023-06-30") == Tally(1, 1)

    def test_a_unit_override_beats_the_rule(self):
        unit_update(unit=self.silent, eligibility=OrgUnit.Eligibility.INCLUDED)
        assert self.agencies() == Tally(2, 1)

    def test_the_rule_costs_no_extra_queries_per_unit(self):
        with self.max_queries(5):
            coverage(self.shuangfeng, day("2024-06-30"))


class FormattingTests(TestCase):
    def test_rates_have_at_most_one_decimal_and_no_trailing_zero(self):
        from decimal import Decimal

        from stats.formatting import format_change, format_number, percent

        assert format_rate(percent(458, 2325)) == "19.7%"
        assert format_rate(percent(27, 270)) == "10%"
        assert format_rate(percent(1, 1)) == "100%"
        assert format_rate(percent(139, 2325)) == "6%"
        assert format_rate(percent(0, 5)) == "0%"
        assert format_rate(None) == "—"
        assert format_number(Decimal("26.8200"), 2) == "26.82"
        assert format_number(Decimal("0.05"), 1) == "0.1"
        assert format_change(Decimal("-2.04")) == "−2"
        assert format_change(Decimal("0.01")) == "0"
