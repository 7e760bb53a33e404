"""Identity numbers (GB 11643-1999) and mobile phone numbers: checks and masking."""

import datetime
import re

from django.core.exceptions import ValidationError

from rosters import errors

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(raw: str | None) -> str:
    return (raw or "").strip().upper()


def id_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_sex(number: str) -> str:
    """'M' for an odd sequence digit, 'F' for an even one."""
    return "M" if int(number[16]) % 2 else "F"


def validate_id_number(number: str) -> None:
    if not _ID_SHAPE.match(number):
        raise ValidationError(errors.ID_SHAPE.format(value=number), code="id_shape")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            errors.ID_CHECK.format(value=number, expected=expected, actual=number[17]), code="id_check"
        )
    if id_birth_date(number) is None:
        raise ValidationError(errors.ID_BAD_DATE.format(value=number), code="id_date")


def normalize_phone(raw: str | None) -> str:
    return re.sub(r"[\s-]", "", raw or "")


def validate_mobile(phone: str) -> None:
    if not _MOBILE.match(phone):
        raise ValidationError(errors.PHONE_FORMAT.format(value=phone), code="phone")


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "*" * len(phone)
