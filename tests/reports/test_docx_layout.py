"""The survey report's Word file laid out as an official document: tables sized from their content
(landscape, or split by columns, when too wide), rows kept whole, header rows repeated, page numbers
"— 1 —", a plain title. Read back with python-docx, and through LibreOffice when it is installed."""

import datetime
import io
import re
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
from django.test import TestCase
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from reports.docx_layout import (
    cell_twips,
    measure_column,
    table_plan,
    text_em,
    text_width,
    unbreakable,
)
from reports.docx_report import survey_docx
from reports.sections.common import DocSection, Paragraph
from reports.survey_document import SurveyDocument
from reports.survey_services import survey_report_create
from reports.survey_views import report_view
from stats.tables import Cell, Table
from tests.reports.libreoffice import SOFFICE, pdf_pages
from tests.reports.libreoffice import to_pdf as convert
from tests.reports.survey_fixtures import build_gap_county
from tests.reports.wide_county import build_wide_county

COVERAGE_CAPTION = "妇女组织组建情况（按下级单位）"
PORTRAIT, LANDSCAPE = text_width(landscape=False), text_width(landscape=True)
KINDS = ["县", "乡镇", "街道", "村", "社区", "机关", "事业单位", "企业"]


def medium_table(rows: int = 30) -> Table:
    """Eleven columns: too wide for the portrait page, not for a landscape one."""
    headers = ["单位", *(f"{kind}（已建/应建）" for kind in KINDS), "合计（已建/应建）", "组建率"]
    figures = ["17/21（81%）", *(["17/21"] * len(KINDS[2:])), "170/210", "100%"]
    lines = [[Cell(f"第{n}镇"), Cell(f"{n}/21（81%）"), *(Cell(text) for text in figures)] for n in range(1, rows + 1)]
    return Table(headers, lines)


def synthetic_document(table: Table) -> SurveyDocument:
    sections = [
        DocSection(
            "basics", "基本情况", paragraphs=[Paragraph("basics.text", "正文。" * 30)], tables=[("宽表", table)]
        ),
        DocSection("after", "其他", paragraphs=[Paragraph("after.text", "其后的正文。")]),
    ]
    for section, heading in zip(sections, ["一、基本情况", "二、其他"], strict=True):
        section.heading = heading
    return SurveyDocument("标题", "某县", 2012, datetime.date(2013, 1, 1), sections)


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def tables_with_sections(document):
    """(table element, the w:sectPr of the section it sits in), in document order."""
    body, waiting, found = document.element.body, [], []
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            waiting.append(child)
        elif child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            found += [(table, child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")) for table in waiting]
            waiting = []
    return found + [(table, body.find(qn("w:sectPr"))) for table in waiting]


def section_text_width(sect_pr) -> int:
    size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    return int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))


def grid_widths(tbl) -> list[int]:
    return [int(col.get(qn("w:w"))) for col in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]


def cell_texts(tbl) -> list[list[str]]:
    return [
        ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
        for tr in tbl.findall(qn("w:tr"))
    ]


