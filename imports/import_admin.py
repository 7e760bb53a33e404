"""The admin's spreadsheet import, shared by every importer: upload → preview → confirm.

django-import-export runs the flow (temporary storage, confirm form, admin log); our importers
check and write in bulk. The preview shows every error at once next to the new, changed and
unchanged rows, lists columns it did not recognise, and offers the error rows as a spreadsheet
the user can fix and upload again.
"""

import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from import_export.admin import ImportMixin
from import_export.formats.base_formats import Format
from import_export.forms import ImportForm
from import_export.results import Error, Result, RowResult
from import_export.tmp_storages import CacheStorage

from imports.spreadsheets import (
    EMPTY_FILE,
    XLSX_CONTENT_TYPE,
    SpreadsheetError,
    normalize_text,
    read_cells,
    table_xlsx,
)
from imports.uploads import TOO_LARGE, check_upload

PREVIEW_LIMIT = 500
ERROR_FILE_SECONDS = 3600
ERROR_FILE_GONE = "错误行文件已过期，请重新上传原文件。"
UPLOAD_EXPIRED = "上传的文件已过期或找不到，请重新上传。"
CHANGED_ON_CONFIRM = "确认导入时数据已有变化，文件未导入：{first}"
IMPORT_DONE = "导入完成：新增{new}行，修改{update}行，未变{skip}行。"
ROW_NUMBER_HEADER = "原行号"
ERRORS_HEADER = "错误说明"
KIND_LABELS = {"new": "新增", "update": "修改", "skip": "未变", "invalid": "错误"}
IMPORT_TYPES = {
    "new": RowResult.IMPORT_TYPE_NEW,
    "update": RowResult.IMPORT_TYPE_UPDATE,
    "skip": RowResult.IMPORT_TYPE_SKIP,
    "invalid": RowResult.IMPORT_TYPE_INVALID,
}


