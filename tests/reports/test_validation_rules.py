"""Validation rules (ValidationRule): parsing their expressions, evaluating them, and the messages
rule_violations gives, operator by operator at the edges (equal, one below, one above).

Rules and elements are built in memory, so nearly nothing here needs the database; the one test of
the defaults (the active rules and the elements in the database) makes its own. Part of the
mutation subset (`make mutate`).
"""

import ast
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from stats import errors
from stats.expressions import Expression
from stats.models import DataElement, Operator, ValidationRule
from stats.services import _readable, rule_violations

# code -> whether it has a female part
KNOWN = {"cadres": True, "sessions": False, "a1": True}
ELEMENTS = {
    "cadres": DataElement(code="cadres", name="干部", has_female=True),
    "sessions": DataElement(code="sessions", name="培训场次", has_female=False),
    "a1": DataElement(code="a1", name="甲一", has_female=True),
}
NAMES = {code: element.name for code, element in ELEMENTS.items()}


def parse(text: str) -> Expression:
    return Expression.parse(text, KNOWN)


def refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        parse(text)
    return exc.value


# Parsing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("cadres", {("cadres", "total")}),
        ("cadres.total", {("cadres", "total")}),
        ("cadres.female", {("cadres", "female")}),
        ("cadres.female / cadres.total", {("cadres", "female"), ("cadres", "total")}),
        ("(cadres - cadres.female) * 2 + sessions", {("cadres", "total"), ("cadres", "female"), ("sessions", "total")}),
        ("-cadres + +sessions", {("cadres", "total"), ("sessions", "total")}),
        ("a1 * 0.5", {("a1", "total")}),
        ("100", set()),
        ("  cadres.female  ", {("cadres", "female")}),
    ],
)
def test_terms_of_an_expression(text, terms):
    expression = parse(text)
    assert expression.terms == frozenset(terms)
    assert expression.codes == {code for code, _part in terms}
    assert expression.text == text.strip()
    assert isinstance(expression.tree, ast.Expression)


@pytest.mark.parametrize("text", ["cadres +", "(cadres", "", "cadres..total", "cadres female"])
def test_syntax_errors(text):
    exc = refusal(text)
    assert exc.code == "expr_syntax"
    assert exc.messages == [errors.EXPR_SYNTAX.format(text=text)]


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("cadres ** 2", "cadres ** 2"),
        ("cadres // 2", "cadres // 2"),
        ("cadres % 2", "cadres % 2"),
        ("cadres.male", "cadres.male"),
        ("cadres.female.total", "cadres.female.total"),
        ("max(cadres, 1)", "max(cadres, 1)"),
        ("cadres > 1", "cadres > 1"),
        ("'10'", "'10'"),
        ("True", "True"),
        ("cadres + False", "False"),
        ("not cadres", "Not"),
        ("~cadres", "Invert"),
        ("[cadres]", "[cadres]"),
        ("  cadres ** 2  ", "cadres ** 2"),  # the part is found in the stripped text
    ],
)
def test_anything_but_terms_numbers_and_arithmetic_is_refused(text, part):
    exc = refusal(text)
    assert exc.code == "expr_node"
    assert exc.messages == [errors.EXPR_NOT_ALLOWED.format(text=text, part=part)]


@pytest.mark.parametrize(
    ("text", "code"), [("nonsense", "nonsense"), ("cadres + other.female", "other"), ("b.total", "b")]
)
def test_unknown_elements_are_refused(text, code):
    exc = refusal(text)
    assert exc.code == "expr_code"
    assert exc.messages == [errors.EXPR_UNKNOWN_ELEMENT.format(text=text, code=code)]


def test_the_female_part_of_an_element_without_one_is_refused():
    exc = refusal("sessions.female")
    assert exc.code == "expr_female"
    assert exc.messages == [errors.EXPR_NO_FEMALE_PART.format(text="sessions.female", code="sessions")]
    assert parse("sessions.total").terms == frozenset({("sessions", "total")})


# Evaluating ----------------------------------------------------------------------------------------

