"""Every export keeps formula-looking user text as text, headers and titles included (issue 12, point 8).

A spreadsheet program runs a cell that starts with =, +, -, @, tab or CR. In xlsx such text must be a
string cell (never an <f> element); in csv it gets the apostrophe the importers strip back off.
"""

import csv
import datetime
import io
import re
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.spreadsheets import FORMULA_STARTS, read_upload
from orgunits.models import OrgUnit, UnitKind
from rosters.models import Appointment, Post
from rosters.services import appointment_create, person_create
from stats import stats_import
from stats.models import DataElement
from stats.services import datavalues_save
from tests.base import TreeTestCase, day

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
PAYLOADS = [HYPERLINK, "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]
# Not formula-looking itself, but an unquoted CR would start a new csv row with "=2+2".
SPLIT = "荷叶\r=2+2"
ON = datetime.date(2025, 12, 31)
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s/>]")


def sheet_xml_formulas(content: bytes) -> list[str]:
    """The worksheets holding a formula element; openpyxl would hide one behind a cached value."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and _FORMULA_ELEMENT.search(archive.read(name))
        ]


def xlsx_cells(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def xlsx_texts(content: bytes) -> set[str]:
    # XML reads a bare CR back as a line feed; compare the text, not the line ending.
    return {cell.value.replace("\n", "\r") for cell in xlsx_cells(content) if isinstance(cell.value, str)}


def assert_no_formula_in_xlsx(content: bytes):
    assert sheet_xml_formulas(content) == []
    formulas = [(cell.coordinate, cell.value) for cell in xlsx_cells(content) if cell.data_type == "f"]
    assert formulas == []


def csv_rows(content: bytes | str) -> list[list[str]]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_every_csv_cell_is_guarded(rows: list[list[str]]):
    unguarded = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert unguarded == []


def guarded(text: str) -> str:
    return f"'{text}"


class CoverageExportTests(TreeTestCase):
    def setUp(self):
        # The county's own name makes the title; its townships make the row labels; kinds make headers.
        OrgUnit.objects.filter(pk=self.shuangfeng.pk).update(name=HYPERLINK)
        townships = OrgUnit.objects.children_of(self.shuangfeng).order_by("path")[: len(PAYLOADS) + 1]
        for township, name in zip(townships, [*PAYLOADS, SPLIT], strict=True):
            OrgUnit.objects.filter(pk=township.pk).update(name=name)
        UnitKind.objects.filter(code="township").update(name="=乡镇()")
        UnitKind.objects.filter(code="village").update(name="@村")
        self.client.force_login(self.superuser)

    def export(self, kind: str):
        response = self.client.get(reverse("stats_coverage") + f"?unit={self.shuangfeng.pk}&on={ON}&export={kind}")
        assert response.status_code == 200
        return response

    def test_the_xlsx_stores_the_title_labels_and_kind_names_as_text(self):
        content = self.export("xlsx").content
        assert_no_formula_in_xlsx(content)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet["A1"].value == f"{HYPERLINK}妇女组织组建情况统计表"
        assert sheet["A1"].data_type == "s"
        texts = xlsx_texts(content)
        assert {*PAYLOADS, SPLIT} <= texts
        assert {"=乡镇()", "@村"} <= texts

    def test_the_csv_guards_the_title_line_and_every_line(self):
        text = self.export("csv").content.decode("utf-8-sig")
        # The name's quotes make csv quote the whole field; the apostrophe still comes first inside it.
        assert text.splitlines()[0] == '"\'=HYPERLINK(""http://evil.example"",""x"")妇女组织组建情况统计表"'
        rows = csv_rows(text)
        assert rows[0] == [guarded(f"{HYPERLINK}妇女组织组建情况统计表")]
        assert_every_csv_cell_is_guarded(rows)
        cells = {cell for row in rows for cell in row}
        assert {*(guarded(name) for name in PAYLOADS), SPLIT} <= cells
        assert {guarded("=乡镇()应建数"), guarded("@村组建率")} <= cells


class UnitExportTests(TreeTestCase):
    def setUp(self):
        townships = OrgUnit.objects.children_of(self.shuangfeng).order_by("path")[: len(PAYLOADS) + 1]
        for township, name in zip(townships, [*PAYLOADS, SPLIT], strict=True):
            OrgUnit.objects.filter(pk=township.pk).update(name=name)
        UnitKind.objects.filter(code="village").update(name="@村")
        self.client.force_login(self.superuser)

    def export(self, query: str) -> bytes:
        url = reverse("admin:orgunits_orgunit_export") + f"?parent={self.shuangfeng.pk}&whole=1{query}"
        response = self.client.get(url)
        assert response.status_code == 200
        return response.content

    def test_the_xlsx_keeps_names_and_kind_names_as_text(self):
        content = self.export("")
        assert_no_formula_in_xlsx(content)
        assert {*PAYLOADS, SPLIT, "@村"} <= xlsx_texts(content)

    def test_the_csv_guards_every_cell(self):
        rows = csv_rows(self.export("&format=csv"))
        assert_every_csv_cell_is_guarded(rows)
        assert {*(guarded(name) for name in [*PAYLOADS, "@村"]), SPLIT} <= {cell for row in rows for cell in row}


class StatisticsExportTests(TreeTestCase):
    def setUp(self):
        # Indicator names are admin-edited and become the wide export's column headers.
        DataElement.objects.filter(code="cadres").update(name=HYPERLINK)
        DataElement.objects.filter(code="party_members").update(name="+党员")
        OrgUnit.objects.filter(pk=self.heye.pk).update(name="@荷叶镇")
        datavalues_save(unit=self.heye, period="2024", values={"cadres": (100, 30), "party_members": (900, 200)})
        self.client.force_login(self.superuser)

    def export(self, query: str) -> bytes:
        response = self.client.get(reverse("admin:stats_datavalue_export") + query)
        assert response.status_code == 200
        return response.content

    def assert_imports_back_unchanged(self, content: bytes, name: str):
        shape, table = stats_import.read_table(read_upload(content, name))
        plan = stats_import.check_table(shape, table)
        assert shape == "wide" and plan.valid and plan.count("skip") == 1, plan.messages()

    def test_the_xlsx_keeps_indicator_headers_and_names_as_text(self):
        content = self.export("")
        assert_no_formula_in_xlsx(content)
        assert {HYPERLINK, f"{HYPERLINK}其中女性", "+党员", "@荷叶镇"} <= xlsx_texts(content)
        self.assert_imports_back_unchanged(content, "统计数据.xlsx")

    def test_the_csv_guards_the_header_line_and_every_line(self):
        content = self.export("?format=csv")
        rows = csv_rows(content)
        assert_every_csv_cell_is_guarded(rows)
        assert guarded(HYPERLINK) in rows[0] and guarded("+党员其中女性") in rows[0]
        assert guarded("@荷叶镇") in rows[1]
        self.assert_imports_back_unchanged(content, "统计数据.csv")


class RosterExportTests(TreeTestCase):
    def test_the_xlsx_keeps_people_posts_and_their_text_as_text(self):
        OrgUnit.objects.filter(pk=self.heye.pk).update(org_established_on=day("2016-03-08"))
        Post.objects.filter(name="执委").update(name="-执委")
        for number, name in enumerate(PAYLOADS, start=1):
            person = person_create(name=name, sex="F", birth_date=day(f"1990-01-0{number}"))
            appointment_create(
                person=person, unit=self.heye, post=Post.objects.get(name="-执委"), start_on=day("2020-01-01")
            )
        assert Appointment.objects.count() == len(PAYLOADS)
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:rosters_appointment_export"))
        assert response.status_code == 200
        assert_no_formula_in_xlsx(response.content)
        # The person service strips names, so the tab and CR ones arrive as "=1+1".
        assert {*(name.strip() for name in PAYLOADS), "-执委"} <= xlsx_texts(response.content)


class ImportErrorRowsTests(TreeTestCase):
    def test_the_error_rows_file_keeps_headers_and_cells_as_text(self):
        # The wide file names the indicator by its code; the error file heads the column with its name.
        DataElement.objects.filter(code="cadres").update(name=HYPERLINK)
        upload = SimpleUploadedFile(
            "wide.csv", "单位代码,单位名称,年度,cadres,cadres.female\n431321101,=1+1,2025,10,20\n".encode()
        )
        self.client.force_login(self.superuser)
        preview = self.client.post(reverse("admin:stats_datavalue_import"), {"import_file": upload, "format": "0"})
        result = preview.context["result"]
        assert result.error_messages and result.error_file
        response = self.client.get(reverse("admin:stats_datavalue_import_errors", args=[result.error_file]))
        assert response.status_code == 200
        assert_no_formula_in_xlsx(response.content)
        assert {HYPERLINK, f"{HYPERLINK}其中女性", "=1+1"} <= xlsx_texts(response.content)
