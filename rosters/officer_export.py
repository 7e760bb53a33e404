"""Rosters written out in the officer import's layout, to be edited and imported back."""

from imports.spreadsheets import table_xlsx
from rosters.identity import mask_id_number, mask_phone
from rosters.officers import COLUMNS


def export_rows(appointments, *, reveal_personal_data: bool) -> tuple[list[str], list[list]]:
    """Header and rows in the import layout; identity numbers and phones masked unless revealed."""
    headers = [header for _name, header in COLUMNS]
    rows = []
    for a in appointments:
        person = a.person
        rows.append(
            [
                person.name,
                person.get_sex_display(),
                person.birth_date,
                person.ethnicity,
                person.education,
                person.political_status,
                person.phone if reveal_personal_data else mask_phone(person.phone),
                (person.id_number or "") if reveal_personal_data else mask_id_number(person.id_number),
                a.unit.code,
                a.post.name,
                a.start_on,
                a.end_on,
                a.get_mode_display(),
                "、".join(role.name for role in a.concurrent_roles.all()),
            ]
        )
    return headers, rows


def export_xlsx(appointments, *, reveal_personal_data: bool) -> bytes:
    """The roster as an .xlsx in the import layout, to be edited and imported back; never a formula in it."""
    headers, rows = export_rows(appointments, reveal_personal_data=reveal_personal_data)
    return table_xlsx("任职", headers, rows)
