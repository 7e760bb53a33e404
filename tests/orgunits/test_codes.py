import pytest
from django.core.exceptions import ValidationError

from orgunits import errors
from orgunits.codes import normalize_code, uscc_check_char, validate_unit_code

# Published codes of real organisations, checked independently of our implementation.
REAL_USCC = ["91350100M000100Y43", "9144030071526726XG", "91330100716105852F", "911100001000079554"]


@pytest.mark.parametrize("code", ["43", "4313", "431321", "431321101", "431321101201", "100000"])
def test_administrative_codes_of_every_level_are_accepted(code):
    validate_unit_code(code)


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_unified_social_credit_codes_are_accepted(code):
    validate_unit_code(code)
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", ["431", "43132", "4313210", "43132110", "4313211012", "43132110120", "4313211012011"])
def test_all_digit_codes_of_other_lengths_are_refused(code):
    with pytest.raises(ValidationError) as exc:
        validate_unit_code(code)
    assert exc.value.messages == [errors.CODE_ADMIN_LENGTH.format(code=code, length=len(code))]


def test_uscc_with_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as exc:
        validate_unit_code("9144030071526726XA")
    assert exc.value.messages == [errors.CODE_USCC_CHECK.format(code="9144030071526726XA", expected="G", actual="A")]


def test_uscc_with_forbidden_letters_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_unit_code("9144030071526726OG")
    assert exc.value.messages == [errors.CODE_USCC_CHARS.format(code="9144030071526726OG")]


@pytest.mark.parametrize("code", ["XH-AGENCY-01", "CN", "双峰县妇联"])
def test_other_codes_are_allowed(code):
    validate_unit_code(code)


@pytest.mark.parametrize(("code", "message"), [("", errors.CODE_BLANK), ("   ", errors.CODE_BLANK)])
def test_blank_codes_are_refused(code, message):
    with pytest.raises(ValidationError) as exc:
        validate_unit_code(code)
    assert exc.value.messages == [message]


def test_codes_with_spaces_are_refused():
    with pytest.raises(ValidationError) as exc:
        validate_unit_code("4313 21")
    assert exc.value.messages == [errors.CODE_HAS_SPACE.format(code="4313 21")]


def test_normalize_strips_and_uppercases():
    assert normalize_code("  9144030071526726xg ") == "9144030071526726XG"
