"""Statistical periods as a small value type.

Only whole years exist today. Callers go through Period (parse, str, previous, dates), so
quarters or "1–9月" can be added here without touching them.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from stats import errors

_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int

    @classmethod
    def parse(cls, text: "str | int | Period") -> "Period":
        if isinstance(text, Period):
            return text
        match = _YEAR.match(str(text))
        if not match:
            raise ValidationError(errors.PERIOD_FORMAT.format(text=text), code="period_format")
        return cls(int(match.group(1)))

    @classmethod
    def containing(cls, day: datetime.date) -> "Period":
        return cls(day.year)

    def __str__(self) -> str:
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        return f"{self.year}年"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def previous(self) -> "Period":
        """The same span one year earlier."""
        return Period(self.year - 1)


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
