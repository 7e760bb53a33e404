"""Survey reports as Word files (read back with python-docx), as .html, through the command, and
through LibreOffice when it is installed."""

import io
import logging
import tempfile
from io import StringIO
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx.oxml.ns import qn

from reports import charts
from reports.docx_report import STYLE_FONTS, survey_docx
from reports.management.commands import survey_report as command
from reports.survey_services import survey_report_create, survey_report_finalize
from reports.survey_views import report_view
from tests.base import TreeTestCase
from tests.reports.county6 import build_county6
from tests.reports.libreoffice import SOFFICE, to_pdf
from tests.reports.survey_fixtures import build_gap_county


def east_asian_font(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


class SurveyDocxTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county6 = build_county6()
        cls.gap = build_gap_county()
        cls.report = survey_report_create(
            unit=cls.gap,
            year=2012,
            problems="当前还存在以下问题。\n\n1. 有组织无人员。\n2. 身兼数职。",
            measures="一是配齐配强班子。\n二是落实经费。",
        )

    def read(self, content: bytes):
        return docx.Document(io.BytesIO(content))

    def test_title_date_line_headings_paragraphs_and_fonts(self):
        document = self.read(survey_docx(report_view(self.report, compare=False).document))
        paragraphs = document.paragraphs
        assert paragraphs[0].text == self.report.title and paragraphs[0].style.name == "Title"
        assert paragraphs[1].text.startswith("缺口县妇联　") and paragraphs[1].text.endswith("日")
        headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
        assert headings == [
            "一、基本情况",
            "二、干部队伍",
            "三、妇女参政",
            "四、工作开展",
            "五、同比变化",
            "六、问题与挑战",
            "七、思考与对策",
        ]
        texts = [p.text for p in paragraphs]
        assert "现有党政机关女干部22人，占总数的20%。县人大女代表40人，占总数的20%。" in texts
        assert texts[-2:] == ["一是配齐配强班子。", "二是落实经费。"]
        assert "1. 有组织无人员。" in texts
        used = {p.style.name for p in paragraphs} | {t.style.name for t in document.tables}
        assert used <= set(STYLE_FONTS)
        for name, (east_asian, *_rest) in STYLE_FONTS.items():
            style = document.styles[name]
            assert east_asian_font(style) == east_asian, name
            fonts = style.element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None

    def test_real_tables_with_a_header_row(self):
        document = self.read(survey_docx(report_view(self.report, compare=False).document))
        coverage = document.tables[0]
        assert coverage.style.name == "Table Grid"
        header = [cell.text for cell in coverage.rows[0].cells]
        assert header[0] == "单位" and header[-1] == "组建率"
        assert coverage.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        rows = {row.cells[0].text: [c.text for c in row.cells] for row in coverage.rows[1:]}
        assert rows["第2镇"][-2:] == ["9/12", "75%"]
        assert rows["合计"][-2:] == ["34/37", "91.9%"]
        changes = next(t for t in document.tables if t.rows[0].cells[0].text == "项目" and len(t.columns) == 5)
        first = [c.text for c in changes.rows[1].cells]
        assert first == ["已建立妇女组织", "34个", "33个", "+1", "+3%"]  # 本级 counted, as in 合计 34/37

    def test_charts_are_images_when_a_cjk_font_exists(self):
        if charts.cjk_font_path() is None:
            pytest.skip("没有中文字体（apt-get install fonts-wqy-microhei）")
        document = self.read(survey_docx(report_view(self.report, compare=False).document))
        assert len(document.inline_shapes) == 3  # coverage by township, officers by age, female shares

    def test_without_a_cjk_font_there_is_no_image_and_a_warning(self):
        charts.cjk_font_path.cache_clear()
        original = charts.KNOWN_FONT_FILES
        try:
            charts.KNOWN_FONT_FILES = ()
            with (
                self.assertLogs("reports.charts", logging.WARNING) as logs,
                pytest.MonkeyPatch.context() as patch,
            ):
                patch.setattr(charts, "CJK_FAMILIES", ())
                charts.cjk_font_path.cache_clear()
                content = survey_docx(report_view(self.report, compare=False).document)
            assert charts.NO_CJK_FONT in logs.output[0]
            assert len(self.read(content).inline_shapes) == 0
        finally:
            charts.KNOWN_FONT_FILES = original
            charts.cjk_font_path.cache_clear()

    def test_the_download_from_the_admin(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:reports_surveyreport_docx", args=[self.report.pk]))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
        assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
        assert self.read(response.content).paragraphs[0].text == self.report.title

    def test_a_final_report_downloads_its_snapshot(self):
        from stats.services import datavalues_save

        report = survey_report_finalize(report=self.report)
        datavalues_save(unit=self.gap, period="2012", values={"cadres": (120, 30)})
        texts = [p.text for p in self.read(survey_docx(report_view(report, compare=False).document)).paragraphs]
        assert "现有党政机关女干部22人，占总数的20%。县人大女代表40人，占总数的20%。" in texts


class SurveyCommandTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county6 = build_county6()

    def run_command(self, *args):
        out = StringIO()
        call_command("survey_report", *args, stdout=out)
        return out.getvalue()

    def test_docx_and_html(self):
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "报告.docx"
            assert "已生成" in self.run_command("990101", "--year", "2012", "-o", str(target))
            document = docx.Document(target)
            texts = [p.text for p in document.paragraphs]
            assert texts[0] == "关于调研县2012年妇女组织建设和妇女工作情况的调研报告"
            # The gaps of county6.py, counted by hand: 790 of 803 units, the county itself (本级) included.
            coverage = next(text for text in texts if text.startswith("全县应建立妇女组织的单位"))
            assert coverage.startswith(
                "全县应建立妇女组织的单位803个（含本级），已建立790个，组建率为98.4%，"
                "尚有13个未建立（乡镇3个、行政村4个、社区3个、县直机关单位3个）。"
            )
            page = Path(folder) / "报告.html"
            self.run_command("990101", "--year", "2012", "-o", str(page), "--user", "root")
            html = page.read_text(encoding="utf-8")
            assert html.startswith("<!DOCTYPE html>") and "@page" in html
            assert "现有党政机关女干部458人，占总数的19.7%。" in html and "<svg" in html

    def test_bad_input_is_refused_in_chinese(self):
        target = str(Path(tempfile.gettempdir()) / "survey.docx")
        cases = [
            (("999999", "--year", "2012", "-o", target), command.UNKNOWN_UNIT.format(code="999999")),
            (("990101", "--year", "12", "-o", target), command.BAD_YEAR.format(year="12")),
            (("990101", "--year", "二〇一二", "-o", target), command.BAD_YEAR.format(year="二〇一二")),
            (("990101", "--year", "2012", "-o", "report.pdf"), command.BAD_SUFFIX),
            (
                ("990101", "--year", "2012", "-o", target, "--user", "nobody"),
                command.UNKNOWN_USER.format(user="nobody"),
            ),
            (("990101", "--year", "2012", "-o", target, "--user", "county-clerk"), "“调研县”不在您的管辖范围内。"),
        ]
        for args, message in cases:
            with self.subTest(args=args), pytest.raises(CommandError) as caught:
                self.run_command(*args)
            assert str(caught.value) == message

    @pytest.mark.skipif(
        SOFFICE is None, reason="LibreOffice (soffice) 未安装：apt-get install libreoffice-writer-nogui"
    )
    def test_libreoffice_converts_the_docx_to_pdf(self):
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "survey.docx"
            self.run_command("990101", "--year", "2012", "-o", str(source))
            pdf = to_pdf(source)
            assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