VALUES = {"cadres": (120, 30), "sessions": (12, None), "a1": (0, 0)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("cadres", Decimal(120)),
        ("cadres.total", Decimal(120)),
        ("cadres.female", Decimal(30)),
        ("cadres.female / cadres.total", Decimal("0.25")),
        ("cadres - cadres.female", Decimal(90)),
        ("cadres + sessions", Decimal(132)),
        ("cadres * 2", Decimal(240)),
        ("cadres.female * 0.1", Decimal("3.0")),
        ("-cadres", Decimal(-120)),
        ("+cadres", Decimal(120)),
        ("-(cadres - sessions)", Decimal(-108)),
        ("7", Decimal(7)),
        ("0.1 + 0.2", Decimal("0.3")),  # decimals, not floats
        ("cadres / 8 / 3", Decimal(5)),  # left to right
        ("cadres - 20 - 100", Decimal(0)),
    ],
)
def test_evaluate(text, value):
    result = parse(text).evaluate(VALUES)
    assert result == value
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    "text",
    [
        "missing.female",  # not given
        "cadres / a1",  # division by zero
        "a1 / a1",  # 0 / 0
        "a1.female / 0",
        "cadres + missing",  # not in the values (and not known either: built directly below)
    ],
)
def test_evaluate_answers_none_for_missing_figures_and_division_by_zero(text):
    expression = Expression.parse(text, {**KNOWN, "missing": True})
    assert expression.evaluate(VALUES) is None


def test_a_missing_part_is_missing_and_the_other_part_is_still_read():
    assert parse("cadres").evaluate({"cadres": (None, 3)}) is None
    assert parse("cadres.female").evaluate({"cadres": (None, 3)}) == 3
    assert parse("cadres.female").evaluate({"cadres": (5, None)}) is None
    assert parse("cadres").evaluate({"cadres": (5, None)}) == 5


# Messages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("cadres", "干部"),
        ("cadres.total", "干部"),
        ("cadres.female", "干部其中女性"),
        ("cadres.female / cadres.total * 100", "干部其中女性 / 干部 * 100"),
        ("a1+sessions", "甲一+培训场次"),
        ("unknown_code.female", "unknown_code其中女性"),
        ("2 * sessions", "2 * 培训场次"),
    ],
)
def test_readable_names_the_elements(text, readable):
    assert _readable(text, NAMES) == readable


def rule(left: str, operator: str, right: str, name: str = "规则") -> ValidationRule:
    return ValidationRule(name=name, left=left, operator=operator, right=right)


def check(values, *rules) -> list[str]:
    return rule_violations(values, rules=list(rules), elements=ELEMENTS)


@pytest.mark.parametrize(
    ("operator", "holds"),
    [
        # female against 30: below, equal, above
        (Operator.LE, (True, True, False)),
        (Operator.LT, (True, False, False)),
        (Operator.EQ, (False, True, False)),
        (Operator.GE, (False, True, True)),
        (Operator.GT, (False, False, True)),
    ],
)
def test_each_operator_at_its_edge(operator, holds):
    answers = tuple(
        not check({"cadres": (100, female)}, rule("cadres.female", operator, "30")) for female in (29, 30, 31)
    )
    assert answers == holds


def test_a_broken_rule_is_described_in_words():
    messages = check(
        {"cadres": (120, 31)}, rule("cadres.female", Operator.LE, "cadres / 4", name="女干部不超过四分之一")
    )
    assert messages == [
        "不符合校验规则“女干部不超过四分之一”：干部其中女性=31 ≤ 干部 / 4=30 不成立。",
    ]
    assert messages == [
        errors.RULE_VIOLATED.format(
            rule="女干部不超过四分之一",
            left_text="干部其中女性",
            left="31",
            operator="≤",
            right_text="干部 / 4",
            right="30",
        )
    ]


def test_values_are_written_plainly():
    messages = check({"cadres": (3, 1)}, rule("cadres.female / cadres", Operator.GE, "0.50", name="比例"))
    assert messages == ["不符合校验规则“比例”：干部其中女性 / 干部=0.3333333333333333333333333333 ≥ 0.50=0.5 不成立。"]
    messages = check({"cadres": (100, 1)}, rule("cadres", Operator.EQ, "cadres.female * 10", name="整数"))
    assert messages == ["不符合校验规则“整数”：干部=100 = 干部其中女性 * 10=10 不成立。"]


