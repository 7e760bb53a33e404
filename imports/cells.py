"""Cells as people write them: full-width digits, 2025年3月1日, Excel date serials, 是/否, codes
that Excel turned into numbers; each read as the writer meant."""

import datetime
import re
import unicodedata

BAD_DATE = "“{value}”不是有效日期，应写成 2025-03-01、2025/3/1 或 2025年3月1日。"
BAD_BOOLEAN = "“{value}”应填“是”或“否”。"
SCIENTIFIC_NUMBER = "“{value}”被 Excel 写成了科学计数法，原数字已丢失；请把该列设为“文本”格式后重新填写。"

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials from 1954 to 2119: wide enough for any date in this registry, narrow enough not to
# mistake a small count or a code for a date.
SERIAL_RANGE = (20_000, 80_000)
TRUE_WORDS = {"是", "有", "已建", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "未建", "n", "no", "false", "0", "×"}
# Spreadsheet programs treat these as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def normalize_text(value) -> str:
    """A cell as text: full-width letters, digits and spaces made half-width, surrounding spaces gone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    return _without_guard(unicodedata.normalize("NFKC", str(value)).strip())


def plain_text(value) -> str:
    """A name: surrounding spaces (also the ideographic one) gone, but its punctuation kept as written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _without_guard(str(value).strip().strip("\u3000").strip())


def _without_guard(text: str) -> str:
    """Drop the apostrophe our csv export puts before formula-looking text, so it imports back unchanged."""
    return text[1:] if text[:1] == "'" and looks_like_formula(text[1:2]) else text


def normalize_header(value) -> str:
    return re.sub(r"\s+", "", normalize_text(value)).lower()


def parse_date(value) -> datetime.date | None:
    """None for a blank cell; raises ValueError with a Chinese message for anything not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(BAD_DATE.format(value=normalize_text(value)))
    text = normalize_text(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 5 and SERIAL_RANGE[0] <= int(text) <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + datetime.timedelta(days=int(text))
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$", text) else text
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(BAD_DATE.format(value=text))


def parse_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = normalize_text(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(BAD_BOOLEAN.format(value=text))


def parse_code(value) -> str:
    """A code as text, upper case; Excel's scientific notation is refused rather than guessed."""
    text = normalize_text(value).upper()
    if _SCIENTIFIC.match(text):
        raise ValueError(SCIENTIFIC_NUMBER.format(value=text))
    return text


# Reading ----------------------------------------------------------------------------------------
#
# Every reader streams the file and keeps only the rows with something in them, each a Row that
# carries the number Excel shows. It stops at the first row, column or cell past the limits. Declared
# dimensions are never read, and blank cells, blank rows and repeat counts cost nothing, so a small
