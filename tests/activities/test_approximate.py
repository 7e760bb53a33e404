"""Activities given as approximate (约数, "30余场次") stay approximate in every column that writes them: the
survey report's 活动开展 table (page and .docx) for 本年 and 上年, as the 活动统计 page writes them, and the
活动统计 exports, which write them as the statistics export does ("30余" in a text cell).

The figures are the demo's shape: 双峰县's townships report their 宣讲 as approximate every year, 30余场次
and 1277余人次 in 2024; its trainings are exact in 2025 and were given as approximate in 2024."""

import csv
import io
import json

import docx
import openpyxl
from django.urls import reverse

from activities.measures import format_change_rate
from activities.services import activity_create
from reports.figures import from_snapshot, to_snapshot
from reports.narrative import generated_sections
from reports.survey_figures import survey_figures
from reports.survey_services import survey_report_create
from tests.activities.helpers import activity_type, training
from tests.base import TreeTestCase, day, page_text


def change(now: int, before: int) -> str:
    """The change as the 活动统计 page writes it, from the figures' own numbers, 余 or not."""
    return format_change_rate(now, before)


def in_report(now: int, before: int) -> str:
    """The report's 变化 column: the page's change without its 比上年同期."""
    return change(now, before).replace("比上年同期", "")


TABLE = [  # 活动类型, 项目, 本年, 上年同期, 变化
    ["培训", "举办各类培训", "135场次", "120余场次", in_report(135, 120)],
    ["培训", "培训妇女", "8500人次", "8500余人次", in_report(8500, 8500)],
    ["宣讲", "开展宣讲", "34余场次", "30余场次", in_report(34, 30)],
    ["宣讲", "受众", "1400余人次", "1277余人次", in_report(1400, 1277)],
]


def lecture(unit, on: str, sessions: int, participants: int):
    return activity_create(
        unit=unit,
        type=activity_type("lectures"),
        title=f"{unit.name}宣讲{on}",
        started_on=day(on),
        sessions=sessions,
        participants=participants,
        approximate=True,
    )


class ApproximateActivitiesTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        lecture(cls.heye, "2024-06-01", 18, 700)
        lecture(cls.yongfeng, "2024-07-01", 12, 577)
        lecture(cls.heye, "2025-06-01", 20, 800)
        lecture(cls.yongfeng, "2025-07-01", 14, 600)
        training(cls.heye, "2025-04-01", 100, 5000)
        training(cls.yongfeng, "2025-05-01", 35, 3500)
        training(cls.heye, "2024-04-01", 120, 8500, approximate=True)

    def setUp(self):
        self.client.force_login(self.superuser)

    def totals_url(self, **more) -> str:
        query = "".join(f"&{key}={value}" for key, value in more.items())
        return reverse("activities_totals") + f"?unit={self.shuangfeng.pk}&year=2025{query}"

    # ---- the survey report

    def test_the_report_table_marks_both_years(self):
        sections = {section.key: section for section in generated_sections(survey_figures(self.shuangfeng, 2025))}
        _title, table = sections["activity_records"].tables[0]
        assert table.headers == ["活动类型", "项目", "本年", "上年同期", "变化"]
        assert [[cell.text for cell in row] for row in table.rows] == TABLE

    def test_the_report_page_and_docx_write_the_table_as_the_totals_page_does(self):
        report = survey_report_create(unit=self.shuangfeng, year=2025)
        page = page_text(self.client.get(reverse("admin:reports_surveyreport_report", args=[report.pk])))
        for row in TABLE:
            assert "".join(f"<td>{text}</td>" for text in row[1:4]) in page.replace("\n", "").replace(" ", "")
        document = docx.Document(
            io.BytesIO(self.client.get(reverse("admin:reports_surveyreport_docx", args=[report.pk])).content)
        )
        table = next(t for t in document.tables if t.rows[0].cells[0].text == "活动类型")
        assert [[cell.text for cell in row.cells] for row in table.rows[1:]] == TABLE
        totals = page_text(self.client.get(self.totals_url()))
        for _type, _phrase, now, before, _change in TABLE:
            assert now in totals and before in totals

    def test_a_final_report_keeps_which_previous_figures_were_approximate(self):
        figures = survey_figures(self.shuangfeng, 2025)
        snapshot = json.loads(json.dumps(to_snapshot(figures)))
        assert from_snapshot(snapshot) == figures
        assert [line["previous_approximate"] for line in snapshot["activities"]["lines"]] == [True] * 4
        for line in snapshot["activities"]["lines"]:  # frozen before the field was kept: read as exact
            del line["previous_approximate"]
        assert not any(line.previous_approximate for line in from_snapshot(snapshot).activities.lines)

    # ---- the 活动统计 exports

    def expected_rows(self, numbers):
        """The export's rows; `numbers` the way the file gives figures back: as written, or as csv text."""
        return [
            ["合计", "培训", "举办各类培训", "场次", numbers(135), "120余", change(135, 120)],
            ["合计", "培训", "培训妇女", "人次", numbers(8500), "8500余", change(8500, 8500)],
            ["合计", "宣讲", "开展宣讲", "场次", "34余", "30余", change(34, 30)],
            ["合计", "宣讲", "受众", "人次", "1400余", "1277余", change(1400, 1277)],
            ["永丰街道", "培训", "举办各类培训", "场次", numbers(35), None, None],
            ["永丰街道", "培训", "培训妇女", "人次", numbers(3500), None, None],
            ["永丰街道", "宣讲", "开展宣讲", "场次", "14余", None, None],
            ["永丰街道", "宣讲", "受众", "人次", "600余", None, None],
            ["荷叶镇", "培训", "举办各类培训", "场次", numbers(100), None, None],
            ["荷叶镇", "培训", "培训妇女", "人次", numbers(5000), None, None],
            ["荷叶镇", "宣讲", "开展宣讲", "场次", "20余", None, None],
            ["荷叶镇", "宣讲", "受众", "人次", "800余", None, None],
        ]

    def test_the_xlsx_writes_approximate_figures_with_余(self):
        content = self.client.get(self.totals_url(period="year", export="xlsx")).content
        rows = [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
        assert rows[0] == ["区域", "活动类型", "项目", "计量单位", "本期", "上年同期", "比上年同期"]
        assert rows[1:] == self.expected_rows(int)

    def test_the_csv_writes_them_the_same_way(self):
        content = self.client.get(self.totals_url(period="year", export="csv")).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content)))
        expected = [[None if cell is None else str(cell) for cell in row] for row in self.expected_rows(str)]
        assert [[cell or None for cell in row] for row in rows[1:]] == expected
