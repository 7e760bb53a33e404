"""Reading an answer as she would: a page, a JSON list, or a downloaded spreadsheet, CSV or Word file."""

import io
import json

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def content_type(response) -> str:
    return response.get("Content-Type", "").split(";")[0].strip()


def spreadsheet_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = []
    for sheet in book.worksheets:
        rows.extend(["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True))
    book.close()
    return rows


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def response_text(response) -> str:
    """Everything the answer shows, whatever its type; an unknown type fails, so nothing goes unread."""
    kind = content_type(response)
    if kind in ("text/html", "text/plain", "text/csv", "application/json"):
        return response.content.decode("utf-8", "replace")
    if kind == XLSX:
        return "\n".join("\t".join(row) for row in spreadsheet_rows(response.content))
    if kind == DOCX:
        return docx_text(response.content)
    if not response.content:
        return ""
    raise AssertionError(f"the sweep cannot read {kind!r}")


def data_rows(response) -> list:
    """The rows of a list the answer holds, headers left out: autocomplete results, export rows."""
    kind = content_type(response)
    if kind == "application/json":
        return json.loads(response.content)["results"]
    if kind == XLSX:
        return [row for row in spreadsheet_rows(response.content)[1:] if any(row)]
    if kind == "text/csv":
        return [line for line in response.content.decode("utf-8-sig").splitlines()[1:] if line.strip(",")]
    raise AssertionError(f"no rows to read in {kind!r}")


def without_fixed_text(text: str) -> str:
    """The page without the admins' fixed search hints, which give a city code as an example."""
    from django.contrib import admin

    for model_admin in admin.site._registry.values():
        if model_admin.search_help_text:
            text = text.replace(str(model_admin.search_help_text), "")
    return text
