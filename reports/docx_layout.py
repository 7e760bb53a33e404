"""The page layout of the survey report's Word file, as an official document (公文) is laid out.

Tables are sized from their content, so that a number such as "17/21（81%）" never breaks across
lines: each column is as wide as its widest cell at the table's font size, header text may wrap.
LibreOffice and Word size an automatic table differently, so the widths are written out in full (the
grid, every cell, fixed layout). A table too wide for the portrait page goes on a landscape page of
its own; one too wide for that too is split by columns into tables that each repeat the first (name)
column, the later ones captioned （续表）.

Pages are numbered "— 1 —" in the middle of the footer, 4号 宋体 between two 一字线 (GB/T 9704).
"""

import re
from dataclasses import dataclass
from itertools import pairwise

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from imports.writers import display_width

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
# The same margins on landscape pages: the footer and the binding edge stay where they were.
TOP, BOTTOM, LEFT, RIGHT = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
FOOTER_DISTANCE = Cm(2.2)  # the page number about 7 mm below the text block
TWIPS_PER_EMU = 1 / 635

TABLE_FONT_SIZE = 10.5
CELL_MARGINS = 2 * 108  # twips: the left and right w:tblCellMar of the Table Grid style
SLACK = 60  # twips: the borders, rounding, and a substituted font's slightly wider glyphs
HEADER_MIN_EM = 4  # a header may wrap, but keeps four characters to a line
TEXT_MIN_EM = 6  # so may a name or other text without figures
LONG_TEXT_EM = 12  # text this long may wrap even with figures in it
AUTOSPACE_EM = 0.25
# Glyphs wider than half an em in Times New Roman (and its stand-in Liberation Serif), which
# display_width counts as one column; the rest of Latin text is at most half an em.
WIDE_GLYPHS = {"%": 0.84, "—": 1.0, "…": 1.0, "−": 0.6, "M": 0.9, "W": 0.95, "m": 0.78, "w": 0.72}
FIGURE = re.compile(r"\d")

PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE = "宋体", 14
DASH = "—"


def text_em(text: str) -> float:
    """The width of the text in ems: Chinese characters one, most Latin characters and digits half,
    and a quarter between Chinese and Latin or figures, where Word and LibreOffice add a little space
    (w:autoSpaceDE, w:autoSpaceDN: on by default)."""
    glyphs = sum(WIDE_GLYPHS.get(char, 0.72 if char.isupper() else display_width(char) / 2) for char in text)
    return glyphs + AUTOSPACE_EM * sum(_script_change(a, b) for a, b in pairwise(text))


def _script_change(left: str, right: str) -> bool:
    def latin(char):
        return char.isascii() and char.isalnum()

    def ideograph(char):
        return display_width(char) == 2 and char.isalpha()

    return (latin(left) and ideograph(right)) or (ideograph(left) and latin(right))


def cell_twips(em: float) -> int:
    return round(em * TABLE_FONT_SIZE * 20) + CELL_MARGINS + SLACK


def unbreakable(text: str) -> bool:
    """Figures ("17/21（81%）", "33个", "+1", "第2镇") stay on one line."""
    return bool(FIGURE.search(text)) and text_em(text) <= LONG_TEXT_EM


@dataclass(frozen=True)
class Column:
    """Three widths in twips, each at least the one before: the narrowest the column may get (figures
    whole, text and header wrapped), every body cell on one line (the header may wrap), and every
    cell on one line."""

    minimum: int
    body: int
    natural: int

    @property
    def tiers(self) -> tuple[int, int, int]:
        return self.minimum, self.body, self.natural


def measure_column(header: str, cells: list[str]) -> Column:
    header_em, cell_ems = text_em(header), [text_em(text) for text in cells]
    minimum = min(header_em, HEADER_MIN_EM)
    for text, em in zip(cells, cell_ems, strict=True):
        minimum = max(minimum, em if unbreakable(text) else min(em, TEXT_MIN_EM))
    body = max([minimum, *cell_ems])
    return Column(cell_twips(minimum), cell_twips(body), cell_twips(max(body, header_em)))


def measure_columns(headers: list[str], rows: list[list[str]]) -> list[Column]:
    return [measure_column(header, [row[i] for row in rows]) for i, header in enumerate(headers)]


def fits(columns: list[Column], available: int) -> bool:
    return sum(column.minimum for column in columns) <= available


def fitted_widths(columns: list[Column], available: int) -> list[int]:
    """The full text width: when every cell fits on one line, the room left shared by width;
    otherwise the widest tier that fits, and the room left shared towards the next tier by how much
    more each column would like. Too wide even at the minimum (only a name column and one other that
    do not fit the page): the minimum, over the margin rather than figures broken."""
    naturals = [column.natural for column in columns]
    if sum(naturals) <= available:
        return _spread(naturals, [float(width) for width in naturals], available)
    for lower_tier in (1, 0):
        lower = [column.tiers[lower_tier] for column in columns]
        if sum(lower) <= available:
            wishes = [float(column.tiers[lower_tier + 1] - width) for column, width in zip(columns, lower, strict=True)]
            return _spread(lower, wishes, available)
    return [column.minimum for column in columns]


