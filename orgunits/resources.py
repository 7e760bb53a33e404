"""django-import-export glue for unit and officer spreadsheets.

The admin gets django-import-export's upload → preview → confirm flow, but rows are checked and
written by rosters.officers in bulk, so the preview costs what the import costs (milliseconds per
hundred rows) and a file with any bad row writes nothing.
"""

from django.core.exceptions import ValidationError
from import_export import resources
from import_export.results import Result

from access.scope import Scope
from imports.audit import audit_source
from imports.import_admin import PreviewRow, base_error, fill_result
from imports.spreadsheets import SpreadsheetError, find_table, plain_text
from orgunits import unit_import
from orgunits.models import OrgUnit
from rosters.models import Appointment
from rosters.officers import COLUMNS, check_rows, rows_from_cells, write


class OfficerResource(resources.ModelResource):
    class Meta:
        model = Appointment
        fields = ()
        name = "人员任职表"

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        result = Result()
        try:
            rows = rows_from_cells(dataset)
        except SpreadsheetError as exc:
            return base_error(result, str(exc))
        user = kwargs.get("user")
        report = check_rows(rows, scope=Scope.for_user(user) if user is not None else None)
        fill_result(
            result,
            headers=[header for _field, header in COLUMNS],
            rows=[
                PreviewRow(
                    number=outcome.number,
                    kind=outcome.kind,
                    cells=[
                        (_shown(outcome.values.get(field)), outcome.changes.get(header)) for field, header in COLUMNS
                    ],
                    raw=[outcome.values.get(field) for field, _header in COLUMNS],
                    errors=dict(outcome.errors),
                )
                for outcome in report.rows
            ],
            unknown_headers=getattr(rows, "unknown_headers", []),
            error_messages=report.messages(),
            user=user,
        )
        if report.valid and not dry_run:
            with audit_source(f"导入 {kwargs.get('file_name') or '文件'}"):
                write(report)
        return result


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


class UnitResource(resources.ModelResource):
    """Unit spreadsheets: checked and written by orgunits.unit_import, rows in any order."""

    class Meta:
        model = OrgUnit
        fields = ()
        name = "单位表"

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        result = Result()
        try:
            table = find_table(dataset, unit_import.COLUMNS)
        except SpreadsheetError as exc:
            return base_error(result, str(exc))
        user = kwargs.get("user")
        plan = unit_import.check_table(table, scope=Scope.for_user(user) if user is not None else None)
        headers = [column.header for column in table.columns]
        rows = [
            PreviewRow(
                number=row.number,
                kind=row.kind,
                cells=[
                    (_cell_text(row.raw.get(c.field)), row.changes.get(c.header, (None,))[0]) for c in table.columns
                ],
                raw=[row.raw.get(column.field) for column in table.columns],
                errors=dict(row.errors),
            )
            for row in plan.rows
        ]
        fill_result(
            result,
            headers=headers,
            rows=rows,
            unknown_headers=table.unknown_headers,
            error_messages=plan.messages(),
            user=user,
        )
        if plan.valid and not dry_run:
            try:
                with audit_source(f"导入 {kwargs.get('file_name') or '文件'}"):
                    unit_import.write(plan)
            except ValidationError as exc:  # a move the checks could not foresee; nothing was written
                return base_error(Result(), "；".join(exc.messages))
        return result


def _cell_text(value) -> str:
    """A cell as the user wrote it, so she recognises her row."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return plain_text(value)
