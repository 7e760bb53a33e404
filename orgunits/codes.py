"""Unit codes: administrative division codes, unified social credit codes, and anything else.

- All digits: an administrative division code, 2/4/6/9/12 digits (province … village).
- 18 letters and digits: a unified social credit code (GB 32100-2015), whose last
  character is a check character.
- Anything else: allowed, but not blank and without spaces.
"""

import re

from django.core.exceptions import ValidationError

from orgunits import errors

CODE_MAX_LENGTH = 32
ADMIN_CODE_LENGTHS = (2, 4, 6, 9, 12)
USCC_LENGTH = 18
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ALNUM18 = re.compile(r"^[0-9A-Z]{18}$")


def normalize_code(raw: str) -> str:
    return (raw or "").strip().upper()


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_unit_code(code: str) -> None:
    if not code or not code.strip():
        raise ValidationError(errors.CODE_BLANK, code="code_blank")
    if any(char.isspace() for char in code):
        raise ValidationError(errors.CODE_HAS_SPACE.format(code=code), code="code_space")
    if len(code) > CODE_MAX_LENGTH:
        raise ValidationError(errors.CODE_TOO_LONG.format(code=code, limit=CODE_MAX_LENGTH), code="code_long")
    if len(code) == USCC_LENGTH and _ALNUM18.match(code):
        _validate_uscc(code)
    elif code.isdigit() and len(code) not in ADMIN_CODE_LENGTHS:
        raise ValidationError(errors.CODE_ADMIN_LENGTH.format(code=code, length=len(code)), code="code_admin_length")


def _validate_uscc(code: str) -> None:
    if any(char not in USCC_CHARSET for char in code):
        raise ValidationError(errors.CODE_USCC_CHARS.format(code=code), code="uscc_chars")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            errors.CODE_USCC_CHECK.format(code=code, expected=expected, actual=code[17]), code="uscc_check"
        )
