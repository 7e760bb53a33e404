"""The generated text of a report as the user hands it in: her own paragraphs in place of generated ones
(a draft's `edits`), and the text a final report keeps so that it reads the same whatever the code later
writes.

An edit is stored by its paragraph's key with the generated text it replaced; when the figures move and
the generated text changes, the edit is kept and marked stale, so the user knows to look at it again.
"""

from reports import sections_v2
from reports.charts import Chart
from reports.narrative import generated_sections
from reports.sections.common import DocSection, Paragraph
from stats.tables import Cell, Table

DOCUMENT_KEYS = ("key", "title", "paragraphs", "tables", "charts")


def edit_of(text: str, generated: str) -> dict:
    return {"text": text, "generated": generated}


def with_edits(sections: list[DocSection], edits: dict) -> list[DocSection]:
    """The sections with each edited paragraph replaced by the user's text, marked, stale when the
    generated text is no longer the one she replaced."""
    for section in sections:
        section.paragraphs = [_edited(paragraph, edits.get(paragraph.key)) for paragraph in section.paragraphs]
    return sections


def _edited(paragraph: Paragraph, edit: dict | None) -> Paragraph:
    if not edit:
        return paragraph
    return Paragraph(paragraph.key, edit["text"], edited=True, stale=edit["generated"] != paragraph.text)


def generated_paragraph(sections: list[DocSection], key: str) -> Paragraph | None:
    return next((p for section in sections for p in section.paragraphs if p.key == key), None)


# ---------------------------------------------------------------- the text a final report keeps


def document_data(sections: list[DocSection]) -> list[dict]:
    """Plain JSON of the generated sections as shown: paragraphs, tables and charts."""
    return [
        {
            "key": section.key,
            "title": section.title,
            "paragraphs": [[p.key, p.text, p.edited] for p in section.paragraphs],
            "tables": [[caption, _table_data(table)] for caption, table in section.tables],
            "charts": [
                [chart.title, chart.labels, chart.values, chart.suffix, chart.maximum] for chart in section.charts
            ],
        }
        for section in sections
    ]


def _table_data(table: Table) -> dict:
    return {"headers": table.headers, "rows": [[[cell.text, cell.unit_id] for cell in row] for row in table.rows]}


def sections_from_data(data: list[dict]) -> list[DocSection]:
    sections = []
    for item in data:
        section = DocSection(item["key"], item["title"])
        section.paragraphs = [Paragraph(key, text, edited=edited) for key, text, edited in item["paragraphs"]]
        section.tables = [(caption, _table(table)) for caption, table in item["tables"]]
        section.charts = [Chart(*chart) for chart in item["charts"]]
        sections.append(section)
    return sections


def _table(data: dict) -> Table:
    rows = [[Cell(text, unit_id=unit_id) for text, unit_id in row] for row in data["rows"]]
    return Table(data["headers"], rows)


# ---------------------------------------------------------------- which text a report shows


def report_sections(figures, *, snapshot: dict | None = None, edits: dict | None = None) -> list[DocSection]:
    """A final report's text as it keeps it (reports frozen before the text was kept: as the rules of
    their time wrote it); a draft's generated text with the user's edits."""
    if snapshot is not None:
        stored = snapshot.get("document")
        return sections_from_data(stored) if stored is not None else sections_v2.generated_sections(figures)
    return with_edits(generated_sections(figures), edits or {})