def test_rules_with_a_missing_figure_on_either_side_are_skipped():
    values = {"cadres": (10, None), "sessions": (5, None)}
    assert check(values, rule("cadres.female", Operator.LE, "0")) == []
    assert check(values, rule("0", Operator.GE, "cadres.female")) == []
    assert check(values, rule("cadres / a1", Operator.LE, "0")) == []
    assert check(values, rule("sessions", Operator.GT, "cadres"), rule("cadres", Operator.LE, "sessions", "乙")) == [
        "不符合校验规则“规则”：培训场次=5 > 干部=10 不成立。",
        "不符合校验规则“乙”：干部=10 ≤ 培训场次=5 不成立。",
    ]


def test_a_skipped_rule_does_not_stop_the_rules_after_it():
    values = {"cadres": (10, None)}
    rules = [rule("cadres.female", Operator.LE, "0", "缺数"), rule("cadres", Operator.LT, "10", "其后")]
    assert check(values, *rules) == ["不符合校验规则“其后”：干部=10 < 10=10 不成立。"]


def test_every_broken_rule_is_reported_in_order():
    values = {"cadres": (10, 4)}
    rules = [
        rule("cadres.female", Operator.LT, "cadres", "一"),  # holds
        rule("cadres.female", Operator.GT, "cadres", "二"),
        rule("cadres.female", Operator.EQ, "cadres", "三"),
    ]
    assert check(values, *rules) == [
        "不符合校验规则“二”：干部其中女性=4 > 干部=10 不成立。",
        "不符合校验规则“三”：干部其中女性=4 = 干部=10 不成立。",
    ]


def test_a_rule_naming_an_element_that_is_gone_is_refused_when_checked():
    with pytest.raises(ValidationError) as exc:
        check({"cadres": (1, 1)}, rule("cadres", Operator.LE, "gone"))
    assert exc.value.messages == [errors.EXPR_UNKNOWN_ELEMENT.format(text="gone", code="gone")]


def test_a_rule_on_the_female_part_of_an_element_without_one_is_refused_when_checked():
    with pytest.raises(ValidationError) as exc:
        check({"sessions": (1, None)}, rule("sessions.female", Operator.LE, "1"))
    assert exc.value.messages == [errors.EXPR_NO_FEMALE_PART.format(text="sessions.female", code="sessions")]


class DefaultRulesTests(TestCase):
    """Without rules or elements given, the active rules and all elements come from the database."""

    @classmethod
    def setUpTestData(cls):
        ValidationRule.objects.all().delete()
        DataElement.objects.create(code="rule_cadres", name="规则干部", measure="人", group="cadres")
        DataElement.objects.create(code="rule_women", name="规则女干部", measure="人", group="cadres", has_female=False)
        ValidationRule.objects.create(name="启用", left="rule_women", operator=Operator.LE, right="rule_cadres")
        ValidationRule.objects.create(
            name="停用", left="rule_women", operator=Operator.GT, right="rule_cadres", active=False
        )

    def test_only_active_rules_are_checked_with_the_elements_names(self):
        assert rule_violations({"rule_cadres": (10, None), "rule_women": (10, None)}) == []
        assert rule_violations({"rule_cadres": (10, None), "rule_women": (11, None)}) == [
            "不符合校验规则“启用”：规则女干部=11 ≤ 规则干部=10 不成立。"
        ]

    def test_given_rules_replace_the_active_ones(self):
        assert rule_violations({"rule_cadres": (10, None), "rule_women": (11, None)}, rules=[]) == []

    def test_given_elements_replace_the_stored_ones(self):
        renamed = {
            "rule_cadres": DataElement(code="rule_cadres", name="甲"),
            "rule_women": DataElement(code="rule_women", name="乙", has_female=False),
        }
        assert rule_violations({"rule_cadres": (1, None), "rule_women": (2, None)}, elements=renamed) == [
            "不符合校验规则“启用”：乙=2 ≤ 甲=1 不成立。"
        ]
