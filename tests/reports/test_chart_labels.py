"""Chart labels are drawn as the plain text people typed, never read as TeX (issue 12, point 9)."""

import io

import docx
import pytest
from django.test import SimpleTestCase
from django.urls import reverse
from PIL import Image

from orgunits.models import OrgUnit
from orgunits.services import unit_update
from reports import charts
from reports.charts import Chart
from reports.survey_services import survey_report_create
from tests.base import TreeTestCase
from tests.reports.survey_fixtures import build_gap_county, township_code

FRACTION = "永丰街道$\\frac{$"  # a bad \frac: matplotlib's math parser raised, the .docx answered 500
BRACES = "$" + "{" * 98 + "$"  # 100 characters, the longest unit name: the math parser recursed without end
NAMES = [
    FRACTION,
    BRACES,
    "$" + "{" * 500 + "$",
    "$" + "{" * 500,
    "$x^2$",  # valid math, which would be drawn as x²
    "\\$5$",
    "第1镇",
]


def font_path() -> str:
    from matplotlib import font_manager

    # Without a Chinese font the glyphs are boxes, but the text objects are the same.
    return charts.cjk_font_path() or font_manager.findfont(font_manager.FontProperties())


class ChartTextTests(SimpleTestCase):
    def chart(self) -> Chart:
        return Chart("各下级单位妇女组织组建率", NAMES, [float(n * 10) for n in range(len(NAMES))])

    def test_every_name_renders_as_a_png(self):
        if charts.cjk_font_path() is None:
            pytest.skip("png() draws nothing without a Chinese font")
        content = charts.png(self.chart())
        assert Image.open(io.BytesIO(content)).format == "PNG"

    def test_the_drawn_labels_are_the_names_as_written_with_math_off(self):
        figure = charts.bar_figure(self.chart(), font_path())
        figure.canvas.draw()  # tick labels are settled only at drawing time
        axes = figure.axes[0]
        labels = axes.get_yticklabels()
        assert [label.get_text() for label in labels] == NAMES
        drawn_from_data = [*labels, axes.title, *axes.texts]
        assert axes.title.get_text() == "各下级单位妇女组织组建率"
        assert [text.get_text() for text in axes.texts] == [f"{n * 10}%" for n in range(len(NAMES))]
        for text in drawn_from_data:
            assert (text.get_parse_math(), text.get_usetex()) == (False, False), text.get_text()

    def test_a_dollar_in_the_title_or_the_suffix_stays_plain(self):
        chart = Chart("$\\frac{$占比", ["a$", "b$"], [1.0, 2.0], suffix="$")
        figure = charts.bar_figure(chart, font_path())
        figure.canvas.draw()
        axes = figure.axes[0]
        assert axes.title.get_text() == "$\\frac{$占比"
        assert [text.get_text() for text in axes.texts] == ["1$", "2$"]
        assert not any(text.get_parse_math() for text in [axes.title, *axes.texts, *axes.get_yticklabels()])


class SurveyDocxWithTeXLikeNamesTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.gap = build_gap_county()
        unit_update(unit=OrgUnit.objects.get(code=township_code(1)), name=FRACTION)
        unit_update(unit=OrgUnit.objects.get(code=township_code(2)), name=BRACES)
        cls.report = survey_report_create(unit=cls.gap, year=2012)

    def test_the_docx_downloads_with_the_names_in_its_chart_and_table(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:reports_surveyreport_docx", args=[self.report.pk]))
        assert response.status_code == 200
        document = docx.Document(io.BytesIO(response.content))
        assert document.paragraphs[0].text == self.report.title
        cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
        assert {FRACTION, BRACES} <= cells
        if charts.cjk_font_path() is not None:
            assert len(document.inline_shapes) >= 1
