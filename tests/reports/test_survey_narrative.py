"""The generated text of survey reports, checked sentence by sentence against the seed reports."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase

from orgunits.models import OrgUnit
from reports.figures import to_snapshot
from reports.sections import changes, common, politics
from reports.survey_document import build_document, parse_written
from reports.survey_figures import survey_figures
from reports.survey_text import report_sections
from stats.formatting import format_count
from tests.base import TreeTestCase
from tests.reports.county6 import GAPS, build_county6
from tests.reports.survey_fixtures import build_gap_county

DATED = datetime.date(2013, 1, 15)


def document(figures, problems="", measures=""):
    return build_document(
        title="调研报告",
        unit_name=figures.unit.name,
        year=figures.year,
        sections=report_sections(figures),
        problems=problems,
        measures=measures,
        dated=DATED,
    )


class County6SentencesTests(TreeTestCase):
    """Survey report 6 of the seed, regenerated from the county rebuilt from its figures, with the gaps
    of county6.py. The coverage figures are counted by hand from its GAPS: below the county itself (本级)
    at the end of 2012, townships 15 of 18, villages 652 of 656, communities 28 of 31, agencies 94 of 97:
    789 of 802; at the end of 2011, 17 of 19, 654 of 657, 30 of 32 and 96 of 98: 797 of 806."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_county6()

    def setUp(self):
        self.figures = survey_figures(self.county, 2012)
        self.doc = document(self.figures)

    def test_coverage_and_population(self):
        assert self.doc.section("basics").texts == [
            # 789 / 802 = 98.38%; missing 3 + 4 + 3 + 3 = 13. Below it: 第1镇 48 / 52, 第2镇 47 / 50,
            # the three gap townships counted (不计镇 has nothing eligible) and the agencies 94 / 97.
            # The county itself (本级) is counted, as in the table's 合计 (790/803) and on the 组建率 page.
            "全县应建立妇女组织的单位803个（含本级），已建立790个，组建率为98.4%，"
            "尚有13个未建立（乡镇3个、行政村4个、社区3个、县直机关单位3个）。"
            "其中，乡镇18个，已建15个，乡镇组建率为83.3%；行政村656个，已建652个，行政村组建率为99.4%；"
            "社区31个，已建28个，社区组建率为90.3%；县直机关单位97个，已建94个，县直机关单位组建率为96.9%。"
            "共建有县妇联1个、乡镇妇联15个、行政村妇联652个、社区妇联28个、县直机关单位妇委会94个。"
            "组建率低于全县水平（98.4%）的有第1镇（92.3%）、第2镇（94%）、未建镇（0%）、解散镇（0%）、"
            "后建镇（0%）、县直单位（96.9%）。",
            "全县总人口81万，其中女性人口38.24万人。",
        ]

    def test_women_in_public_office(self):
        assert politics.politics_sentences(self.figures) == [
            "现有党政机关女干部458人，占总数的19.7%。",
            "其中女科级干部139人，占总数的6%。",
            "县人大女代表27人，县政协女委员25人，分别占总数的10%、11%。",
            "女党员3954名，占总数的14%。",
            "村党组织委员1971人，其中女委员317人（占16.1%），女支部书记28人；"
            "村委会委员1961人，其中女委员671人（占34.2%），女村主任21人。",
        ]

    def test_sections_without_data_are_left_out(self):
        # No officers, no trainings or complaints, no figures the year before but coverage.
        assert [s.heading for s in self.doc.sections] == ["一、基本情况", "二、妇女参政", "三、同比变化"]
        # 790 against 798 (8 / 798 = 1.0%); 98.4% (790 / 803) against 98.9% (798 / 807), as printed.
        assert self.doc.section("changes").texts == [
            "组织建设方面，已建立妇女组织790个，比上年下降1%。",
            "组建率98.4%，比上年降低0.5个百分点。",
        ]

    def test_tables_and_chart_of_the_coverage_section(self):
        caption, table = self.doc.section("basics").tables[0]
        assert caption == "妇女组织组建情况（按下级单位）"
        assert table.headers[0] == "单位" and table.headers[-1] == "组建率"
        assert [row[0].text for row in table.rows][:2] == ["本级", "第1镇"]
        assert [cell.text for cell in table.rows[-1]][-2:] == ["790/803", "98.4%"]  # the county itself included
        chart = self.doc.section("basics").charts[0]
        assert chart.labels[:2] == ["第1镇", "第2镇"] and chart.labels[-1] == "县直单位"
        shown = {label: round(value, 1) for label, value in zip(chart.labels, chart.values, strict=True)}
        assert [shown[label] for label in ("第1镇", "第2镇", "第3镇", "第15镇", "未建镇", "解散镇", "后建镇")] == [
            92.3,
            94.0,
            100.0,
            100.0,
            0.0,
            0.0,
            0.0,
        ]
        assert shown["县直单位"] == 96.9

    def test_the_figures_are_plain_json(self):
        import json

        snapshot = to_snapshot(self.figures)
        assert json.loads(json.dumps(snapshot)) == snapshot


