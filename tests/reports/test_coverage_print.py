"""The coverage xlsx prints the way a county clerk needs it (issue 16, item xlsx): landscape A4, one page
wide with the headers and the names on every page, 合计 never alone on a page, and the rates and the
"—" as the 组建率 page shows them. Read back with openpyxl, and printed to PDF by LibreOffice."""

import datetime
import io
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from orgunits.loader import Division, load_divisions
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_create
from stats.coverage import Coverage, CoverageRow, Tally, coverage
from stats.exports import MIN_SCALE, columns_on_first_page, coverage_csv, coverage_xlsx, fitted_scale, page_ends
from stats.formatting import MISSING, format_rate, rate_number_format
from tests.base import TreeTestCase, kind
from tests.reports.libreoffice import SOFFICE, pdf_pages
from tests.reports.libreoffice import to_pdf as convert
from tests.reports.survey_fixtures import COUNTY, ESTABLISHED, build_gap_county

ON = datetime.date(2012, 12, 31)
KINDS = ["县", "乡镇", "街道", "开发区等", "村", "社区", "机关", "事业单位", "企业", "社会组织"]
# Host units under the county, (eligible, established): 82.5%, 66.7%, 12.5% and 6.25%, so half-up
# rounding shows (0.825 is stored a hair below itself as a float; 6.25 rounds up to 6.3).
HOSTS = {"agency": (40, 33), "institution": (3, 2), "enterprise": (8, 1), "social_org": (16, 1)}
LONG_COUNTY = "970101"


def build_ten_kinds() -> OrgUnit:
    """缺口县 (survey_fixtures.py) with a street, a development zone and the county's host units: ten
    kinds with eligible units. 开发区等 and its village have no organisation (0 of 1)."""
    county = build_gap_county()
    load_divisions(
        [
            Division(f"{COUNTY}001", "城关街道", "street", COUNTY),
            Division(f"{COUNTY}001001", "城关社区", "community", f"{COUNTY}001"),
            Division(f"{COUNTY}400", "经济开发区", "devzone", COUNTY),
            Division(f"{COUNTY}400201", "开发区村", "village", f"{COUNTY}400"),
        ]
    )
    OrgUnit.objects.filter(code__startswith=f"{COUNTY}001").update(org_established_on=ESTABLISHED)
    for code, (count, established) in HOSTS.items():
        for n in range(1, count + 1):
            unit_create(
                parent=county,
                code=f"{code[0].upper()}{COUNTY}-{n:03d}",
                name=f"{code}{n}",
                kind=kind(code),
                org_established_on=ESTABLISHED if n <= established else None,
            )
    return county


def build_long_county(townships: int) -> OrgUnit:
    """长县: its own line (本级), one line per township, none with an organisation."""
    divisions = [Division("97", "长省", "province", None), Division("9701", "长市", "city", "97")]
    divisions += [Division(LONG_COUNTY, "长县", "county", "9701")]
    divisions += [
        Division(f"{LONG_COUNTY}{100 + n:03d}", f"长{n}镇", "township", LONG_COUNTY) for n in range(1, 1 + townships)
    ]
    load_divisions(divisions)
    return OrgUnit.objects.get(code=LONG_COUNTY)


def to_pdf(content: bytes, folder: Path) -> Path:
    source = folder / "coverage.xlsx"
    source.write_bytes(content)
    return convert(source)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.decode())]


def printed_scales(pdf: Path) -> list[float]:
    """The scale each page prints at: the header 单位 is two Chinese characters of 11 pt, 22 pt wide at 100%."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    found = re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>单位</word>', boxes)
    return [round((float(right) - float(left)) / 22, 2) for left, right in found]


def labels_on(page: str) -> list[str]:
    """The first word of each table line: the line's unit, or 合计."""
    words = [line.split()[0] for line in page.splitlines() if line.strip()]
    return [word for word in words if word.endswith(("镇", "级", "街道", "开发区", "单位", "合计")) and word != "单位"]


