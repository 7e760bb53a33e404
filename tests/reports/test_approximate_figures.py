"""Approximate statistics figures (issue 18, measures): a county that knows only "5200余场次" enters or
imports it as 5200余; the sums it goes into stay approximate, and the pages, exports and survey reports
write it the way the seed reports do ("5200余场次", "8万余人次")."""

import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from imports.spreadsheets import table_xlsx
from reports.figures import from_snapshot
from reports.survey_services import survey_report_create, survey_report_finalize
from reports.survey_views import report_view
from stats import errors
from stats.models import DataValue
from stats.periods import Period
from stats.services import datavalues_save, parse_figure, subtree_values
from stats.stats_import import export_wide
from tests.base import TreeTestCase, page_text
from tests.conftest import FIXTURES
from tests.reports.survey_fixtures import grant_survey_perms
from tests.reports.test_admin_pages import with_report_perms

STATS = FIXTURES / "stats"


def stored(period="2023"):
    return {
        (value.unit.code, value.element.code): (value.total, value.female, value.approximate)
        for value in DataValue.objects.filter(period=period).select_related("unit", "element")
    }


def import_file(path) -> str:
    out = StringIO()
    call_command("import_stats", str(path), stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5200余", (5200, True)),
        (" 5,200余 ", (5200, True)),
        ("5200", (5200, False)),
        (5200, (5200, False)),
        ("", (None, False)),
    ],
)
def test_a_figure_is_read_with_its_approximation(raw, expected):
    assert parse_figure(raw, what="培训班合计") == expected


@pytest.mark.parametrize("raw", ["余", "约5200", "5200.5余", "余5200"])
def test_what_is_not_a_count_is_refused_with_the_way_to_write_one(raw):
    with pytest.raises(ValidationError) as caught:
        parse_figure(raw, what="培训班合计")
    assert caught.value.messages == [errors.COUNT_NOT_INTEGER.format(what="培训班合计", value=raw)]
    assert "约数写作“5200余”" in caught.value.messages[0]


class ApproximateFiguresTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        import_file(STATS / "approximate.csv")

    def test_the_import_keeps_which_figures_were_approximate(self):
        assert stored() == {
            ("431321101", "training_sessions"): (5200, None, True),
            ("431321101", "trainees"): (80000, 50000, True),
            ("431321001", "training_sessions"): (30, None, False),
        }
        assert stored("2022")[("431321101", "training_sessions")] == (4800, None, False)
        assert "未变5行" in import_file(STATS / "approximate.csv")

    def test_bad_approximations_are_refused_by_row_and_column_and_nothing_is_written(self):
        before = stored()
        with pytest.raises(CommandError) as caught:
            import_file(STATS / "bad_approximate.csv")
        message = str(caught.value)
        assert "第2行，列“合计”，值“余”：" + errors.COUNT_NOT_INTEGER.format(what="培训班合计", value="余") in message
        assert "第3行，列“合计”，值“约8000”：" in message
        assert stored() == before

    def test_the_export_writes_them_as_typed_and_imports_back_unchanged(self):
        headers, rows = export_wide(DataValue.objects.filter(period="2023"))
        heye = next(row for row in rows if row[0] == "431321101")
        line = dict(zip(headers, heye, strict=True))
        assert line["培训班"] == "5200余" and line["受训人次"] == "80000余" and line["受训人次其中女性"] == "50000余"
        before, entries = stored(), DataValue.history.count()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "统计数据.xlsx"
            path.write_bytes(table_xlsx("统计数据", headers, rows))
            assert "未变2行" in import_file(path)
        assert stored() == before and DataValue.history.count() == entries

    def test_an_exact_figure_replacing_an_approximate_one_is_a_change_in_the_history(self):
        datavalues_save(unit=self.heye, period="2023", values={"training_sessions": ("5200", None)})
        value = DataValue.objects.get(unit=self.heye, period="2023", element__code="training_sessions")
        assert (value.total, value.approximate) == (5200, False)
        assert [entry.approximate for entry in value.history.order_by("history_id")] == [True, False]

    def test_a_sum_with_one_approximate_figure_is_approximate(self):
        sums = subtree_values(self.shuangfeng, Period(2023))
        assert sums["training_sessions"] == (5230, None)
        assert sums.approximate == {"training_sessions", "trainees"}
        assert subtree_values(self.yongfeng, Period(2023)).approximate == set()
        assert subtree_values(self.shuangfeng, Period(2022)).approximate == set()

    def test_the_survey_report_writes_them_as_the_reports_do_and_the_final_one_keeps_them(self):
        report = survey_report_create(unit=self.shuangfeng, year=2023)
        texts = [p.text for s in report_view(report, compare=False).document.sections for p in s.paragraphs]
        text = " ".join(texts)
        assert "2023年，共举办各级各类培训班5230余场次，培训8万余人次，其中女性5万余人次。" in text
        assert "培训班5230余场次" in text  # the comparison with 2022's 4800场次
        report = survey_report_finalize(report=report)
        snapshot = json.loads(json.dumps(report.snapshot))
        assert snapshot["approximate"] == ["trainees", "training_sessions"] and snapshot["approximate_previous"] == []
        assert from_snapshot(snapshot).is_approximate("trainees")
        assert [p.text for s in report_view(report, compare=False).document.sections for p in s.paragraphs] == texts

    def test_the_indicators_page_writes_the_sum_as_approximate(self):
        self.client.force_login(with_report_perms(self.county_clerk))
        page = page_text(self.client.get(reverse("stats_indicators"), {"unit": self.shuangfeng.pk, "year": 2023}))
        assert "5230余场次" in page and "4800场次" in page
        assert "受训8万余人次" in page  # the one rule for 万, as in the report; its name not said twice


class ApproximateEntryTests(TreeTestCase):
    def setUp(self):
        grant_survey_perms(with_report_perms(self.county_clerk))
        self.client.force_login(self.county_clerk)
        self.url = reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023"

    def test_the_clerk_types_5200余_and_sees_it_again(self):
        response = self.client.post(self.url, {"training_sessions__total": "5200余", "trainees__female": "3000余"})
        assert response.status_code == 200  # 女性 without 合计 is refused, nothing saved
        assert errors.FEMALE_WITHOUT_TOTAL.format(element="受训人次") in response.content.decode()
        assert not DataValue.objects.exists()
        fields = {"training_sessions__total": "5200余", "trainees__total": "8000", "trainees__female": "3000余"}
        assert self.client.post(self.url, fields).status_code == 302
        assert stored() == {
            ("431321101", "training_sessions"): (5200, None, True),
            ("431321101", "trainees"): (8000, 3000, True),
        }
        page = self.client.get(self.url).content.decode()
        assert 'value="5200余"' in page and 'value="8000余"' in page and 'value="3000余"' in page
        assert "数字为约数时在后面加“余”" in page

    def test_余_alone_is_refused_on_the_form(self):
        response = self.client.post(self.url, {"training_sessions__total": "余"})
        assert errors.COUNT_NOT_INTEGER.format(what="培训班合计", value="余") in response.content.decode()
        assert not DataValue.objects.exists()

    def test_the_township_clerk_of_another_township_cannot_write_them(self):
        self.client.force_login(with_report_perms(self.township_clerk))
        response = self.client.post(self.url, {"training_sessions__total": "5200余"})
        # 荷叶镇 is not hers: the chooser refuses it as it refuses a unit that does not exist
        assert 'name="training_sessions__total"' not in response.content.decode()
        assert not DataValue.objects.exists()