class SpreadsheetFormat(Format):
    """One format for every upload: the reader tells xlsx, xls, ods and csv apart by their content."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # unused: csv encodings are detected

    def get_title(self):
        return "表格文件（.xlsx、.xls、.ods、.csv）"

    def create_dataset(self, in_stream):
        if in_stream is None:  # the temporary copy between preview and confirm is gone
            raise SpreadsheetError(UPLOAD_EXPIRED)
        cells = read_cells(bytes(in_stream), max_rows=settings.SPREADSHEET_MAX_ROWS_ADMIN)
        if not any(any(normalize_text(cell) for cell in row) for row in cells):
            raise SpreadsheetError(EMPTY_FILE)
        return cells

    def can_import(self):
        return True

    def get_extension(self):
        return "xlsx"


class CheckedImportForm(ImportForm):
    """Size, type and zip-bomb checks before anything parses the file."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.UPLOAD_LIMIT_BYTES:  # refused without reading it
            raise forms.ValidationError(
                TOO_LARGE.format(size=upload.size / 2**20, limit=settings.UPLOAD_LIMIT_BYTES // 2**20)
            )
        content = upload.read()
        upload.seek(0)
        check_upload(content, upload.name)
        return upload


@dataclass
class PreviewRow:
    number: int
    kind: str
    cells: list[tuple[str, str | None]]  # (value, value before the import when it changes)
    raw: list = field(default_factory=list)  # the cells as uploaded, for the error file
    errors: dict[str, list[str]] = field(default_factory=dict)  # header -> messages

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


class PreviewResult(Result):
    """django-import-export's result, plus what our preview template shows, filled in one go."""

    def __init__(self):
        super().__init__()
        self.summary: list[tuple[str, int, str]] = []
        self.unknown_headers: list[str] = []
        self.error_messages: list[str] = []
        self.notes: list[str] = []  # what the import inferred, e.g. an old code mapped to its unit
        self.preview_rows: list[PreviewRow] = []
        self.preview_hidden = 0
        self.error_file: str | None = None

    def refused(self, message: str) -> "PreviewResult":
        self.append_base_error(Error(message))
        return self

    def fill(self, *, headers, rows: list[PreviewRow], unknown_headers, error_messages, user) -> "PreviewResult":
        self.diff_headers = list(headers)
        for row in rows:
            self._append(row)
        self.total_rows = len(rows)
        self.summary = [(KIND_LABELS[kind], sum(1 for r in rows if r.kind == kind), kind) for kind in KIND_LABELS]
        self.unknown_headers, self.error_messages = unknown_headers, error_messages
        order = list(KIND_LABELS)
        shown = sorted(rows, key=lambda row: (order.index(row.kind) if row.kind != "invalid" else -1, row.number))
        self.preview_rows = shown[:PREVIEW_LIMIT]
        self.preview_hidden = len(shown) - len(self.preview_rows)
        if error_messages:
            self.error_file = _store_error_rows(headers, [r for r in rows if r.kind == "invalid"], user)
        return self

    def _append(self, row: PreviewRow) -> None:
        row_result = RowResult()
        row_result.import_type = IMPORT_TYPES[row.kind]
        values = dict(zip(self.diff_headers, (value for value, _before in row.cells), strict=True))
        row_result.row_values = values
        if row.kind == "invalid":
            self.append_invalid_row(row.number, values, _validation_error(row.errors))
        self.append_row_result(row_result)
        self.increment_row_result_total(row_result)


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name that every browser keeps."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _validation_error(errors: dict[str, list[str]]) -> ValidationError:
    return ValidationError({header or "其他": messages for header, messages in errors.items()})


def _store_error_rows(headers, rows: list[PreviewRow], user) -> str:
    """The invalid rows as the user wrote them, with what is wrong, as an .xlsx kept for an hour for her only."""
    lines = []
    for row in rows:
        explanation = "；".join(f"{h}：{m}" if h else m for h, messages in row.errors.items() for m in messages)
        lines.append([row.number, *row.raw, explanation])
    content = table_xlsx("错误行", [ROW_NUMBER_HEADER, *headers, ERRORS_HEADER], lines)
    token = uuid.uuid4().hex
    cache.set(f"import-errors:{token}", (getattr(user, "pk", None), content), ERROR_FILE_SECONDS)
    return token


def _owner_key(import_file_name: str) -> str:
    return f"import-upload-owner:{import_file_name}"


class SpreadsheetImportMixin(ImportMixin):
    """ImportMixin with our format, checks, Chinese messages, preview and error-row download."""

    import_form_class = CheckedImportForm
    import_formats = [SpreadsheetFormat]
    import_template_name = "admin/spreadsheet_import.html"
    tmp_storage_class = "import_export.tmp_storages.CacheStorage"
    # Our change-list templates link to 导入 themselves; import-export's wrapper would add a second link.
    import_export_change_list_template = None
    skip_admin_log = True  # history records every write already

    def get_urls(self):
        errors = path(
            "import/errors/<str:token>/",
            self.admin_site.admin_view(self.import_errors_view),
            name=self._url_name("import_errors"),
        )
        return [errors, *super().get_urls()]

    def _url_name(self, suffix: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{suffix}"

    def import_errors_view(self, request, token):
        if not self.has_import_permission(request):
            raise PermissionDenied
        stored = cache.get(f"import-errors:{token}")
        if stored is None or stored[0] != request.user.pk:
            raise Http404(ERROR_FILE_GONE)
        return file_response(stored[1], "错误行.xlsx", XLSX_CONTENT_TYPE)

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", str(e) if isinstance(e, SpreadsheetError) else f"无法读取文件：{e}")

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_columns"] = self.import_columns
        context["errors_url_name"] = "admin:" + self._url_name("import_errors")
        return context

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            IMPORT_DONE.format(
                new=totals[RowResult.IMPORT_TYPE_NEW],
                update=totals[RowResult.IMPORT_TYPE_UPDATE],
                skip=totals[RowResult.IMPORT_TYPE_SKIP],
            ),
        )

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if initial.get("import_file_name"):
            cache.set(_owner_key(initial["import_file_name"]), request.user.pk, CacheStorage.CACHE_LIFETIME)
        return initial

    def process_import(self, request, **kwargs):
        # Another user's upload is as missing as an expired one: its name alone must not let her read
        # its rows (in the errors) or write them under her own scope.
        # (Without the permission, or by GET, import-export's own answer stands: 403, 405.)
        name = request.POST.get("import_file_name", "")
        others = name and cache.get(_owner_key(name)) != request.user.pk
        if request.method == "POST" and others and self.has_import_permission(request):
            messages.error(request, UPLOAD_EXPIRED)
            return HttpResponseRedirect(reverse("admin:" + self._url_name("import")))
        try:
            return super().process_import(request, **kwargs)
        except SpreadsheetError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("admin:" + self._url_name("import")))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirm; nothing was written.
            found = result.error_messages or [str(e.error) for e in result.base_errors]
            messages.error(request, CHANGED_ON_CONFIRM.format(first="；".join(found[:5])))
            return HttpResponseRedirect(reverse("admin:" + self._url_name("import")))
        return super().process_result(result, request)