def _spread(widths: list[int], weights: list[float], available: int) -> list[int]:
    room, total = max(available - sum(widths), 0), sum(weights)
    if not total:
        weights, total = [1.0] * len(widths), float(len(widths))
    return [width + int(room * weight / total) for width, weight in zip(widths, weights, strict=True)]


@dataclass(frozen=True)
class TablePart:
    columns: list[int]  # indexes into the table's columns; the first one in every part
    widths: list[int]  # twips


def column_groups(columns: list[Column], available: int) -> list[list[int]]:
    """The fewest runs of the other columns, evenly sized, that fit beside the first column."""
    rest = list(range(1, len(columns)))
    for count in range(1, len(rest) + 1):
        size = -(-len(rest) // count)
        groups = [[0, *rest[start : start + size]] for start in range(0, len(rest), size)]
        if all(fits([columns[i] for i in group], available) for group in groups):
            return groups
    return [[0, index] for index in rest]


def table_plan(
    headers: list[str], rows: list[list[str]], portrait: int, landscape: int
) -> tuple[bool, list[TablePart]]:
    """Landscape or not, and the tables to write: one, or the parts of a table split by columns."""
    columns = measure_columns(headers, rows)
    for wide, available in ((False, portrait), (True, landscape)):
        if fits(columns, available):
            return wide, [TablePart(list(range(len(columns))), fitted_widths(columns, available))]
    groups = column_groups(columns, portrait)
    return False, [TablePart(group, fitted_widths([columns[i] for i in group], portrait)) for group in groups]


def set_page(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = FOOTER_DISTANCE


def text_width(*, landscape: bool) -> int:
    """Twips between the margins."""
    page = PAGE_HEIGHT if landscape else PAGE_WIDTH
    return round((page - LEFT - RIGHT) * TWIPS_PER_EMU)


def turn_page(document, *, landscape: bool) -> None:
    """A section break to a new page, when the orientation changes. The new section takes over the
    footer of the one before it, and the page numbers run on."""
    if (document.sections[-1].orientation == WD_ORIENT.LANDSCAPE) != landscape:
        set_page(document.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)


def _element(tag: str, **attributes: str):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def size_table(table, widths: list[int]) -> None:
    """Fixed layout, the grid, the table's and every cell's width, all in twips."""
    table.autofit = False
    table_width = table._tbl.tblPr.find(qn("w:tblW"))  # python-docx writes one into every new table
    table_width.set(qn("w:w"), str(sum(widths)))
    table_width.set(qn("w:type"), "dxa")
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell._tc.get_or_add_tcPr().get_or_add_tcW().set(qn("w:w"), str(width))
            cell._tc.tcPr.tcW.set(qn("w:type"), "dxa")


def keep_rows_whole(table, header_rows: int = 1) -> None:
    """No row breaks across pages; the header rows come again at the top of each page."""
    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(_element("w:cantSplit"))
        if index < header_rows:
            properties.append(_element("w:tblHeader", val="true"))


def no_wrap(cell) -> None:
    """w:noWrap goes right after w:tcW in the schema's order."""
    cell._tc.get_or_add_tcPr().get_or_add_tcW().addnext(_element("w:noWrap"))


def plain_style(style) -> None:
    """No rule under the paragraph, no extra letter spacing: the default template's Title has both."""
    for parent, tag in ((style.element.pPr, "w:pBdr"), (style.element.rPr, "w:spacing")):
        for found in [] if parent is None else parent.findall(qn(tag)):
            parent.remove(found)


def add_page_numbers(section) -> None:
    """ "— 1 —" centred in the footer: a PAGE field between two em dashes, 4号 宋体."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.first_line_indent = None
    _footer_run(paragraph, f"{DASH} ")
    _footer_run(paragraph, None, _element("w:fldChar", fldCharType="begin"))
    _footer_run(paragraph, None, _instruction(" PAGE "))
    _footer_run(paragraph, None, _element("w:fldChar", fldCharType="separate"))
    _footer_run(paragraph, "1")
    _footer_run(paragraph, None, _element("w:fldChar", fldCharType="end"))
    _footer_run(paragraph, f" {DASH}")


def _instruction(text: str):
    element = _element("w:instrText")
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.text = text
    return element


def _footer_run(paragraph, text: str | None, child=None) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(PAGE_NUMBER_SIZE)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), PAGE_NUMBER_FONT)
    if child is not None:
        run._r.append(child)