def assert_prints_one_page_wide(pdf: Path, title: str) -> list[str]:
    pages, sizes = pdf_pages(pdf), page_sizes(pdf)
    assert len(sizes) == len(pages) and all(width > height for width, height in sizes), sizes
    scales = printed_scales(pdf)
    assert len(scales) == len(pages) and min(scales) >= MIN_SCALE / 100, scales
    assert title in pages[0]  # the title whole, on the first page
    for number, page in enumerate(pages, start=1):
        header = next(line for line in page.splitlines() if "合计" in line)  # the kinds' row, repeated
        assert header.split()[-1] == "合计", (number, header)  # the rightmost column is on every page
        assert "单位" in page and "组建率" in page, number
        assert len(labels_on(page)) >= 2, (number, labels_on(page))
    last_labels = labels_on(pages[-1])
    assert last_labels[-1] == "合计" and len(last_labels) >= 2, last_labels
    return pages


class CoveragePrintTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_ten_kinds()

    def setUp(self):
        self.coverage = coverage(self.county, ON)
        self.content = coverage_xlsx(self.coverage)
        self.sheet = openpyxl.load_workbook(io.BytesIO(self.content)).active

    def rows(self) -> dict[str, tuple]:
        return {row[0]: row for row in self.sheet.iter_rows(min_row=5, values_only=True)}

    def test_ten_kinds_make_34_columns_set_up_for_landscape_a4_one_page_wide(self):
        sheet = self.sheet
        assert [kind.name for kind in self.coverage.kinds] == KINDS
        assert sheet.max_column == 1 + 3 * (len(KINDS) + 1) == 34
        assert sheet.cell(3, 32).value == "合计"
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", int(sheet.PAPERSIZE_A4))
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$3:$4" and sheet.print_title_cols == "$A:$A"
        # Title and info line span the table, which now prints on one page's width.
        assert {str(merged) for merged in sheet.merged_cells.ranges} >= {"A1:AH1", "A2:AH2", "A3:A4", "AF3:AH3"}
        widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, 35)]
        assert widths[1:4] == [4.5, 4.5, 6] and max(widths[1:]) == 6
        # 34 columns of 4 or 6 digits: about 41 cm at 100% (LibreOffice; 31 cm in Excel), on 27 cm.
        assert MIN_SCALE <= fitted_scale(widths) <= 70
        assert sheet.row_breaks.brk == []  # eight lines: one page tall

    def test_rates_carry_the_format_that_shows_them_as_the_page_does(self):
        rates = [
            (cell, self.sheet.cell(cell.row, cell.column - 2).value, self.sheet.cell(cell.row, cell.column - 1).value)
            for row in self.sheet.iter_rows(min_row=5, min_col=4)
            for cell in row[::3]
            if cell.value != MISSING
        ]
        # 本级 2, each township 4 (乡镇, 村, 社区, 合计), 街道 3, 开发区 3, 县直单位 5, 合计 all eleven.
        assert len(rates) == 2 + 3 * 4 + 3 + 3 + 5 + 11
        for cell, eligible, established in rates:
            # A number (the fraction), so sums and sorting still work; the format from the exact rate.
            assert cell.data_type == "n" and cell.value == pytest.approx(established / eligible)
            rate = Decimal(established) * 100 / eligible
            assert cell.number_format == rate_number_format(rate), (cell.coordinate, format_rate(rate))
            assert cell.number_format == ("0.0%" if "." in format_rate(rate) else "0%")
        formats = {format_rate(Decimal(e) * 100 / Decimal(eligible_)): c.number_format for c, eligible_, e in rates}
        assert formats == {
            "100%": "0%",
            "70%": "0%",
            "75%": "0%",
            "0%": "0%",
            "82.5%": "0.0%",
            "66.7%": "0.0%",
            "12.5%": "0.0%",
            "6.3%": "0.0%",
            "87.1%": "0.0%",
            "55.2%": "0.0%",
            "67.6%": "0.0%",
        }

    def test_a_kind_without_an_eligible_unit_in_the_line_shows_a_dash_in_its_three_cells(self):
        rows = self.rows()
        assert rows["本级"][1:4] == (1, 1, 1.0)
        assert rows["本级"][4:31] == (MISSING,) * 27
        assert rows["本级"][31:] == (1, 1, 1.0)  # 合计 has figures whenever the line has an eligible unit
        assert rows["城关街道"][7:10] == (1, 1, 1.0) and rows["城关街道"][16:19] == (1, 1, 1.0)
        assert rows["经济开发区"][10:16] == (1, 0, 0.0, 1, 0, 0.0)  # eligible without: 0%, not "—"
        assert rows["县直单位"][19:31] == (40, 33, 0.825, 3, 2, pytest.approx(2 / 3), 8, 1, 0.125, 16, 1, 0.0625)
        assert MISSING not in rows["合计"]
        lines = coverage_csv(self.coverage).splitlines()
        own = next(line for line in lines if line.startswith("本级,")).split(",")
        assert own[1:4] == ["1", "1", "100%"] and own[4:31] == [MISSING] * 27 and own[31:] == ["1", "1", "100%"]
        agencies = next(line for line in lines if line.startswith("县直单位,")).split(",")
        assert ",".join(agencies[19:31]) == "40,33,82.5%,3,2,66.7%,8,1,12.5%,16,1,6.3%"

    @pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装：apt-get install libreoffice-calc-nogui")
    def test_libreoffice_prints_it_on_one_landscape_page_with_the_rates_as_the_page_writes_them(self):
        with tempfile.TemporaryDirectory() as folder:
            pdf = to_pdf(self.content, Path(folder))
            pages = assert_prints_one_page_wide(pdf, "缺口县妇女组织组建情况统计表")
        assert len(pages) == 1
        text = pages[0]
        assert "单位：缺口县（980101） 截至：2012年12月31日" in re.sub(r"\s+", " ", text)  # the ideographic space too
        assert all(name in text for name in KINDS)
        agencies = next(line for line in text.splitlines() if line.startswith("县直单位")).split()
        assert " ".join(agencies[-15:]) == "40 33 82.5% 3 2 66.7% 8 1 12.5% 16 1 6.3% 67 37 55.2%"
        # As format_rate writes them: no 100.0%, no 70.0%.
        assert "100%" in text and "70%" in text and not re.search(r"\d\.0%", text)
        assert text.count(MISSING) == sum(row.count(MISSING) for row in self.rows().values())


