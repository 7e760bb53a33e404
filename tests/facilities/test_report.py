"""阵地建设 in the survey report: the coverage per kind in the seed's register, a table, a snapshot that
keeps them, and no section without facilities."""

import json

from facilities.coverage import facility_coverage
from orgunits.models import OrgUnit
from reports.figures import FIGURES_VERSION, from_snapshot, to_snapshot
from reports.survey_figures import survey_figures, year_end
from reports.survey_text import report_sections
from tests.base import TreeTestCase
from tests.facilities import small_tree


def section(figures, key="facilities"):
    return next((s for s in report_sections(figures) if s.key == key), None)


class FacilitySectionTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.township, *_ = small_tree.build(cls.shuangfeng)

    def test_the_sentence_and_the_table_state_the_pages_figures(self):
        made = section(survey_figures(self.township, 2025))
        assert made.title == "阵地建设"
        assert made.texts == ["全镇已建成妇女之家6个，覆盖率为75%；儿童之家3个，覆盖率为37.5%；巾帼书屋尚未建成。"]
        caption, table = made.tables[0]
        assert caption == "阵地覆盖情况（已建/应建）"
        assert table.headers == ["单位", "妇女之家", "儿童之家", "巾帼书屋"]
        assert [cell.text for cell in table.rows[-1]] == ["合计", "6/8（75%）", "3/8（37.5%）", "0/8（0%）"]
        page = facility_coverage(self.township, year_end(2025))
        women = page.kinds[0]
        assert page.summary.tally(women).established == 6

    def test_the_county_says_全县_and_达_when_complete(self):
        text = section(survey_figures(self.shuangfeng, 2025)).texts[0]
        assert text.startswith("全县已建成妇女之家6个，覆盖率为")
        village = OrgUnit.objects.get(name="阵地1村")
        made = section(survey_figures(village, 2025))
        assert made.texts[0].startswith("全村已建成妇女之家1个，覆盖率达100%；儿童之家1个，覆盖率达100%")

    def test_left_out_without_facilities(self):
        assert section(survey_figures(self.xianghe, 2025)) is None
        # The year before any facility opened.
        assert section(survey_figures(self.township, 2019)) is None

    def test_a_snapshot_keeps_the_figures_and_an_older_one_reads_without_them(self):
        figures = survey_figures(self.township, 2025)
        snapshot = json.loads(json.dumps(to_snapshot(figures)))
        assert snapshot["version"] == FIGURES_VERSION
        assert from_snapshot(snapshot) == figures
        older = {key: value for key, value in snapshot.items() if key != "facilities"} | {"version": 3}
        assert from_snapshot(older).facilities.kinds == ()
        assert section(from_snapshot(older)) is None
