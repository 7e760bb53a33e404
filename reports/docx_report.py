"""A survey report as a Word document (python-docx): title, unit and date line, headings 一、二、…,
the paragraphs, real tables with a header row, charts as PNG images.

python-docx's Font.name writes only w:ascii/w:hAnsi, so Chinese text would fall back to the
template's East Asian font (MS Mincho). Every style used here gets w:eastAsia set explicitly, and the
theme-font attributes that would override it are removed. The page layout (table widths, landscape
pages, page numbers, the plain title) is reports.docx_layout.
"""

import io
import logging

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.charts import png
from reports.docx_layout import (
    TABLE_FONT_SIZE,
    add_page_numbers,
    keep_rows_whole,
    no_wrap,
    plain_style,
    set_page,
    size_table,
    table_plan,
    text_width,
    turn_page,
    unbreakable,
)
from reports.survey_document import SurveyDocument

logger = logging.getLogger(__name__)

# style name -> (East Asian font, Latin font, size in points, bold)
STYLE_FONTS = {
    "Normal": ("仿宋", "Times New Roman", 14, False),
    "Title": ("黑体", "Times New Roman", 20, True),
    "Subtitle": ("楷体", "Times New Roman", 14, False),
    "Heading 1": ("黑体", "Times New Roman", 16, False),
    "Heading 2": ("楷体", "Times New Roman", 14, True),
    "Caption": ("黑体", "Times New Roman", 11, False),
    "Table Grid": ("宋体", "Times New Roman", TABLE_FONT_SIZE, False),
}
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_style_font(style, east_asian: str, latin: str, size: float, bold: bool) -> None:
    style.font.name = latin
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _styled_document(with_charts: bool = True) -> Document:
    document = Document()
    for name, (east_asian, latin, size, bold) in STYLE_FONTS.items():
        set_style_font(document.styles[name], east_asian, latin, size, bold)
        plain_style(document.styles[name])
    set_page(document.sections[0], landscape=False)
    add_page_numbers(document.sections[0])
    normal = document.styles["Normal"].paragraph_format
    normal.line_spacing = Pt(28)
    normal.space_after = Pt(0)
    return document


def survey_docx(doc: SurveyDocument, *, charts: bool = True) -> bytes:
    document = _styled_document()
    title = document.add_paragraph(doc.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line = document.add_paragraph(doc.date_line, style="Subtitle")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in doc.sections:
        turn_page(document, landscape=False)
        document.add_paragraph(section.heading, style="Heading 1")
        for paragraph in section.paragraphs:
            _body(document, paragraph.text)
        for block in section.blocks:
            _body(document, block.text)
        for caption, table in section.tables:
            _table(document, caption, table)
        if charts and section.charts:
            turn_page(document, landscape=False)
            for chart in section.charts:
                image = png(chart)
                if image is None:
                    break
                document.add_picture(io.BytesIO(image), width=Cm(15))
                picture = document.paragraphs[-1]
                picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                picture.paragraph_format.line_spacing = 1.0  # the body's exact 28 pt would clip the image
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _body(document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(28)


def _table(document, caption: str, table) -> None:
    headers, rows = table.headers, [[value.text for value in cells] for cells in table.rows]
    landscape, parts = table_plan(headers, rows, text_width(landscape=False), text_width(landscape=True))
    turn_page(document, landscape=landscape)
    for number, part in enumerate(parts):
        label = document.add_paragraph(caption if number == 0 else f"{caption}（续表）", style="Caption")
        label.alignment = WD_ALIGN_PARAGRAPH.CENTER
        label.paragraph_format.keep_with_next = True
        pick = part.columns
        _grid(document, [headers[i] for i in pick], [[row[i] for i in pick] for row in rows], part.widths)


def _grid(document, headers: list[str], rows: list[list[str]], widths: list[int]) -> None:
    grid = document.add_table(rows=1 + len(rows), cols=len(headers), style="Table Grid")
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True)
    for row, cells in zip(grid.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            _cell(cell, text)
    size_table(grid, widths)
    keep_rows_whole(grid)
    for row in grid.rows[1:]:
        for cell in row.cells:
            if unbreakable(cell.text):
                no_wrap(cell)


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.first_line_indent = None
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(STYLE_FONTS["Table Grid"][2])
