"""Unit codes rule by rule: each check at its edges, each refusal with its code and message.

The check characters of the unified social credit codes below were worked out with the weights
3**i mod 31 of GB 32100-2015, independently of orgunits.codes. No database: these run in the
mutation subset (`make mutate`).
"""

import pytest
from django.core.exceptions import ValidationError

from orgunits import errors
from orgunits.codes import CODE_MAX_LENGTH, normalize_code, uscc_check_char, validate_unit_code

# Check character "0": the weighted sum is a multiple of 31, the one case where the final "% 31" matters.
USCC_CHECK_ZERO = "91431321MA4L000040"
# Check character "Y", the last of the character set: the weighted sum is 1 more than a multiple of 31.
USCC_CHECK_Y = "91431321MA4L0000EY"


def refusal(code: str) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        validate_unit_code(code)
    return exc.value


def test_the_limit_is_thirty_two_characters():
    assert CODE_MAX_LENGTH == 32


@pytest.mark.parametrize("code", ["A" * 31, "A" * 32, "1" * 12])
def test_codes_up_to_the_limit_are_allowed(code):
    assert validate_unit_code(code) is None


@pytest.mark.parametrize("code", ["A" * 33, "1" * 33])
def test_codes_past_the_limit_are_refused(code):
    exc = refusal(code)
    assert exc.code == "code_long"
    assert exc.messages == [errors.CODE_TOO_LONG.format(code=code, limit=32)]


@pytest.mark.parametrize("code", ["", "   ", None])
def test_blank_codes_are_refused_as_blank(code):
    exc = refusal(code)
    assert exc.code == "code_blank"
    assert exc.messages == [errors.CODE_BLANK]


@pytest.mark.parametrize("code", ["4313 21", " 431321", "431321\t", "43\n13"])
def test_any_whitespace_is_refused(code):
    exc = refusal(code)
    assert exc.code == "code_space"
    assert exc.messages == [errors.CODE_HAS_SPACE.format(code=code)]


@pytest.mark.parametrize("code", ["4", "431", "43132", "4313210", "4313211012011", "4" * 17, "4" * 19])
def test_digit_codes_of_other_lengths_are_refused_with_their_length(code):
    exc = refusal(code)
    assert exc.code == "code_admin_length"
    assert exc.messages == [errors.CODE_ADMIN_LENGTH.format(code=code, length=len(code))]


def test_eighteen_digits_are_read_as_a_credit_code():
    # Digits only fit the credit code's shape, so its check character decides, not the length.
    exc = refusal("1" * 18)
    assert exc.code == "uscc_check"
    assert exc.messages == [errors.CODE_USCC_CHECK.format(code="1" * 18, expected="5", actual="1")]


@pytest.mark.parametrize(
    "code",
    [
        "XH-AGENCY-00000001",  # 18 characters, but a dash: not a credit code
        "91431321MA4L00004",  # 17 letters and digits
        "91431321MA4L0000400",  # 19 letters and digits
        "91431321ma4l000040",  # lower case: not the credit code shape (codes are upper-cased before)
        "双峰县妇联",
        "CN",
    ],
)
def test_codes_that_are_neither_digits_nor_credit_codes_are_allowed(code):
    assert validate_unit_code(code) is None


@pytest.mark.parametrize("code", [USCC_CHECK_ZERO, USCC_CHECK_Y, "911100001000079554", "9144030071526726XG"])
def test_credit_codes_with_the_right_check_character_pass(code):
    assert validate_unit_code(code) is None


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("91431321MA4L00004", "0"),
        ("91431321MA4L0000E", "Y"),
        ("91350100M000100Y4", "3"),
        ("9144030071526726X", "G"),
        ("91330100716105852", "F"),
        ("91110000100007955", "4"),
    ],
)
def test_check_characters(first17, check):
    assert uscc_check_char(first17) == check


@pytest.mark.parametrize("first17", ["91431321MA4L0000", "91431321MA4L000040"])
def test_the_check_needs_exactly_seventeen_characters(first17):
    with pytest.raises(ValueError):
        uscc_check_char(first17)


@pytest.mark.parametrize(
    ("code", "expected", "actual"),
    [("91431321MA4L000041", "0", "1"), ("91431321MA4L0000E0", "Y", "0"), ("9144030071526726XA", "G", "A")],
)
def test_a_wrong_check_character_names_both(code, expected, actual):
    exc = refusal(code)
    assert exc.code == "uscc_check"
    assert exc.messages == [errors.CODE_USCC_CHECK.format(code=code, expected=expected, actual=actual)]


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
@pytest.mark.parametrize("position", [0, 8, 17])
def test_each_forbidden_letter_is_refused_anywhere(letter, position):
    code = USCC_CHECK_ZERO[:position] + letter + USCC_CHECK_ZERO[position + 1 :]
    exc = refusal(code)
    assert exc.code == "uscc_chars"
    assert exc.messages == [errors.CODE_USCC_CHARS.format(code=code)]


@pytest.mark.parametrize(
    ("raw", "code"), [("  91431321ma4l000040 ", USCC_CHECK_ZERO), (None, ""), ("", ""), ("\t", "")]
)
def test_normalize_code(raw, code):
    assert normalize_code(raw) == code
