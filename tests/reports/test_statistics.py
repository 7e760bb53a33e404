from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from orgunits.as_of import TreeOn
from stats import errors
from stats.expressions import Expression
from stats.models import DataValue, ValidationRule
from stats.periods import Period
from stats.services import (
    completeness,
    datavalues_save,
    own_figures,
    parse_count,
    subtree_values,
)
from tests.base import TreeTestCase


class SaveTests(TreeTestCase):
    def save(self, values, unit=None, period="2023"):
        return datavalues_save(unit=unit or self.heye, period=period, values=values)

    def refused(self, values, unit=None) -> dict:
        before = list(DataValue.objects.values_list("pk", "total", "female"))
        with pytest.raises(ValidationError) as exc:
            self.save(values, unit)
        assert list(DataValue.objects.values_list("pk", "total", "female")) == before
        return exc.value.message_dict

    def test_figures_are_saved_updated_and_removed(self):
        assert self.save({"cadres": ("120", "31"), "training_sessions": ("12", None)}) == 2
        assert own_figures(self.heye, Period(2023)) == {
            "cadres": (120, 31, False),
            "training_sessions": (12, None, False),
        }
        assert self.save({"cadres": ("1,200", "31"), "training_sessions": ("", "")}) == 2
        assert own_figures(self.heye, Period(2023)) == {"cadres": (1200, 31, False)}
        assert self.save({"cadres": (1200, 31)}) == 0

    def test_female_above_total_is_refused(self):
        problems = self.refused({"cadres": ("30", "31")})
        assert problems == {"cadres": [errors.FEMALE_ABOVE_TOTAL.format(element="党政机关干部", female=31, total=30)]}

    def test_negative_numbers_are_refused(self):
        problems = self.refused({"cadres": ("-3", None)})
        assert problems == {"cadres": [errors.COUNT_NEGATIVE.format(what="党政机关干部合计", value=-3)]}

    def test_a_decimal_where_a_count_is_expected_is_refused(self):
        problems = self.refused({"cadres": ("12.5", None), "population": (1000, 500.5)})
        assert problems["cadres"] == [errors.COUNT_NOT_INTEGER.format(what="党政机关干部合计", value="12.5")]
        assert problems["population"] == [errors.COUNT_NOT_INTEGER.format(what="总人口其中女性", value=500.5)]

    def test_text_is_refused(self):
        problems = self.refused({"cadres": ("一百", None)})
        assert problems["cadres"] == [errors.COUNT_NOT_INTEGER.format(what="党政机关干部合计", value="一百")]

    def test_an_unknown_element_code_is_refused(self):
        problems = self.refused({"cadres": (10, 2), "nonsense": (1, None)})
        assert problems == {"nonsense": [errors.UNKNOWN_ELEMENT.format(code="nonsense")]}

    def test_a_female_figure_for_an_element_without_one_is_refused(self):
        problems = self.refused({"training_sessions": (10, 2)})
        assert problems == {"training_sessions": [errors.FEMALE_NOT_APPLICABLE.format(element="培训班")]}

    def test_a_rule_violation_names_the_rule_and_nothing_is_saved(self):
        problems = self.refused({"complaints_received": (36, None), "complaints_resolved": (43, None)})
        assert problems == {
            NON_FIELD_ERRORS: [
                errors.RULE_VIOLATED.format(
                    rule="办结投诉不超过受理投诉",
                    left_text="办结维权投诉",
                    left=43,
                    operator="≤",
                    right_text="受理维权投诉",
                    right=36,
                )
            ]
        }

    def test_rules_see_figures_saved_earlier(self):
        self.save({"complaints_received": (36, None)})
        self.refused({"complaints_resolved": (43, None)})
        self.save({"complaints_resolved": (36, None)})

    def test_admin_defined_rules_on_female_parts(self):
        ValidationRule.objects.create(
            name="女村主任不超过女村委委员",
            left="village_heads.female",
            operator="<=",
            right="village_committee.female",
        )
        problems = self.refused({"village_committee": (10, 2), "village_heads": (3, 3)})
        assert "不符合校验规则“女村主任不超过女村委委员”" in problems[NON_FIELD_ERRORS][0]
        assert "村委会主任其中女性=3 ≤ 村委会委员其中女性=2" in problems[NON_FIELD_ERRORS][0]

    def test_a_bad_period_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            self.save({"cadres": (1, 1)}, period="二〇二三")
        assert exc.value.messages == [errors.PERIOD_FORMAT.format(text="二〇二三")]


class AggregationTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.villages = list(cls.heye.__class__.objects.children_of(cls.heye)[:3])
        for n, village in enumerate(cls.villages, start=1):
            datavalues_save(unit=village, period="2023", values={"village_committee": (5, n), "trainees": (100, 60)})
        datavalues_save(unit=cls.heye, period="2023", values={"village_committee": (1, 1)})
        datavalues_save(unit=cls.yongfeng, period="2023", values={"village_committee": (7, 3)})
        datavalues_save(unit=cls.yongfeng, period="2022", values={"village_committee": (70, 30)})

    def test_values_sum_over_the_subtree_including_the_unit(self):
        assert subtree_values(self.heye, Period(2023)) == {"village_committee": (16, 7), "trainees": (300, 180)}
        county = subtree_values(self.shuangfeng, Period(2023))
        assert county["village_committee"] == (23, 10)

    def test_completeness_lists_who_reported(self):
        with self.max_queries(3):  # whether the tree changed since, the children, who reported
            status = dict(completeness(self.shuangfeng, Period(2023)))
        assert status[self.heye] and status[self.yongfeng]
        assert sum(status.values()) == 2 and len(status) == 16
        assert sum(dict(completeness(self.shuangfeng, Period(2022))).values()) == 1

    def test_aggregation_costs_one_query_once_the_tree_is_known(self):
        with self.max_queries(2):  # whether the tree changed since the period's end, then the sums
            subtree_values(self.shuangfeng, Period(2023))
        tree = TreeOn.of(Period(2023).end)
        with self.max_queries(1):
            subtree_values(self.shuangfeng, Period(2023), tree=tree)


@pytest.mark.parametrize(
    ("raw", "expected"), [("12", 12), (" 1,200 ", 1200), (12, 12), (12.0, 12), ("", None), (None, None), ("+3", 3)]
)
def test_parse_count_accepts_counts(raw, expected):
    assert parse_count(raw, what="x") == expected


def test_expressions_evaluate_and_refuse_anything_else():
    known = {"cadres": True, "training_sessions": False}
    expression = Expression.parse("cadres.female / cadres.total * 100", known)
    assert expression.terms == {("cadres", "female"), ("cadres", "total")}
    assert round(expression.evaluate({"cadres": (2325, 458)}), 1) == Decimal("19.7")
    assert expression.evaluate({"cadres": (0, 0)}) is None
    assert expression.evaluate({}) is None
    for text, message in [
        ("cadres +", errors.EXPR_SYNTAX.format(text="cadres +")),
        ("nope.total", errors.EXPR_UNKNOWN_ELEMENT.format(text="nope.total", code="nope")),
        (
            "training_sessions.female",
            errors.EXPR_NO_FEMALE_PART.format(text="training_sessions.female", code="training_sessions"),
        ),
        ("__import__('os')", errors.EXPR_NOT_ALLOWED.format(text="__import__('os')", part="__import__('os')")),
        ("cadres.secret", errors.EXPR_NOT_ALLOWED.format(text="cadres.secret", part="cadres.secret")),
    ]:
        with pytest.raises(ValidationError) as exc:
            Expression.parse(text, known)
        assert exc.value.messages == [message]


def test_periods():
    assert Period.parse("2023年") == Period(2023) == Period.parse(2023)
    assert str(Period(2023).previous()) == "2022"
    assert Period(2023).label == "2023年"