class LongCoveragePrintTests(TreeTestCase):
    """Lines enough for two pages, as many as would leave 合计 alone on the second."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        first_page = page_ends(1000, 100)[0] - 4  # the lines a page takes, at 100% (three columns' groups)
        cls.line_count = first_page + 1  # 本级, the townships and 合计
        cls.county = build_long_county(cls.line_count - 2)

    def test_the_last_break_moves_up_so_that_the_total_keeps_a_line_with_it(self):
        content = coverage_xlsx(coverage(self.county, ON))
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet.max_row == 4 + self.line_count
        # The page would end after the line before 合计; it ends a line earlier.
        assert [brk.id for brk in sheet.row_breaks.brk] == [4 + self.line_count - 2]
        assert sheet.print_title_rows == "$3:$4" and sheet.print_title_cols == "$A:$A"
        if SOFFICE is None:
            pytest.skip("LibreOffice (soffice) 未安装：apt-get install libreoffice-calc-nogui")
        with tempfile.TemporaryDirectory() as folder:
            pages = assert_prints_one_page_wide(to_pdf(content, Path(folder)), "长县妇女组织组建情况统计表")
        assert len(pages) == 2
        assert labels_on(pages[1]) == [f"长{self.line_count - 2}镇", "合计"]


def test_page_ends_fill_pages_and_never_leave_the_total_alone():
    capacity = page_ends(1000, 100)[0] - 4
    assert page_ends(capacity, 100) == []
    assert page_ends(capacity + 1, 100) == [4 + capacity - 1]  # 2 lines on the last page, not 1
    assert page_ends(capacity + 2, 100) == [4 + capacity]
    assert page_ends(2 * capacity + 1, 100) == [4 + capacity, 4 + 2 * capacity - 1]
    # Smaller print takes more lines on a page.
    assert page_ends(1000, 60)[0] - 4 > capacity


def test_the_number_format_and_format_rate_agree_on_half_up_and_whole_rates():
    cases = {
        Decimal(200) / 3: ("66.7%", "0.0%"),
        Decimal(100) / 8: ("12.5%", "0.0%"),
        Decimal("6.25"): ("6.3%", "0.0%"),
        Decimal("82.5"): ("82.5%", "0.0%"),
        Decimal("99.95"): ("100%", "0%"),
        Decimal("99.94"): ("99.9%", "0.0%"),
        Decimal(85): ("85%", "0%"),
        Decimal(100): ("100%", "0%"),
        Decimal("0.04"): ("0%", "0%"),
    }
    for rate, (text, number_format) in cases.items():
        assert (format_rate(rate), rate_number_format(rate)) == (text, number_format), rate


class TooWideCoveragePrintTests(TreeTestCase):
    """Every kind, counts in the hundred thousands: too wide to read at one page wide."""

    def setUp(self):
        kinds = list(UnitKind.objects.all())
        nation = OrgUnit.objects.get(depth=1)
        rows = [CoverageRow(f"第{n}省", None, {k.pk: Tally(123456 + n, 100000 + n) for k in kinds}) for n in (1, 2, 3)]
        self.coverage = Coverage(nation, ON, kinds, CoverageRow("合计", nation), rows)
        self.content = coverage_xlsx(self.coverage)
        self.sheet = openpyxl.load_workbook(io.BytesIO(self.content)).active

    def test_it_prints_at_60_percent_across_pages_each_starting_with_the_names(self):
        sheet, groups = self.sheet, len(self.coverage.kinds) + 1
        assert sheet.max_column == 1 + 3 * groups
        widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, 2 + 3 * groups)]
        assert fitted_scale(widths) < MIN_SCALE
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is not True
        assert (sheet.page_setup.scale, sheet.page_setup.orientation) == (MIN_SCALE, "landscape")
        assert sheet.print_title_rows == "$3:$4" and sheet.print_title_cols == "$A:$A"
        # The heading starts in B, so the repeated column A carries none of it onto the later pages,
        # and spans only what the first page prints.
        assert sheet["A1"].value is None and sheet["B1"].value == "全国妇女组织组建情况统计表"
        title = next(str(merged) for merged in sheet.merged_cells.ranges if merged.min_row == 1)
        assert title == f"B1:{openpyxl.utils.get_column_letter(columns_on_first_page(widths, MIN_SCALE))}1"
        if SOFFICE is None:
            pytest.skip("LibreOffice (soffice) 未安装：apt-get install libreoffice-calc-nogui")
        with tempfile.TemporaryDirectory() as folder:
            pdf = to_pdf(self.content, Path(folder))
            pages, scales = pdf_pages(pdf), printed_scales(pdf)
        assert len(pages) >= 2 and scales == [MIN_SCALE / 100] * len(pages)
        assert "全国妇女组织组建情况统计表" in pages[0] and "单位：全国" in pages[0]
        for page in pages:
            assert [line.split()[0] for line in page.splitlines() if line.strip().startswith(("第", "合计"))][:4] == [
                "第1省",
                "第2省",
                "第3省",
                "合计",
            ]
        assert "单位：" not in "".join(pages[1:])
        kinds_header = next(line for line in pages[-1].splitlines() if "合计" in line)
        assert kinds_header.split()[-1] == "合计"  # the last page ends with the total's columns
