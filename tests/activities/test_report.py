"""活动开展 in the survey report: per type in the seed's register, 上年同期, honours by level, left out when
empty, and kept in a final report's snapshot (since version 4; older snapshots read it as empty)."""

from decimal import Decimal

from activities.services import activity_create
from reports.figures import FIGURES_VERSION, from_snapshot, to_snapshot
from reports.narrative import generated_sections
from reports.sections import activity_records
from reports.survey_figures import survey_figures
from tests.activities.helpers import activity_type, honour, training
from tests.base import TreeTestCase, day


class ActivityReportTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        training(cls.heye, "2025-04-01", 100, 5000)
        training(cls.yongfeng, "2025-05-01", 35, 3500)
        training(cls.heye, "2024-04-01", 120, 8500)
        activity_create(
            unit=cls.shuangfeng,
            type=activity_type("chunlei"),
            title="春蕾助学",
            started_on=day("2025-09-01"),
            served=38,
            amount=Decimal("12000"),
        )
        honour(cls.heye, "巾帼文明岗", "province", "2025-03-08")
        honour(cls.yongfeng, "巾帼文明岗", "national", "2025-03-08")
        honour(cls.yongfeng, "巾帼示范村", "province", "2025-10-08")

    def test_the_sentences(self):
        figures = survey_figures(self.shuangfeng, 2025)
        assert activity_records.activities_text(figures) == (
            "据活动台账，全年举办各类培训135场次，比上年同期增长13%，培训妇女8500人次，与上年同期持平。"
            "资助春蕾女童38人，发放助学金1.2万元。"
        )
        assert activity_records.honours_text(figures) == (
            "全年共获得各级表彰3项，其中国家级1项（“巾帼文明岗”1个），省级2项（“巾帼文明岗”1个、“巾帼示范村”1个）。"
        )

    def test_the_section_is_in_the_report_with_its_table(self):
        sections = {section.key: section for section in generated_sections(survey_figures(self.shuangfeng, 2025))}
        made = sections["activity_records"]
        assert made.title == "活动开展"
        title, table = made.tables[0]
        assert title == "活动开展情况"
        assert [cell.text for cell in table.rows[0]] == ["培训", "举办各类培训", "135场次", "120场次", "增长13%"]

    def test_left_out_when_there_are_none(self):
        sections = generated_sections(survey_figures(self.shuangfeng, 2020))
        assert "activity_records" not in [section.key for section in sections]

    def test_the_snapshot_keeps_them_and_older_ones_read_as_empty(self):
        figures = survey_figures(self.shuangfeng, 2025)
        snapshot = to_snapshot(figures)
        assert snapshot["version"] == FIGURES_VERSION == 6
        assert from_snapshot(snapshot) == figures
        older = {key: value for key, value in snapshot.items() if key != "activities"} | {"version": 3}
        assert from_snapshot(older).activities.lines == ()
