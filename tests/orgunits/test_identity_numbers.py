"""Identity numbers (GB 11643-1999) and mobile numbers, rule by rule, with literal expected values.

The two identity numbers of the standard's own examples are used throughout: 11010519491231002X
(born 1949-12-31, sequence 002, a woman, check character X) and 440524188001010014 (born
1880-01-01, sequence 001, a man, check character 4). No database: these run in the mutation
subset (`make mutate`), so each check is pinned at its edges.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from rosters import errors
from rosters.identity import (
    id_birth_date,
    id_check_char,
    id_sex,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_mobile,
)

WOMAN = "11010519491231002X"
MAN = "440524188001010014"


def refusal(check, value) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        check(value)
    return exc.value


@pytest.mark.parametrize(("raw", "expected"), [(" 11010519491231002x ", WOMAN), (None, ""), ("", ""), ("\t", "")])
def test_normalize_id_number_strips_and_uppercases(raw, expected):
    assert normalize_id_number(raw) == expected


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # the standard's examples
        ("44052418800101001", "4"),
        ("00000000000000000", "1"),  # sum 0: the first check character
        ("10000000000000000", "5"),  # first weight 7: index 7
        ("00000000000000001", "X"),  # last weight 2: index 2
        ("00000000000000002", "8"),  # 4: index 4
    ],
)
def test_check_character_follows_the_standard(first17, check):
    assert id_check_char(first17) == check


def test_check_character_of_a_sum_that_wraps_past_eleven():
    # 9 * 7 = 63, 63 % 11 == 8, "10X98765432"[8] == "4"; a modulus of 12 would give index 3, "9".
    assert id_check_char("90000000000000000") == "4"
    # 9 * (7 + 9) = 144, 144 % 11 == 1 -> "0"; 144 % 12 == 0 -> "1".
    assert id_check_char("99000000000000000") == "0"


@pytest.mark.parametrize("first17", ["1101051949123100", "110105194912310021"])
def test_check_character_needs_exactly_seventeen_digits(first17):
    with pytest.raises(ValueError):
        id_check_char(first17)


@pytest.mark.parametrize(
    ("number", "born"),
    [
        (WOMAN, datetime.date(1949, 12, 31)),
        (MAN, datetime.date(1880, 1, 1)),
        ("110105200002290021", datetime.date(2000, 2, 29)),
    ],
)
def test_birth_date_is_read_from_digits_seven_to_fourteen(number, born):
    assert id_birth_date(number) == born


@pytest.mark.parametrize(
    "number", ["11010519490230002X", "11010519491301002X", "11010519490000002X", "11010519000229002X"]
)
def test_an_impossible_birth_date_reads_as_none(number):
    assert id_birth_date(number) is None


@pytest.mark.parametrize(("digit", "sex"), [(str(d), "M" if d % 2 else "F") for d in range(10)])
def test_sex_is_the_parity_of_the_seventeenth_digit(digit, sex):
    number = f"1101051949123100{digit}X"
    assert id_sex(number) == sex


def test_sex_of_the_standard_examples():
    assert id_sex(WOMAN) == "F"
    assert id_sex(MAN) == "M"


@pytest.mark.parametrize("number", [WOMAN, MAN, "110105200002290021"])
def test_valid_numbers_pass(number):
    assert validate_id_number(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002",  # 17 characters
        "11010519491231002X1",  # 19
        "11010519491231002x",  # lower-case x: normalise first
        "1101051949123100XX",  # X only last
        "A1010519491231002X",
        "",
    ],
)
def test_a_badly_shaped_number_is_refused_as_such(number):
    exc = refusal(validate_id_number, number)
    assert exc.code == "id_shape"
    assert exc.messages == [errors.ID_SHAPE.format(value=number)]


@pytest.mark.parametrize(
    ("number", "expected", "actual"), [("110105194912310021", "X", "1"), ("440524188001010013", "4", "3")]
)
def test_a_wrong_check_character_names_the_expected_one(number, expected, actual):
    exc = refusal(validate_id_number, number)
    assert exc.code == "id_check"
    assert exc.messages == [errors.ID_CHECK.format(value=number, expected=expected, actual=actual)]


def test_a_right_check_character_on_an_impossible_date_is_refused_for_the_date():
    number = "110105194902300020"  # 1949-02-30, with its correct check character 0
    assert id_check_char(number[:17]) == "0"
    exc = refusal(validate_id_number, number)
    assert exc.code == "id_date"
    assert exc.messages == [errors.ID_BAD_DATE.format(value=number)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234-5678", "13812345678"),
        (" 13812345678\t", "13812345678"),
        (None, ""),
        ("", ""),
        ("138.1234", "138.1234"),
    ],
)
def test_normalize_phone_drops_spaces_and_dashes_only(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("phone", ["13012345678", "19912345678", "15800000000"])
def test_mobile_numbers_pass(phone):
    assert validate_mobile(phone) is None


@pytest.mark.parametrize("phone", ["12012345678", "1381234567", "138123456789", "23812345678", "1381234567a", ""])
def test_other_numbers_are_refused(phone):
    exc = refusal(validate_mobile, phone)
    assert exc.code == "phone"
    assert exc.messages == [errors.PHONE_FORMAT.format(value=phone)]


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        (WOMAN, "1101**********002X"),
        (MAN, "4405**********0014"),
        ("123456789", "1234*6789"),
        ("12345678", "12345678"),
        (None, ""),
        ("", ""),
    ],
)
def test_identity_numbers_are_masked_but_for_four_characters_at_each_end(number, masked):
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("12345678", "123****5678"),  # eight characters: the shortest that is masked in the middle
        ("1234567", "*******"),  # seven: all stars
        ("1", "*"),
        (None, ""),
        ("", ""),
    ],
)
def test_phones_are_masked(phone, masked):
    assert mask_phone(phone) == masked
