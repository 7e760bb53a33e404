"""django-import-export glue for officer spreadsheets.

The admin gets django-import-export's upload → preview → confirm flow, but rows are checked and
written by orgunits.officers in bulk, so the preview costs what the import costs (milliseconds per
hundred rows) and a file with any bad row writes nothing.
"""

from django.core.exceptions import ValidationError
from import_export import resources
from import_export.results import Error, Result, RowResult

from orgunits.models import Appointment
from orgunits.officers import COLUMNS, SpreadsheetError, check_rows, rows_from_dataset, write
from orgunits.scope import Scope
from registry.audit import audit_source

IMPORT_TYPES = {
    "new": RowResult.IMPORT_TYPE_NEW,
    "update": RowResult.IMPORT_TYPE_UPDATE,
    "skip": RowResult.IMPORT_TYPE_SKIP,
    "invalid": RowResult.IMPORT_TYPE_INVALID,
}


class OfficerResource(resources.ModelResource):
    class Meta:
        model = Appointment
        fields = ()
        name = "人员任职表"

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        result = Result()
        headers = [header for _field, header in COLUMNS]
        result.diff_headers = headers
        try:
            rows = rows_from_dataset(dataset)
        except SpreadsheetError as exc:
            result.append_base_error(Error(exc))
            return result
        user = kwargs.get("user")
        report = check_rows(rows, scope=Scope.for_user(user) if user is not None else None)
        for outcome in report.rows:
            values = [_shown(outcome.values.get(field)) for field, _header in COLUMNS]
            row = RowResult()
            row.import_type = IMPORT_TYPES[outcome.kind]
            row.row_values = dict(zip(headers, values, strict=True))
            if outcome.errors:
                result.append_invalid_row(outcome.number, row.row_values, ValidationError(dict(outcome.errors)))
            else:
                row.diff = values
                row.instance = outcome.appointment
            result.append_row_result(row)
            result.increment_row_result_total(row)
        result.total_rows = len(report.rows)
        if report.valid and not dry_run:
            with audit_source(f"导入 {kwargs.get('file_name') or '文件'}"):
                write(report)
            for row, outcome in zip(result.rows, report.rows, strict=True):
                row.add_instance_info(outcome.appointment)
        return result


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
