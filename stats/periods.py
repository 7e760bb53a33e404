"""Statistical periods as a small value type: a year, a quarter, a month, or the months of a year so
far ("1–9月", cumulative), each compared with the same span one year earlier (上年同期).

Stored as canonical text that names the span: "2023", "2023Q3", "2023-09", "2023-01~09". A quarter
that starts in January is also "1–3月": one span, one text. Callers go through Period (parse, str,
label, previous, start, end).
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from stats import errors

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4}
_DASH = r"\s*[-–—~～至到]\s*"
_FORMS = [
    (re.compile(r"^(\d{4})\s*年?$"), lambda y: (y, 1, 12)),
    (re.compile(r"^(\d{4})\s*Q([1-4])$", re.I), lambda y, q: (y, 3 * q - 2, 3 * q)),
    (re.compile(r"^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$"), lambda y, q: (y, 3 * q - 2, 3 * q)),
    (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"), lambda y, m: (y, m, m)),
    (re.compile(rf"^(\d{{4}})\s*[-/.年]?\s*0?1{_DASH}(\d{{1,2}})\s*月?$"), lambda y, m: (y, 1, m)),
]
_QUARTER_WORDS = "一二三四"
YEAR_TEXT = r"^[0-9]{4}$"  # the stored text of a whole year, for lookups that want yearly figures only


def _number(text: str) -> int:
    return _NUMERALS.get(text) or int(text)


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int = 1
    last_month: int = 12

    def __post_init__(self):
        if not 1 <= self.first_month <= self.last_month <= 12:
            raise ValidationError(errors.PERIOD_MONTHS.format(first=self.first_month, last=self.last_month))
        if self.first_month != 1 and self.first_month != self.last_month and not self.is_quarter:
            raise ValidationError(errors.PERIOD_MONTHS.format(first=self.first_month, last=self.last_month))

    @classmethod
    def parse(cls, text: "str | int | Period") -> "Period":
        if isinstance(text, Period):
            return text
        cleaned = str(text).strip()
        for pattern, build in _FORMS:
            match = pattern.match(cleaned)
            if match:
                return cls(*build(*(_number(group) for group in match.groups())))
        raise ValidationError(errors.PERIOD_FORMAT.format(text=text), code="period_format")

    @classmethod
    def containing(cls, day: datetime.date) -> "Period":
        return cls(day.year)

    @property
    def is_year(self) -> bool:
        return (self.first_month, self.last_month) == (1, 12)

    @property
    def is_quarter(self) -> bool:
        return self.last_month - self.first_month == 2 and self.first_month % 3 == 1

    @property
    def is_month(self) -> bool:
        return self.first_month == self.last_month

    def __str__(self) -> str:
        if self.is_year:
            return f"{self.year:04d}"
        if self.is_quarter:
            return f"{self.year:04d}Q{self.last_month // 3}"
        if self.is_month:
            return f"{self.year:04d}-{self.last_month:02d}"
        return f"{self.year:04d}-01~{self.last_month:02d}"

    @property
    def label(self) -> str:
        """As reports write it: 2023年, 2023年第三季度, 2023年9月, 2023年1–9月."""
        if self.is_year:
            return f"{self.year}年"
        if self.is_quarter:
            return f"{self.year}年第{_QUARTER_WORDS[self.last_month // 3 - 1]}季度"
        if self.is_month:
            return f"{self.year}年{self.last_month}月"
        return f"{self.year}年1–{self.last_month}月"

    @property
    def span_label(self) -> str:
        """The span without its year (全年, 第三季度, 9月, 1–9月), for 上年同期 sentences."""
        return self.label.removeprefix(f"{self.year}年") or "全年"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def span_code(self) -> str:
        """The span as period_of takes it: "" (the year), "Q3", "C9" (1–9月) or "M9"."""
        if self.is_year:
            return ""
        if self.is_quarter:
            return f"Q{self.last_month // 3}"
        return f"M{self.last_month}" if self.is_month else f"C{self.last_month}"

    def previous(self) -> "Period":
        """The same span one year earlier (上年同期)."""
        return Period(self.year - 1, self.first_month, self.last_month)


SPAN_CHOICES = [("", "全年")]
SPAN_CHOICES += [(f"Q{q}", f"第{_QUARTER_WORDS[q - 1]}季度") for q in range(1, 5)]
SPAN_CHOICES += [(f"C{m}", f"1–{m}月") for m in range(2, 12) if m != 3]  # 1–3月 is the first quarter
SPAN_CHOICES += [(f"M{m}", f"{m}月") for m in range(1, 13)]


def period_of(year: int, span: str = "") -> Period:
    """A year and a span of SPAN_CHOICES: "" the year, "Q3" a quarter, "C9" months 1–9, "M9" September."""
    if not span:
        return Period(year)
    number = int(span[1:])
    if span[0] == "Q":
        return Period(year, 3 * number - 2, 3 * number)
    return Period(year, 1, number) if span[0] == "C" else Period(year, number, number)


class PeriodField(models.CharField):
    """Stores a Period as its canonical text ("2023"), which sorts in time order."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 16:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else Period.parse(value)

    def to_python(self, value):
        if value is None or value == "":
            return None
        return Period.parse(value)

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        return str(Period.parse(value))

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)
