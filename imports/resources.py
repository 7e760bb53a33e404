"""The one django-import-export adapter: any importer in the admin's upload → preview → confirm flow.

django-import-export keeps the upload between preview and confirm and draws the confirm form; the
importer checks and writes in bulk, so the preview costs what the import costs and a file with any
bad row writes nothing.
"""

from django.core.exceptions import ValidationError
from import_export import resources

from imports.audit import audit_source
from imports.errors import SpreadsheetError
from imports.import_admin import PreviewResult, PreviewRow
from imports.pipeline import Importer


class ImporterResource(resources.Resource):
    """Subclasses name their `importer_class` and how a user becomes a scope (`scope_for_user`)."""

    importer_class: type[Importer] = Importer
    scope_for_user = None

    @classmethod
    def get_display_name(cls):
        return cls._meta.name or cls.__name__

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        importer = self.importer_class()
        try:
            table = importer.read(dataset)
        except SpreadsheetError as exc:
            return PreviewResult().refused(str(exc))
        user = kwargs.get("user")
        plan = importer.plan(table, scope=self.scope_for_user(user) if user is not None else None)
        result = PreviewResult().fill(
            headers=[column.header for column in plan.columns],
            rows=[self.preview_row(importer, plan, row) for row in plan.rows],
            unknown_headers=plan.unknown_headers,
            error_messages=plan.messages(),
            user=user,
        )
        result.notes = plan.notes()
        if plan.valid and not dry_run:
            try:
                with audit_source(f"导入 {kwargs.get('file_name') or '文件'}"):
                    importer.write(plan)
            except ValidationError as exc:  # a conflict the checks could not foresee; nothing was written
                return PreviewResult().refused("；".join(exc.messages))
        return result

    @staticmethod
    def preview_row(importer: Importer, plan, row) -> PreviewRow:
        return PreviewRow(
            number=row.number,
            kind=row.kind,
            cells=[importer.shown(row, column) for column in plan.columns],
            raw=[row.raw.get(column.field) for column in plan.columns],
            errors=dict(row.errors),
        )
