"""组建率 rule by rule on a small county counted by hand: who is eligible, who is established, which
row each unit lands in, and the comparison with a year earlier.

Built here without migrations, so it runs in `make mutate`. ON is 2023-06-30, ON2 a year later.

双峰县 (county, org 2000)
├─ 甲镇 (township, org 2000)
│  ├─ 一村  org 2023-06-30 (on the day: established)
│  │  ├─ 甲厂 enterprise (not eligible by default)
│  │  └─ 乙厂 enterprise, eligibility INCLUDED, org 2000
│  ├─ 二村  no org
│  ├─ 三村  org 2000, eligibility EXCLUDED
│  ├─ 四村  org 2000, closed 2023-06-30 (closed on the day: not counted)
│  ├─ 五村  org 2000, dissolved 2023-06-30 (dissolved on the day: not established)
│  ├─ 六村  org 2000, dissolved 2023-07-01 (the day after ON: established on ON)
│  └─ 七村  org 2023-07-01 (the day after ON: not yet)
├─ 乙镇 (township, no org)
│  ├─ 七局 agency, 8 women in 2023, no org
│  └─ 某协会 social_org, EXCLUDED
├─ 丙镇 (township, opened 2023-07-01)
├─ 丁镇 (township, EXCLUDED; nothing under it)
├─ 一局 agency: 6 women in 2022, 0 in 2024 (and 0 of another element in 2023); org 2000
├─ 二局 agency: 5 women in 2023; org 2000
├─ 三局 agency: 7 women in 2023; no org
├─ 四局 agency: no figures, INCLUDED; org 2000
├─ 五局 agency: 10 women in 2023, EXCLUDED; org 2000
├─ 六局 agency: 9 women in 2024 only; no org
└─ 一院 institution: 10 staff (0 women) in 2023; org 2000

Rules: agencies count with at least 6 women on staff; institutions with at least 10 staff.
"""

import datetime

from django.test import TestCase

from orgunits.models import OrgUnit, UnitKind
from stats.coverage import (
    HOST_GROUP_LABELS,
    OWN_LEVEL_LABEL,
    Change,
    Coverage,
    CoverageComparison,
    CoverageRow,
    Tally,
    coverage,
    coverage_with_previous_year,
    current_of,
    one_year_earlier,
)
from stats.models import DataElement, DataValue, EligibilityRule
from tests.base import kind
from tests.small_tree import add, seed_kinds

ON, ON2 = datetime.date(2023, 6, 30), datetime.date(2024, 6, 30)
DAY_AFTER = datetime.date(2023, 7, 1)
LONG_AGO = datetime.date(2000, 1, 1)
INCLUDED, EXCLUDED = OrgUnit.Eligibility.INCLUDED, OrgUnit.Eligibility.EXCLUDED


def test_one_year_earlier():
    assert one_year_earlier(datetime.date(2024, 6, 30)) == datetime.date(2023, 6, 30)
    assert one_year_earlier(datetime.date(2024, 2, 29)) == datetime.date(2023, 2, 28)
    assert one_year_earlier(datetime.date(2024, 2, 28)) == datetime.date(2023, 2, 28)
    assert one_year_earlier(datetime.date(2024, 3, 1)) == datetime.date(2023, 3, 1)
    assert one_year_earlier(datetime.date(2025, 2, 28)) == datetime.date(2024, 2, 28)
    assert one_year_earlier(datetime.date(2024, 12, 31)) == datetime.date(2023, 12, 31)


def test_tallies_add_up_field_by_field():
    assert Tally(3, 1) + Tally(5, 2) == Tally(8, 3)
    assert Tally() + Tally() == Tally(0, 0)
    assert Tally(2, 1).rate == 50


def test_a_row_answers_an_empty_tally_for_a_kind_it_has_not():
    village, agency = UnitKind(pk=7, code="village"), UnitKind(pk=9, code="agency")
    row = CoverageRow("甲镇", None, {7: Tally(4, 3)})
    assert row.tally(village) == Tally(4, 3)
    assert row.tally(agency) == Tally(0, 0)
    assert row.total == Tally(4, 3)
    assert row.key == "甲镇"


class CoverageRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_kinds()
        UnitKind.objects.filter(code="enterprise").update(eligible_by_default=False)
        EligibilityRule.objects.all().delete()
        staff = DataElement.objects.create(code="rule_staff", name="规则职工", measure="人", group="cadres")
        EligibilityRule.objects.create(kind=kind("agency"), element=staff, part="female", minimum=6)
        EligibilityRule.objects.create(kind=kind("institution"), element=staff, part="total", minimum=10)

        cls.county = add(None, "431321", "双峰县", "county", org_established_on=LONG_AGO)
        cls.t1 = add(cls.county, "431321101", "甲镇", "township", org_established_on=LONG_AGO)
        cls.v1 = add(cls.t1, "431321101201", "一村", "village", org_established_on=ON)
        add(cls.v1, "E1", "甲厂", "enterprise", org_established_on=LONG_AGO)
        add(cls.v1, "E2", "乙厂", "enterprise", org_established_on=LONG_AGO, eligibility=INCLUDED)
        add(cls.t1, "431321101202", "二村", "village")
        add(cls.t1, "431321101203", "三村", "village", org_established_on=LONG_AGO, eligibility=EXCLUDED)
        add(cls.t1, "431321101204", "四村", "village", org_established_on=LONG_AGO, closed_on=ON, org_dissolved_on=ON)
        add(cls.t1, "431321101205", "五村", "village", org_established_on=LONG_AGO, org_dissolved_on=ON)
        add(cls.t1, "431321101206", "六村", "village", org_established_on=LONG_AGO, org_dissolved_on=DAY_AFTER)
        add(cls.t1, "431321101207", "七村", "village", org_established_on=DAY_AFTER)
        cls.t2 = add(cls.county, "431321102", "乙镇", "township")
        a7 = add(cls.t2, "A7", "七局", "agency")
        add(cls.t2, "S1", "某协会", "social_org", eligibility=EXCLUDED)
        cls.t3 = add(cls.county, "431321103", "丙镇", "township", opened_on=DAY_AFTER)
        cls.t4 = add(cls.county, "431321104", "丁镇", "township", eligibility=EXCLUDED)
        a1 = add(cls.county, "A1", "一局", "agency", org_established_on=LONG_AGO)
        a2 = add(cls.county, "A2", "二局", "agency", org_established_on=LONG_AGO)
        a3 = add(cls.county, "A3", "三局", "agency")
        add(cls.county, "A4", "四局", "agency", org_established_on=LONG_AGO, eligibility=INCLUDED)
        a5 = add(cls.county, "A5", "五局", "agency", org_established_on=LONG_AGO, eligibility=EXCLUDED)
        a6 = add(cls.county, "A6", "六局", "agency")
        i1 = add(cls.county, "I1", "一院", "institution", org_established_on=LONG_AGO)
        figures = [
            (a1, "2022", 20, 6),
            (a1, "2024", 20, 0),
            (a2, "2023", 20, 5),
            (a3, "2023", 20, 7),
            (a5, "2023", 20, 10),
            (a6, "2024", 20, 9),
            (a7, "2023", 20, 8),
            (i1, "2023", 10, 0),
        ]
        DataValue.objects.bulk_create(
            [DataValue(unit=u, element=staff, period=p, total=t, female=f) for u, p, t, f in figures]
        )
        # A later figure of another element must not stand in for the rule's: 一局 still counts on ON.
        other = DataElement.objects.create(code="rule_other", name="规则其他", measure="人", group="cadres")
        DataValue.objects.create(unit=a1, element=other, period="2023", total=0, female=0)
        cls.county = OrgUnit.objects.select_related("kind").get(pk=cls.county.pk)

    def ids(self, **tallies) -> dict[int, Tally]:
        return {kind(code).pk: tally for code, tally in tallies.items()}

    def rows(self, result: Coverage) -> list[tuple[str, str | None, dict]]:
        return [(row.label, row.unit.code if row.unit else None, row.by_kind) for row in result.rows]

    def test_the_county_on_the_day(self):
        result = coverage(self.county, ON)
        assert (result.unit, result.on) == (self.county, ON)
        assert self.rows(result) == [
            (OWN_LEVEL_LABEL, "431321", self.ids(county=Tally(1, 1))),
            # 一村, 二村, 五村, 六村, 七村 eligible; 一村 (on the day) and 六村 (dissolved the day after) established.
            ("甲镇", "431321101", self.ids(township=Tally(1, 1), village=Tally(5, 2), enterprise=Tally(1, 1))),
            # 七局's 8 women pass the rule; 某协会 is excluded, so its kind is not even listed.
            ("乙镇", "431321102", self.ids(township=Tally(1, 0), agency=Tally(1, 0))),
            ("丁镇", "431321104", {}),  # an area child with nobody counted still has its row
            # 一局 (6 women in 2022, the latest year by ON), 三局 (7) and 四局 (included); 一院's 10 staff.
            ("县直单位", None, self.ids(agency=Tally(3, 2), institution=Tally(1, 1))),
        ]
        assert result.summary.label == "合计"
        assert result.summary.unit == self.county
        assert result.summary.by_kind == self.ids(
            county=Tally(1, 1),
            township=Tally(2, 1),
            village=Tally(5, 2),
            agency=Tally(4, 2),
            institution=Tally(1, 1),
            enterprise=Tally(1, 1),
        )
        assert result.summary.total == Tally(14, 8)
        assert [k.code for k in result.kinds] == [
            "county",
            "township",
            "village",
            "agency",
            "institution",
            "enterprise",
        ]

    def test_the_county_a_year_later(self):
        result = coverage(self.county, ON2)
        assert self.rows(result) == [
            (OWN_LEVEL_LABEL, "431321", self.ids(county=Tally(1, 1))),
            # 六村 dissolved, 七村 established.
            ("甲镇", "431321101", self.ids(township=Tally(1, 1), village=Tally(5, 2), enterprise=Tally(1, 1))),
            ("乙镇", "431321102", self.ids(township=Tally(1, 0), agency=Tally(1, 0))),
            ("丙镇", "431321103", self.ids(township=Tally(1, 0))),  # open now
            ("丁镇", "431321104", {}),
            # 一局 down to 0 women in 2024; 六局's 9 count now; 三局's 7 of 2023 still the latest.
            ("县直单位", None, self.ids(agency=Tally(3, 1), institution=Tally(1, 1))),
        ]
        assert result.summary.total == Tally(15, 7)

    def test_a_township_without_host_units_under_it_has_no_host_row(self):
        t1 = OrgUnit.objects.select_related("kind").get(pk=self.t1.pk)
        result = coverage(t1, ON)
        assert self.rows(result) == [
            (OWN_LEVEL_LABEL, "431321101", self.ids(township=Tally(1, 1))),
            ("一村", "431321101201", self.ids(village=Tally(1, 1), enterprise=Tally(1, 1))),
            ("二村", "431321101202", self.ids(village=Tally(1, 0))),
            ("三村", "431321101203", {}),
            ("五村", "431321101205", self.ids(village=Tally(1, 0))),
            ("六村", "431321101206", self.ids(village=Tally(1, 1))),
            ("七村", "431321101207", self.ids(village=Tally(1, 0))),
        ]

    def test_host_units_of_a_kind_without_a_group_name(self):
        v1 = OrgUnit.objects.select_related("kind").get(pk=self.v1.pk)
        result = coverage(v1, ON)
        assert self.rows(result) == [
            (OWN_LEVEL_LABEL, "431321101201", self.ids(village=Tally(1, 1))),
            ("直属单位", None, self.ids(enterprise=Tally(1, 1))),
        ]
        assert HOST_GROUP_LABELS["township"] == "乡镇直属单位"

    def test_a_unit_that_is_not_counted_has_no_rows(self):
        t4 = OrgUnit.objects.select_related("kind").get(pk=self.t4.pk)
        result = coverage(t4, ON)
        assert result.rows == []
        assert result.summary.by_kind == {}
        assert result.kinds == []

    def test_an_area_with_only_host_units_under_it(self):
        t2 = OrgUnit.objects.select_related("kind").get(pk=self.t2.pk)
        result = coverage(t2, ON)
        assert self.rows(result) == [
            (OWN_LEVEL_LABEL, "431321102", self.ids(township=Tally(1, 0))),
            ("乡镇直属单位", None, self.ids(agency=Tally(1, 0))),
        ]

    def test_the_number_of_queries_does_not_grow_with_the_children(self):
        # kinds, whether the tree changed since, rules, the grouped tallies, the open children with their kinds
        with self.assertNumQueries(5):
            result = coverage(self.county, ON)
            [child.kind.is_area for child in (row.unit for row in result.rows) if child]

    def test_an_explicit_inclusion_wins_over_a_rule_and_an_exclusion_over_the_default(self):
        OrgUnit.objects.filter(code="A2").update(eligibility=INCLUDED)  # 5 women: the rule alone would not count it
        OrgUnit.objects.filter(code="431321101202").update(eligibility=EXCLUDED)  # 二村
        result = coverage(self.county, ON)
        assert result.summary.tally(kind("agency")) == Tally(5, 3)
        assert result.summary.tally(kind("village")) == Tally(4, 2)

    def test_the_rule_reads_the_part_it_names(self):
        EligibilityRule.objects.filter(kind=kind("institution")).update(part="female")  # 一院 has no women
        assert coverage(self.county, ON).summary.tally(kind("institution")) == Tally(0, 0)
        EligibilityRule.objects.filter(kind=kind("institution")).update(part="total", minimum=11)
        assert coverage(self.county, ON).summary.tally(kind("institution")) == Tally(0, 0)

    def test_without_rules_every_unit_of_a_kind_counts_by_default(self):
        EligibilityRule.objects.all().delete()
        result = coverage(self.county, ON)
        # 一局 to 六局 bar 五局 (excluded) and 七局; 一院.
        assert result.summary.tally(kind("agency")) == Tally(6, 3)
        assert result.summary.tally(kind("institution")) == Tally(1, 1)

    def test_a_kind_not_counted_by_default_counts_only_when_included(self):
        UnitKind.objects.filter(code="enterprise").update(eligible_by_default=True)
        assert coverage(self.county, ON).summary.tally(kind("enterprise")) == Tally(2, 2)

    # Comparison with a year earlier

    def test_the_comparison_is_with_the_same_day_a_year_earlier(self):
        comparison = coverage_with_previous_year(self.county, ON2)
        assert (comparison.current.on, comparison.previous.on) == (ON2, ON)
        assert comparison.current.summary.total == Tally(15, 7)
        assert comparison.previous.summary.total == Tally(14, 8)
        assert current_of(comparison) is comparison.current
        alone = coverage(self.county, ON)
        assert current_of(alone) is alone

    def test_summary_changes(self):
        comparison = coverage_with_previous_year(self.county, ON2)
        total = comparison.summary_change()
        assert (total.now, total.before) == (Tally(15, 7), Tally(14, 8))
        assert (total.eligible, total.established) == (1, -1)
        agency = comparison.summary_change(kind("agency"))
        assert (agency.now, agency.before) == (Tally(4, 1), Tally(4, 2))
        assert (agency.eligible, agency.established) == (0, -1)
        assert agency.points == -25

    def test_row_changes_match_rows_by_unit_or_by_label(self):
        comparison = coverage_with_previous_year(self.county, ON2)
        rows = {row.label: row for row in comparison.current.rows}
        hosts = comparison.row_change(rows["县直单位"])
        assert (hosts.now, hosts.before) == (Tally(4, 2), Tally(4, 3))
        jia = comparison.row_change(rows["甲镇"])
        assert (jia.now, jia.before) == (Tally(7, 4), Tally(7, 4))  # 六村 out, 七村 in
        new = comparison.row_change(rows["丙镇"])  # opened within the year: no row a year earlier
        assert (new.now, new.before) == (Tally(1, 0), Tally(0, 0))
        assert new.points is None

    def test_a_row_named_like_a_unit_is_not_mistaken_for_it(self):
        comparison = coverage_with_previous_year(self.county, ON2)
        impostor = CoverageRow("甲镇", None, {})  # same label as 甲镇's row, but no unit: key is the label
        change = comparison.row_change(impostor)
        assert change == Change(Tally(0, 0), Tally(0, 0))

    def test_a_comparison_built_by_hand(self):
        now, before = coverage(self.county, ON2), coverage(self.county, ON)
        comparison = CoverageComparison(current=now, previous=before)
        assert comparison.summary_change() == Change(Tally(15, 7), Tally(14, 8))
