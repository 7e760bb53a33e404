"""django-import-export glue for statistics spreadsheets (long or wide), checked and written in bulk."""

from import_export import resources
from import_export.results import Result

from access.scope import Scope
from imports.audit import audit_source
from imports.import_admin import PreviewRow, base_error, fill_result
from imports.spreadsheets import SpreadsheetError, normalize_text
from stats import stats_import
from stats.models import DataValue


class StatsResource(resources.ModelResource):
    class Meta:
        model = DataValue
        fields = ()
        name = "统计数据表"

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        result = Result()
        try:
            shape, table = stats_import.read_table(dataset)
        except SpreadsheetError as exc:
            return base_error(result, str(exc))
        user = kwargs.get("user")
        plan = stats_import.check_table(shape, table, scope=Scope.for_user(user) if user is not None else None)
        fill_result(
            result,
            headers=[column.header for column in table.columns],
            rows=[
                PreviewRow(
                    number=row.number,
                    kind=row.kind,
                    cells=[(normalize_text(row.raw.get(c.field)), row.changes.get(c.header)) for c in table.columns],
                    raw=[row.raw.get(column.field) for column in table.columns],
                    errors=dict(row.errors),
                )
                for row in plan.rows
            ],
            unknown_headers=table.unknown_headers,
            error_messages=plan.messages(),
            user=user,
        )
        if plan.valid and not dry_run:
            with audit_source(f"导入 {kwargs.get('file_name') or '文件'}"):
                stats_import.write(plan)
        return result
