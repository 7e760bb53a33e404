"""Cells the activity and honour imports read alike: the unit by its code on the row's date, and a
dated or counted cell with its Chinese error."""

import datetime

from django.core.exceptions import ValidationError

from access.scope import OUT_OF_SCOPE
from imports.errors import REQUIRED_VALUE, UNKNOWN_UNIT
from imports.pipeline import PlannedRow
from imports.spreadsheets import normalize_text
from orgunits.models import OrgUnit
from orgunits.old_codes import CodeLookup


def unit_cell(row: PlannedRow, header: str, units: CodeLookup, scope, on: datetime.date | None) -> OrgUnit | None:
    """The unit the row's code meant on `on` (former codes included), if she may add to it.

    A unit outside her scope reads exactly like a code that does not exist."""
    code = normalize_text(row.raw.get("unit_code")).upper()
    if not code:
        row.errors[header].append(REQUIRED_VALUE)
        return None
    unit, note = units.unit_on(code, on)
    if unit is not None and scope is not None and not scope.can_view(unit):
        unit = None
    if unit is None:
        row.errors[header].append(UNKNOWN_UNIT.format(code=code))
        return None
    if scope is not None and not scope.can_edit(unit):
        row.errors[header].append(OUT_OF_SCOPE.format(unit=unit.name))
        return None
    if note:
        row.notes[header].append(note)
    return unit


def parsed_cell(row: PlannedRow, name: str, header: str, parse, bad: str, *, required: bool = False):
    """The cell `name` parsed, or None with `bad` (unreadable) or REQUIRED_VALUE (blank) under `header`."""
    try:
        value = parse(row.raw.get(name))
    except (ValueError, ValidationError):
        row.errors[header].append(bad)
        return None
    if value is None and required:
        row.errors[header].append(REQUIRED_VALUE)
    return value