class GapCountySentencesTests(TreeTestCase):
    """Incomplete coverage, a year before to compare with, and a small roster."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_gap_county()

    def setUp(self):
        self.figures = survey_figures(self.county, 2012)
        self.doc = document(self.figures)

    def test_the_gap_and_the_townships_below_the_county(self):
        assert self.doc.section("basics").texts == [
            "全县应建立妇女组织的单位37个（含本级），已建立34个，组建率为91.9%，尚有3个未建立（行政村3个）。"
            "其中，乡镇3个、社区3个均已建立妇女组织，组建率达100%；行政村30个，已建27个，行政村组建率为90%。"
            "共建有县妇联1个、乡镇妇联3个、行政村妇联27个、社区妇联3个。"
            "组建率低于全县水平（91.9%）的有第2镇（75%）。",
            "全县总人口12万，其中女性人口5.9万人。",
        ]

    def test_year_over_year(self):
        # One short sentence per theme; items moving the same way share "分别比上年上升…、…".
        assert self.doc.section("changes").texts == [
            "组织建设方面，已建立妇女组织34个、在任妇女组织干部5人，分别比上年上升3%、25%。",
            "人口方面，总人口12万人，与上年持平；总人口中女性5.9万人，比上年上升1%。",
            "干部队伍方面，党政机关干部110人、党政机关干部中女性22人，分别比上年上升10%、10%。",
            "参政议政方面，人大代表200人、人大代表中女性40人，分别比上年下降5%、5%。",
            "教育培训方面，培训班50场次，比上年上升25%。",
            "维权服务方面，受理维权投诉40件、办结维权投诉36件，分别比上年上升33%、20%。",
            # Points are the difference of the rates as printed: 91.9% − 89.2%.
            "组建率91.9%、女性人口占比49.2%，分别比上年提高2.7、0.4个百分点；"
            "党政机关女干部占比20%、人大代表中女性占比20%，均与上年持平；维权投诉办结率90%，比上年降低10个百分点。",
        ]
        assert [p.key for p in self.doc.section("changes").paragraphs] == [
            "changes.organisation",
            "changes.population",
            "changes.cadres",
            "changes.politics",
            "changes.training",
            "changes.rights",
            "changes.rates",
        ]

    def test_the_year_over_year_table_signs_every_change_with_one_minus_sign(self):
        _caption, table = self.doc.section("changes").tables[0]
        rows = {row[0].text: [cell.text for cell in row[1:]] for row in table.rows}
        assert rows["人大代表"] == ["200人", "210人", "−10", "−5%"]
        assert rows["培训班"] == ["50场次", "40场次", "+10", "+25%"]
        assert rows["总人口中女性"] == ["5.9万人", "5.85万人", "+500", "+1%"]
        assert rows["组建率"] == ["91.9%", "89.2%", "+2.7个百分点", "—"]
        assert rows["维权投诉办结率"] == ["90%", "100%", "−10个百分点", "—"]
        assert not any("-" in text for texts in rows.values() for text in texts)

    def test_officers(self):
        first, structure, all_chairs, chairs, executives = self.doc.section("officers").texts
        assert first == (
            "全县各级妇女组织现有在任干部5人。其中主席1人、妇女主任4人；新任的1人，占20%。女性5人，占100%。"
            "专兼职情况：专职1人、兼职4人。"
        )
        # Education by the national default groups; the village chair who started in 2012 is 新任 (no term).
        assert structure == (
            "年龄结构：35岁及以下的4人，占80%；36–45岁的1人，占20%。"
            "大学以上文化程度的1人，占20%；高中及中专文化程度的4人，占80%。"
            "政治面貌：中共党员3人，占60%；群众2人，占40%。"
        )
        assert all_chairs == (
            "担任主席（负责人）的5人。主席中，新任的1人，占20%；35岁及以下的4人，占80%；36–45岁的1人，占20%；"
            "大学以上文化程度的1人，占20%；高中及中专文化程度的4人，占80%。"
        )
        assert chairs == (
            "村（社区）妇联主席4人，其中进村（居）“两委”的4人，进两委率100%；"
            "同时担任计育专干和妇幼保健员的2人，“三位一体”率50%。"
        )
        # No 执委 entered in the 30 villages and communities with an organisation: against 15 each.
        assert executives == (
            "全县村（社区）妇联执委0人，按每村15人配备标准应配450人，配备率0%；"
            "30个村（社区）妇联中达到配备标准的0个，占0%。"
        )

    def test_activities(self):
        assert self.doc.section("activities").texts == [
            "2012年，共举办各级各类培训班50场次，培训8000人次，其中女性7000人次。"
            "共受理维权投诉40件，已办结36件，办结率90%。"
        ]

    def test_headings_are_numbered_in_order_with_the_written_sections_last(self):
        doc = document(self.figures, problems="一是组织不健全。", measures="加强组织建设。")
        assert [s.heading for s in doc.sections] == [
            "一、基本情况",
            "二、干部队伍",
            "三、妇女参政",
            "四、工作开展",
            "五、同比变化",
            "六、问题与挑战",
            "七、思考与对策",
        ]


class PhrasesTests(SimpleTestCase):
    def test_change_clauses(self):
        item = changes.ChangeItem
        rising = [item("不稳定因素", 5, 2, "起"), item("矛盾纠纷", 756, 628, "起")]
        assert changes.count_clause(changes.RISING, rising) == "不稳定因素5起、矛盾纠纷756起，分别比上年上升150%、20%"
        assert changes.count_clause(changes.FALLING, [item("干部", 9, 10, "人")]) == "干部9人，比上年下降10%"
        assert changes.count_clause(changes.FLAT, [item("干部", 7, 7, "人")]) == "干部7人，与上年持平"
        assert changes.count_clause(changes.FROM_NONE, [item("投诉", 4, 0, "件")]) == "投诉4件，上年为0"

    def test_rate_changes_are_taken_from_the_rates_as_printed(self):
        rate = changes.RateItem("女性占比", Decimal("48.8"), Decimal("48.74"))  # printed 48.8% and 48.7%
        assert changes.rate_clause(rate.direction, [rate]) == "女性占比48.8%，比上年提高0.1个百分点"
        same = changes.RateItem("女性占比", Decimal("19.7"), Decimal("19.72"))
        assert changes.rate_clause(same.direction, [same]) == "女性占比19.7%，与上年持平"
        two = changes.RateItem("女性占比", Decimal("26.82"), Decimal("17.99"), decimals=2)
        assert changes.rate_clause(two.direction, [two]) == "女性占比26.82%，比上年提高8.83个百分点"

    def test_counts_in_wan(self):
        assert format_count(810_000, wan=True) == "81万"
        assert format_count(382_400, wan=True) == "38.24万"
        assert format_count(81_000, wan=True) == "8.1万"
        assert format_count(9_999, wan=True) == "9999"
        assert format_count(28_243) == "28243"

    def test_area_words(self):
        assert common.area_word("county", "双峰县") == "县"
        assert common.area_word("county", "浦东新区") == "区"
        assert common.area_word("township", "荷叶镇") == "镇"
        assert common.area_word("city", "湘西土家族苗族自治州") == "州"
        assert common.area_word("agency", "县委组织部") == ""

    def test_written_sections_have_paragraphs_and_numbered_points(self):
        text = (
            "新形势下婦聯工作还存在“六个不适应”。\n续写的一行。\n\n"
            "1、思想观念不相适应。\n2. 组织建设不相适应，\n有组织无人员。\n"
            "（三）投入保障不足。\n一是经费没有纳入预算。\n\n<script>alert(1)</script>"
        )
        blocks = [(b.kind, b.text) for b in parse_written(text)]
        assert blocks == [
            ("paragraph", "新形势下婦聯工作还存在“六个不适应”。续写的一行。"),
            ("point", "1、思想观念不相适应。"),
            ("point", "2. 组织建设不相适应，有组织无人员。"),
            ("point", "（三）投入保障不足。"),
            ("point", "一是经费没有纳入预算。"),
            ("paragraph", "<script>alert(1)</script>"),  # kept as text; templates escape it
        ]


class County6AsPrintedTests(TreeTestCase):
    """Without the gaps (every gap unit excluded), the county is the report's own: all established."""

    def test_the_report_says_every_eligible_unit_is_established(self):
        county = build_county6()
        OrgUnit.objects.filter(code__in=[gap.code for gap in GAPS]).update(eligibility=OrgUnit.Eligibility.EXCLUDED)
        basics = document(survey_figures(county, 2012)).section("basics").texts
        assert basics[0].startswith(
            "全县共有乡镇15个、行政村651个、社区28个、县直机关单位93个，连同本级共788个单位，"
            "均已建立妇女组织，组建率达100%。"
        ), basics[0]
