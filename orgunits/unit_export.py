"""Units as a spreadsheet in the import layout, so that an exported file imports back unchanged."""

from orgunits.models import OrgForm, OrgUnit
from orgunits.unit_import import COLUMNS, DATE_FIELDS

ANSWER_OF_ELIGIBILITY = {OrgUnit.Eligibility.INCLUDED: "是", OrgUnit.Eligibility.EXCLUDED: "否"}


def export_rows(units) -> tuple[list[str], list[list]]:
    """Header and rows in the import layout; parents by code, so the file imports back unchanged."""
    headers = [column.header for column in COLUMNS]
    units = list(units)
    parents = OrgUnit.objects.only("code", "path", "depth").parents_of(units)
    rows = []
    for unit in units:
        rows.append(
            [
                unit.code,
                unit.name,
                unit.kind.name,
                parents[unit.pk].code if parents[unit.pk] else "",
                *(getattr(unit, name) for name in DATE_FIELDS),
                str(OrgForm(unit.org_form).label) if unit.org_form else "",
                ANSWER_OF_ELIGIBILITY.get(unit.eligibility, ""),
            ]
        )
    return headers, rows