def captions(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Caption"]


class MeasuringTests(TestCase):
    def test_chinese_counts_double_figures_half_and_a_little_space_between_them(self):
        assert text_em("组建率") == 3
        assert text_em("17/21") == 2.5
        assert text_em("第12镇") == 2 + 1 + 2 * 0.25  # the space Word and LibreOffice put around 12
        assert text_em("100%") > 2  # a per cent sign is wider than a digit
        assert text_em("17/21（81%）") > text_em("17/21") + 3

    def test_figures_never_wrap_and_headers_may(self):
        column = measure_column("乡镇（已建/应建）", ["17/21（81%）", "—", "100/110"])
        assert column.minimum == cell_twips(text_em("17/21（81%）"))
        assert column.natural == cell_twips(text_em("乡镇（已建/应建）"))
        long_name = measure_column("单位", ["宽表经济技术开发区管理委员会", "第1镇"])
        assert long_name.minimum < long_name.body == cell_twips(text_em("宽表经济技术开发区管理委员会"))
        assert unbreakable("33个") and unbreakable("+1") and unbreakable("17/21（81%）")
        assert not unbreakable("已建立妇女组织") and not unbreakable("—")

    def test_a_narrow_table_fills_the_portrait_width(self):
        landscape, parts = table_plan(
            ["项目", "本年", "上年"], [["已建立妇女组织", "33个", "32个"]], PORTRAIT, LANDSCAPE
        )
        assert not landscape and len(parts) == 1
        assert parts[0].columns == [0, 1, 2] and sum(parts[0].widths) == pytest.approx(PORTRAIT, abs=3)

    def test_too_wide_for_portrait_goes_landscape(self):
        table = medium_table()
        rows = [[cell.text for cell in row] for row in table.rows]
        landscape, parts = table_plan(table.headers, rows, PORTRAIT, LANDSCAPE)
        assert landscape and len(parts) == 1 and sum(parts[0].widths) <= LANDSCAPE
        assert sum(parts[0].widths) > PORTRAIT  # it would not have fitted
        for index, width in enumerate(parts[0].widths):
            widest = max(text_em(row[index]) for row in rows if unbreakable(row[index]))
            assert width >= cell_twips(widest)

    def test_too_wide_for_landscape_is_split_by_columns(self):
        headers = ["单位", *(f"第{n}类单位（已建/应建）" for n in range(1, 16)), "组建率"]
        rows = [["某某经济开发区", *(["1234/5678"] * 15), "99.9%"]] * 3
        landscape, parts = table_plan(headers, rows, PORTRAIT, LANDSCAPE)
        assert not landscape and len(parts) >= 3
        assert all(part.columns[0] == 0 for part in parts)
        assert sorted(i for part in parts for i in part.columns[1:]) == list(range(1, len(headers)))
        assert all(sum(part.widths) <= PORTRAIT for part in parts)
        sizes = [len(part.columns) for part in parts]
        assert max(sizes) - min(sizes) <= 1  # evenly split, not a full table and a stub


class DocxLayoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wide = build_wide_county()
        cls.gap = build_gap_county()

    def document_of(self, county):
        report = survey_report_create(unit=county, year=2012, problems="有组织无人员。", measures="配齐配强班子。")
        view = report_view(report, compare=False).document
        return view, read(survey_docx(view))

    def assert_laid_out(self, document):
        found = tables_with_sections(document)
        assert found and len(found) == len(document.tables)
        for tbl, sect_pr in found:
            widths = grid_widths(tbl)
            assert sum(widths) <= section_text_width(sect_pr)
            assert tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
            rows = tbl.findall(qn("w:tr"))
            assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)
            assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            for tr in rows:
                cells = tr.findall(qn("w:tc"))
                assert [int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for tc in cells] == widths
            for tr in rows[1:]:
                for tc, width in zip(tr.findall(qn("w:tc")), widths, strict=True):
                    text = "".join(t.text for t in tc.iter(qn("w:t")))
                    if unbreakable(text):
                        assert tc.find(f"{qn('w:tcPr')}/{qn('w:noWrap')}") is not None, text
                        assert width >= cell_twips(text_em(text)), text

    def test_every_table_fits_its_page_with_rows_kept_whole(self):
        for county in (self.gap, self.wide):
            with self.subTest(county=county.name):
                self.assert_laid_out(self.document_of(county)[1])

    def test_the_wide_coverage_table_is_split_with_the_name_column_repeated(self):
        view, document = self.document_of(self.wide)
        table = view.section("basics").tables[0][1]
        assert len(table.headers) == 13  # the name, ten kinds, the total, the rate
        assert captions(document)[:2] == [COVERAGE_CAPTION, f"{COVERAGE_CAPTION}（续表）"]
        first, second = (cell_texts(tbl._tbl) for tbl in document.tables[:2])
        assert first[0][0] == second[0][0] == "单位"
        assert [row[0] for row in first] == [row[0] for row in second]
        assert first[0] + second[0][1:] == table.headers
        assert [a + b[1:] for a, b in zip(first[1:], second[1:], strict=True)] == [
            [cell.text for cell in row] for row in table.rows
        ]
        assert all(section.orientation == WD_ORIENT.PORTRAIT for section in document.sections)

    def test_a_table_too_wide_for_portrait_gets_a_landscape_section(self):
        document = read(survey_docx(synthetic_document(medium_table())))
        self.assert_laid_out(document)
        sections = document.sections
        assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
        assert sections[1].page_width > sections[1].page_height
        assert (sections[1].left_margin, sections[1].right_margin) == (
            sections[0].left_margin,
            sections[0].right_margin,
        )
        assert all(s.start_type == WD_SECTION.NEW_PAGE for s in sections[1:])
        (tbl, sect_pr) = tables_with_sections(document)[0]
        assert sect_pr.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"
        assert sum(grid_widths(tbl)) > PORTRAIT

    def test_page_numbers_in_the_footer(self):
        document = self.document_of(self.gap)[1]
        footer = document.sections[0].footer
        assert not footer.is_linked_to_previous
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        element = paragraph._p
        instructions = [t.text.strip() for t in element.iter(qn("w:instrText"))]
        assert instructions == ["PAGE"]
        assert [f.get(qn("w:fldCharType")) for f in element.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
        assert paragraph.text == "— 1 —"
        for run in paragraph.runs:
            assert run.font.size.pt == 14
            assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == run._r.rPr.rFonts.get(qn("w:ascii")) == "宋体"
        # The sections after the first take this footer over.
        landscape = read(survey_docx(synthetic_document(medium_table())))
        assert [s.footer.is_linked_to_previous for s in landscape.sections] == [False, True, True]

    def test_a_plain_black_title(self):
        document = self.document_of(self.gap)[1]
        title = document.styles["Title"].element
        assert title.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is None
        color = title.find(f"{qn('w:rPr')}/{qn('w:color')}")
        assert color.get(qn("w:val")) == "000000" and color.get(qn("w:themeColor")) is None
        assert document.styles["Title"].font.size.pt == 20
        fonts = title.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts.get(qn("w:eastAsia")) == "黑体"
        assert document.paragraphs[0].style.name == "Title"


def to_pdf(content: bytes, folder: str) -> Path:
    source = Path(folder) / "report.docx"
    source.write_bytes(content)
    return convert(source)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def unbroken_rows_missing(tables, lines: list[str]) -> list[str]:
    """Each body row's cells after the name, side by side on one line of the PDF's text, one line
    per row. A figure broken across lines leaves part of it on another line, and its row on none."""
    left = [squeezed(line) for line in lines]
    missing = []
    for texts in tables:
        for row in texts[1:]:
            wanted = "".join(squeezed(text) for text in row[1:])
            at = next((i for i, line in enumerate(left) if wanted in line), None)
            if at is None:
                missing.append(" | ".join(row))
            else:
                left[at] = left[at].replace(wanted, "", 1)
    return missing


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装：apt-get install libreoffice-writer-nogui")
class LibreOfficeLayoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wide = build_wide_county()

    def assert_numbered(self, pages: list[str]):
        assert len(pages) >= 2
        for number, page in enumerate(pages, 1):
            footer = [line.strip() for line in page.splitlines() if line.strip()][-1]
            assert re.fullmatch(rf"—\s*{number}\s*—", footer), (number, footer)

    def test_the_wide_coverage_table_keeps_every_figure_on_one_line(self):
        report = survey_report_create(unit=self.wide, year=2012)
        content = survey_docx(report_view(report, compare=False).document)
        parts = [
            cell_texts(tbl._tbl)
            for tbl, caption in zip(read(content).tables, captions(read(content)), strict=False)
            if caption.startswith(COVERAGE_CAPTION)
        ]
        assert len(parts) == 2 and any("/" in text for row in parts[0][1:] for text in row)
        with tempfile.TemporaryDirectory() as folder:
            pages = pdf_pages(to_pdf(content, folder))
        lines = [line for page in pages for line in page.splitlines()]
        assert unbroken_rows_missing(parts, lines) == []
        assert "93/109" in squeezed("".join(lines)) and "85.3%" in squeezed("".join(lines))
        self.assert_numbered(pages)

    def test_a_landscape_table_keeps_every_figure_on_one_line(self):
        table = medium_table(rows=40)
        content = survey_docx(synthetic_document(table))
        with tempfile.TemporaryDirectory() as folder:
            pdf = to_pdf(content, folder)
            pages = pdf_pages(pdf)
            info = subprocess.run(["pdfinfo", "-l", "99", str(pdf)], capture_output=True, check=True).stdout.decode()
        sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
        wide = [float(w) > float(h) for w, h in sizes]
        assert wide[0] is False and wide[-1] is False and wide.count(True) >= 2  # the table runs over two pages
        landscape_pages = [page for page, turned in zip(pages, wide, strict=True) if turned]
        assert all(page.count("组建率") == 1 for page in landscape_pages)  # the header row on each page
        lines = [line for page in pages for line in page.splitlines()]
        texts = [[*table.headers], *([cell.text for cell in row] for row in table.rows)]
        assert unbroken_rows_missing([texts], lines) == []
        self.assert_numbered(pages)
