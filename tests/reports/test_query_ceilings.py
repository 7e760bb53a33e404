"""Query ceilings (issue 14) of the statistics pages (coverage, indicators, data entry), their
exports, the figures' import and export, and the survey report's page and .docx.
tests/query_ceilings.py builds the world and counts; tests/test_query_ceilings.py has the admin's
lists, history pages and autocompletes."""

from django.urls import reverse

from imports.spreadsheets import table_csv
from orgunits.models import OrgUnit
from reports.survey_services import survey_report_create, survey_report_finalize, survey_report_reopen
from stats.models import DataElement, DataValue
from stats.stats_import import LONG_COLUMNS, export_wide, wide_columns
from tests.query_ceilings import USERS, YEAR, CeilingWorld

# (superuser, county clerk), measured on PostgreSQL. An import is asked with a file of N changed
# and N new rows, then 3N and 3N.
CEILINGS = {
    # +6 since 执委配备 and 执委履职 below the table: the tree, the seats, the kinds, one grouped query
    # and the children; the year's duties in one grouped query.
    "reports coverage": (19, 22),
    "reports coverage export xlsx": (12, 15),
    "reports coverage export csv": (12, 15),
    # +1 or +2 since issue 17: whether the tree changed after the date (orgunits.as_of), once per coverage.
    # +1 since issue 18: the elements compared with the same span a year earlier (their sums are shared).
    "reports indicators": (19, 22),
    # +1 since issue 17: 下级报送情况 lists the children as they stood at the end of the year.
    "reports entry": (9, 12),
    "stats.datavalue export xlsx": (7, 10),
    "stats.datavalue export csv": (7, 10),
    # +2 since issue 16: the default age bands and education groups (rosters.profiles), one query each.
    # +1 since issue 17: whether the tree changed after the year's end, for the evidence's worklists.
    # +4 since the facilities (阵地建设): their coverage's kinds, unit kinds, grouped query and children;
    # +4 (+3 final) since the activities and honours (活动开展); +4 since 执委配备 (seats, kinds, one grouped
    # query, children), the final report's live figures (what changed) included.
    # −2 since the roster rollups (rosters.roster_rollups): the officers' statistics read their cells'
    # versions and tallies (two queries) where they were counted (three).
    "reports.surveyreport report": (42, 45),
    "reports.surveyreport report final": (35, 38),
    "reports.surveyreport docx": (36, 39),
    # +1 since issue 17: whether any division change was applied, before looking up old codes.
    "stats.datavalue import long preview": (8, 12),
    "stats.datavalue import long confirm": (14, 18),
    "stats.datavalue import wide preview": (8, 12),
    "stats.datavalue import wide confirm": (14, 18),
}

# The first request after the officers changed counts their changed cells again (rosters.roster_rollups:
# the rows, people, crossers and 新任 of those cells, then the tallies kept and the outdated dropped):
# the superuser asks first at 3N; the clerk then finds the tallies kept.
GROWTH = {"reports.surveyreport report": (6, 0)}


class StatisticsCeilingTests(CeilingWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.final_report = survey_report_finalize(report=survey_report_create(unit=cls.probe, year=YEAR - 1))

    def grow(self):
        super().grow()
        # Frozen again, so the final report's own figures have 3N villages too.
        self.final_report = survey_report_finalize(report=survey_report_reopen(report=self.final_report))

    def test_the_pages_and_exports_cost_the_same_whatever_their_length(self):
        def pages():
            unit, year = self.probe.pk, YEAR
            coverage = reverse("stats_coverage") + f"?unit={unit}&on={YEAR + 1}-06-30&compare=on"
            figures = reverse("admin:stats_datavalue_export")
            return {
                "reports coverage": coverage,
                "reports coverage export xlsx": coverage + "&export=xlsx",
                "reports coverage export csv": coverage + "&export=csv",
                "reports indicators": reverse("stats_indicators") + f"?unit={unit}&year={year}",
                "reports entry": reverse("stats_entry") + f"?unit={unit}&year={year}",
                "stats.datavalue export xlsx": figures,
                "stats.datavalue export csv": figures + "?format=csv",
                "reports.surveyreport report": reverse(
                    "admin:reports_surveyreport_report", args=[self.probe_report.pk]
                ),
                "reports.surveyreport report final": reverse(
                    "admin:reports_surveyreport_report", args=[self.final_report.pk]
                ),
                "reports.surveyreport docx": reverse("admin:reports_surveyreport_docx", args=[self.probe_report.pk]),
            }

        self.assert_constant(CEILINGS, pages, shown=lambda response: len(response.content), growth=GROWTH)

    # ---- the figures' import, long and wide

    def villages(self, count: int) -> list[OrgUnit]:
        return list(OrgUnit.objects.children_of(self.probe).order_by("code")[:count])

    def new_year(self, user: str, rows: int) -> int:
        """A year no other file of the test uses, for the new rows."""
        return 1950 + 30 * USERS.index(user) + rows

    def long_file(self, user: str, rows: int) -> bytes:
        """rows villages' cadres changed, and rows new figures."""
        villages = self.villages(rows)
        changed = [[v.code, v.name, "cadres", YEAR, 12 + USERS.index(user), 4] for v in villages]
        new = [[v.code, v.name, "party_members", self.new_year(user, rows), 30, 10] for v in villages]
        return table_csv([column.header for column in LONG_COLUMNS], changed + new)

    def wide_file(self, user: str, rows: int) -> bytes:
        """rows villages' figures of the year with cadres changed, and the same figures for a new year."""
        headers, lines = export_wide(DataValue.objects.filter(unit__in=self.villages(rows), period=str(YEAR)))
        fields = [column.field for column in wide_columns(list(DataElement.objects.order_by("sort_order", "code")))]
        cadres, period = fields.index("cadres.total"), fields.index("period")
        changed = [[*line[:cadres], 12 + USERS.index(user), *line[cadres + 1 :]] for line in lines]
        new = [[*line[:period], self.new_year(user, rows), *line[period + 1 :]] for line in lines]
        return table_csv(headers, changed + new)

    def test_the_long_import_costs_the_same_whatever_the_length_of_the_file(self):
        self.grow()
        self.assert_import_constant(CEILINGS, "stats.datavalue import long", "stats_datavalue", self.long_file)

    def test_the_wide_import_costs_the_same_whatever_the_length_of_the_file(self):
        self.grow()
        self.assert_import_constant(CEILINGS, "stats.datavalue import wide", "stats_datavalue", self.wide_file)
