import datetime
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from imports.spreadsheets import display_width
from stats.tables import PREVIOUS_HEADERS
from tests.base import MISSING_ID, TreeTestCase, assert_same_as_missing
from tests.reports.county6 import build_county6

ON = datetime.date(2012, 12, 31)


class CoverageExportTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_county6()

    def workbook(self, content: bytes):
        return openpyxl.load_workbook(BytesIO(content)).active

    def test_the_xlsx_has_title_headers_formats_and_hand_counted_figures(self):
        response = self.client_for(self.superuser).get(
            reverse("stats_coverage") + f"?unit={self.county.pk}&on={ON}&export=xlsx"
        )
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = self.workbook(response.content)
        assert sheet["A1"].value == "调研县妇女组织组建情况统计表"
        assert sheet["A2"].value == "单位：调研县（990101）　截至：2012年12月31日"
        assert [sheet.cell(3, c).value for c in (1, 2, 5, 8, 11, 14, 17)] == [
            "单位",
            "县",
            "乡镇",
            "村",
            "社区",
            "机关",
            "合计",
        ]
        assert [sheet.cell(4, c).value for c in (2, 3, 4)] == ["应建数", "已建数", "组建率"]
        rows = list(sheet.iter_rows(min_row=5, values_only=True))
        labels = [row[0] for row in rows]
        # 本级, 15 seed townships, the 4 gap townships still open (撤并镇 closed in September), the agencies.
        assert labels == [
            "本级",
            *(f"第{i}镇" for i in range(1, 16)),
            "未建镇",
            "不计镇",
            "解散镇",
            "后建镇",
            "县直单位",
            "合计",
        ]
        by_label = {row[0]: row for row in rows}
        # Columns: 县 B–D, 乡镇 E–G, 村 H–J, 社区 K–M, 机关 N–P, 合计 Q–S (应建数, 已建数, 组建率 each).
        first = by_label["第1镇"]
        assert first[4:7] == (1, 1, 1.0)
        # 44 seed villages and 5 gap ones, of which 晚解散村 is established; 不计村 and 撤并村 not counted.
        assert first[7:9] == (49, 45) and round(first[9], 4) == 0.9184
        assert first[16:18] == (52, 48) and round(first[18], 4) == 0.9231
        assert by_label["第2镇"][10:12] == (5, 2) and round(by_label["第2镇"][12], 4) == 0.4
        # Nothing eligible in 不计镇: every group, 合计 included, shows "—" as the page does.
        assert by_label["不计镇"][1:] == ("—",) * 18
        assert by_label["第1镇"][1:4] == ("—",) * 3  # no unit of the kind 县 below a township
        assert by_label["县直单位"][13:15] == (97, 94) and round(by_label["县直单位"][15], 4) == 0.9691
        total = rows[-1]
        # 应建 1 + 18 + 656 + 31 + 97, 已建 1 + 15 + 652 + 28 + 94 (see county6.py).
        counts = [total[c : c + 2] for c in (1, 4, 7, 10, 13, 16)]
        assert counts == [(1, 1), (18, 15), (656, 652), (31, 28), (97, 94), (803, 790)]
        assert [round(total[c], 4) for c in (3, 6, 9, 12, 15, 18)] == [1.0, 0.8333, 0.9939, 0.9032, 0.9691, 0.9838]
        # Formatted as the page writes them: 100% and 83.3%, not 100.0%.
        total_row = 5 + len(rows) - 1
        assert [sheet.cell(total_row, c).number_format for c in (4, 7)] == ["0%", "0.0%"]
        assert sheet.cell(total_row, 4).value == 1
        assert sheet.freeze_panes == "B5"
        # Widths from the content: the names fit, the figures' columns are narrow enough to print one page wide.
        assert sheet.column_dimensions["A"].width >= max(display_width(label) for label in labels) + 1
        assert [sheet.column_dimensions[letter].width for letter in "BCD"] == [4.5, 4.5, 6]

    def test_the_csv_and_the_command(self):
        response = self.client_for(self.superuser).get(
            reverse("stats_coverage") + f"?unit={self.county.pk}&on={ON}&export=csv"
        )
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0] == "调研县妇女组织组建情况统计表"
        assert next(line for line in text.splitlines() if line.startswith("不计镇,")) == "不计镇" + ",—" * 18
        total = next(
            line for line in text.splitlines() if line.startswith("合计,")
        )  # the table's; compared ones follow
        assert total.endswith(",803,790,98.4%")

    def test_compared_the_exports_carry_the_year_before_as_the_page_does(self):
        """On 2013-12-31 16 of 18 townships (后建镇 built that year) against 15 of 18: +1, +5.6 points."""
        page = reverse("stats_coverage") + f"?unit={self.county.pk}&on=2013-12-31&compare=on&export="
        client = self.client_for(self.superuser)
        book = openpyxl.load_workbook(BytesIO(client.get(page + "xlsx").content))
        sheet = book["与上年同期比较"]
        assert sheet["A1"].value == "调研县组建率与上年同期比较（2013年12月31日与2012年12月31日）"
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
        assert rows[0] == ["单位类型", "应建", "已建", "组建率", *PREVIOUS_HEADERS]
        townships = next(row for row in rows if row[0] == "乡镇")
        assert townships[:3] == ["乡镇", 18, 16] and round(townships[3], 4) == 0.8889
        assert townships[4:6] == [18, 15] and round(townships[6], 4) == 0.8333 and townships[7:] == ["+1", "+5.6"]
        township_row = 3 + rows.index(townships)
        assert sheet.cell(township_row, 4).number_format == "0.0%" and sheet.page_setup.orientation == "landscape"
        assert any(row[0] == "单位" and row[4] == "上年组建率" for row in rows)  # then each line's rate
        text = client.get(page + "csv").content.decode("utf-8-sig")
        assert "乡镇,18,16,88.9%,18,15,83.3%,+1,+5.6" in text

    def test_the_command_writes_xlsx_and_refuses_a_user_outside(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "cov.xlsx"
            call_command("export_coverage", "990101", "--date", str(ON), "-o", str(target), stdout=StringIO())
            assert self.workbook(target.read_bytes())["A1"].value == "调研县妇女组织组建情况统计表"
            with pytest.raises(CommandError, match="不在您的管辖范围内"):
                call_command(
                    "export_coverage", "990101", "-o", str(target), "--user", "county-clerk", stdout=StringIO()
                )
            with pytest.raises(CommandError, match="没有代码"):
                call_command("export_coverage", "999999", "-o", str(target), stdout=StringIO())

    def test_the_export_obeys_the_scope(self):
        client = self.client_for(self.county_clerk)
        page = reverse("stats_coverage") + "?unit={}&on=" + ON.isoformat() + "&export=xlsx"
        foreign, missing = client.get(page.format(self.county.pk)), client.get(page.format(MISSING_ID))
        assert "Content-Disposition" not in foreign
        assert_same_as_missing(foreign, missing, self.county.pk, self.county.name, self.county.code)

    def client_for(self, user):
        self.client.force_login(user)
        return self.client

    def test_a_name_that_looks_like_a_formula_is_neutralised(self):
        from orgunits.models import OrgUnit
        from orgunits.services import unit_update

        township = OrgUnit.objects.children_of(self.county).filter(kind__code="township").first()
        unit_update(unit=township, name="=1+1")
        client = self.client_for(self.superuser)
        base = reverse("stats_coverage") + f"?unit={self.county.pk}&on={ON}&export="
        cell = next(c for c in self.workbook(client.get(base + "xlsx").content)["A"] if c.value == "=1+1")
        assert cell.data_type == "s"
        assert "\n'=1+1," in client.get(base + "csv").content.decode("utf-8-sig")
