"""Inline strings (how openpyxl's write-only mode and some exporters store text) read as openpyxl reads
them: the reader takes plain ones itself and leaves rich text to openpyxl."""

import io
import zipfile

from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from imports.readers import read_cells

SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>单位代码</t></is></c></row>
<row r="2"><c t="inlineStr"><is><t xml:space="preserve"> 王 芳 </t></is></c><c t="inlineStr"><is><t></t></is></c>
<c t="inlineStr"><is><t>431321</t></is></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><r><t>李</t></r><r><rPr><b/></rPr><t>秀英</t></r></is></c>
<c r="B3" t="inlineStr"><is><t>张</t><rPh sb="0" eb="1"><t>ZHANG</t></rPh></is></c><c r="C3"><v>7</v></c></row>
</sheetData></worksheet>"""


def workbook_with_sheet(sheet_xml: str) -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    source, result = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(result, "w") as target:
        for item in source.infolist():
            data = sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return result.getvalue()


class InlineStringTests(SimpleTestCase):
    def test_plain_rich_and_phonetic_inline_strings_read_as_openpyxl_reads_them(self):
        content = workbook_with_sheet(SHEET)
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        expected = [list(row) for row in sheet.iter_rows(values_only=True)]
        # openpyxl pads rows to the sheet's width and keeps blank cells; the reader trims them.
        for row in expected:
            while row and row[-1] in (None, ""):
                row.pop()
            row[:] = [None if value == "" else value for value in row]
        read = [[None if value == "" else value for value in row] for row in read_cells(content)]
        self.assertEqual(read, expected)
        self.assertEqual(read[1], [" 王 芳 ", None, "431321"])  # no r attribute: columns counted
        self.assertEqual(read[2], ["李秀英", "张", 7])  # runs joined, the phonetic guide left out

    def test_row_numbers_are_kept(self):
        self.assertEqual([row.number for row in read_cells(workbook_with_sheet(SHEET))], [1, 2, 3])
