"""One figure for one thing: the report's text states the numbers of the 组建率 page's table, kind by kind,
本级 included, and counts the organisations by the form each has. Checked on 宽表县, which is not the
seed's county: gaps among its villages, enterprises and institutions, and villages of both forms."""

import io
import re

import openpyxl
from django.urls import reverse

from orgunits.models import OrgForm, OrgUnit
from reports.survey_figures import survey_figures, year_end
from reports.survey_text import report_sections
from stats.coverage import coverage
from stats.exports import coverage_xlsx
from stats.tables import TOTAL_LABEL, summary_table
from tests.base import TreeTestCase, page_text
from tests.reports.wide_county import YEAR, build_wide_county, township_code

# Villages still under the 妇代会 form: established ones of the first two townships.
CONGRESS_VILLAGES = [f"{township_code(t)}{200 + n:03d}" for t in (1, 2) for n in (1, 2)]


class OneFigureTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county = build_wide_county()
        villages = OrgUnit.objects.filter(code__in=CONGRESS_VILLAGES, org_established_on__isnull=False)
        cls.congress = villages.update(org_form=OrgForm.CONGRESS)
        cls.on = year_end(YEAR)

    def setUp(self):
        sections = report_sections(survey_figures(self.county, YEAR))
        basics = next(section for section in sections if section.key == "basics")
        self.text = basics.paragraphs[0].text
        self.table = {
            row[0].text: [cell.text for cell in row[1:4]] for row in summary_table(coverage(self.county, self.on)).rows
        }

    def test_the_total_is_the_tables_total_with_the_county_itself(self):
        eligible, established, rate = self.table[TOTAL_LABEL]
        assert self.text.startswith(
            f"全县应建立妇女组织的单位{eligible}个（含本级），已建立{established}个，组建率为{rate}，"
        )
        # The same 合计 as the page shows and the xlsx prints.
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("stats_coverage"), {"unit": self.county.pk, "on": self.on.isoformat()})
        shown = " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())
        assert f"{TOTAL_LABEL} {eligible} {established} {rate}" in shown
        sheet = openpyxl.load_workbook(io.BytesIO(coverage_xlsx(coverage(self.county, self.on)))).active
        total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == TOTAL_LABEL)
        assert total[-3:-1] == (int(eligible), int(established))

    def test_each_kind_with_gaps_has_its_own_rate_as_in_the_table(self):
        words = {"村": "行政村", "企业": "非公企业", "事业单位": "县直事业单位"}
        checked = 0
        for name, (eligible, established, rate) in self.table.items():
            word = next((w for key, w in words.items() if name.endswith(key)), None)
            if word and eligible != established:
                assert f"{word}{eligible}个，已建{established}个，{word}组建率为{rate}" in self.text, (name, self.text)
                checked += 1
        assert checked == 3, self.table

    def test_the_kinds_without_gaps_are_said_to_be_complete(self):
        complete = re.search(r"其中，(.*?)均已建立妇女组织，组建率达100%", self.text).group(1)
        assert complete.split("、") == [
            "乡镇12个",
            "街道2个",
            "开发区1个",
            "社区17个",
            "县直机关单位7个",
            "社会组织12个",
        ]

    def test_organisations_by_form_add_up_to_the_established(self):
        forms = re.search(r"共建有(.*?)。", self.text).group(1).split("、")
        counts = {
            re.match(r"(.*?)(\d+)个$", part).group(1): int(re.match(r".*?(\d+)个$", part).group(1)) for part in forms
        }
        assert sum(counts.values()) == int(self.table[TOTAL_LABEL][1])
        assert counts["行政村妇代会"] == self.congress == 4
        village_row = next(values for name, values in self.table.items() if name.endswith("村"))
        assert counts["行政村妇联"] + counts["行政村妇代会"] == int(village_row[1])
        assert counts["县妇联"] == 1
