"""The demo data (`make demo`): every page has something believable to show, a second run changes
nothing, and what docs/demo.md says about it is true."""

import datetime
import re
from collections import Counter
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from access.scope import Scope
from facilities.coverage import facility_coverage
from facilities.models import Facility
from orgunits.loader import read_divisions
from orgunits.models import OrgUnit, UnitChange
from registry.demo import DEMO_TODAY
from registry.demo.organisations import county_plans, read_hosts
from registry.demo.rosters import pick_specials, shuangfeng_roster, xianghe_roster
from registry.management.commands.load_demo import DEMO_DIR
from reports.models import SurveyReport
from reports.survey_views import report_view
from rosters.executive import executive_staffing, executives_below_norm
from rosters.identity import id_birth_date, id_sex, validate_id_number, validate_mobile
from rosters.models import Appointment, DutyRecord, Person, Term
from rosters.profiles import roster_stats
from rosters.selectors import busy_people, organisations_without_chair, terms_due, vacant_seats
from stats.conversion import conversions
from stats.coverage import coverage, coverage_with_previous_year
from stats.models import DataValue

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "docs" / "samples"
SHUANGFENG = "431321"
WORKLISTS = ("without-chair", "terms-due", "busy", "vacant-seats")
# A handful to a few dozen: enough to show the list, few enough to act on.
HANDFUL, FEW_DOZEN = 5, 40
SECTIONS = [
    "基本情况",
    "阵地建设",
    "干部队伍",
    "妇女参政",
    "工作开展",
    "活动开展",
    "同比变化",
    "问题与挑战",
    "思考与对策",
]


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def worklist_counts(on: datetime.date = DEMO_TODAY) -> dict[str, int]:
    county = OrgUnit.objects.get(code=SHUANGFENG)
    return {
        "without-chair": organisations_without_chair(county, on).count(),
        "terms-due": terms_due(county, on).count(),
        "busy": busy_people(county, on).count(),
        "vacant-seats": vacant_seats(county, on)[1].count(),
        "executives-below-norm": executives_below_norm(county, on).count(),
    }


def table_counts() -> dict[str, int]:
    """Every table of ours, histories included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("orgunits", "access", "rosters", "stats", "reports", "auth")
    }


def demo_section() -> str:
    text = (ROOT / "docs" / "demo.md").read_text(encoding="utf-8")
    start = text.index("The demo data, as of")
    return text[start : text.index("\n## ", start)]


def readme_number(pattern: str) -> int:
    found = re.search(pattern, demo_section())
    assert found, pattern
    return int(found.group(1).replace(",", ""))


class LoadedDemoTests(TestCase):
    """The demo as `make demo` loads it, once for all the tests here (each runs in its own savepoint)."""

    @classmethod
    def setUpTestData(cls):
        cls.output = load("--superuser", "--personas")
        cls.county = OrgUnit.objects.get(code=SHUANGFENG)

    def login(self, username: str) -> None:
        self.client.force_login(get_user_model().objects.get(username=username))

    def test_every_worklist_of_the_county_shows_a_handful_to_a_few_dozen_rows(self):
        self.login("shuangfeng")  # the county clerk, on the pages she would open
        for name in WORKLISTS:
            with self.subTest(name):
                response = self.client.get(
                    reverse("rosters_worklist", args=[name]), {"unit": self.county.pk, "on": DEMO_TODAY, "months": 6}
                )
                self.assertEqual(response.status_code, 200)
                count = response.context["page"].paginator.count
                self.assertGreaterEqual(count, HANDFUL)
                self.assertLessEqual(count, FEW_DOZEN)

    def test_the_worklists_hold_what_was_put_there_on_purpose(self):
        overdue = [term for term in terms_due(self.county, DEMO_TODAY) if term.overdue]
        self.assertTrue(overdue and len(overdue) < terms_due(self.county, DEMO_TODAY).count())
        kinds = Counter(unit.kind.code for unit in organisations_without_chair(self.county, DEMO_TODAY))
        self.assertGreater(kinds["village"] + kinds["community"], 0)  # organisations on paper, and new ones
        busiest = busy_people(self.county, DEMO_TODAY).first()
        self.assertGreaterEqual(busiest.load, 4)  # chair, 村委会委员, 计育专干 and 妇幼保健员
        township_holders = Person.objects.filter(appointments__unit__kind__code="township").distinct()
        self.assertTrue(busy_people(self.county, DEMO_TODAY).filter(pk__in=township_holders).exists())

    def test_facilities_in_many_villages_not_all_and_none_in_荷叶镇(self):
        result = facility_coverage(self.county, DEMO_TODAY)
        rates = {kind.name: result.summary.tally(kind) for kind in result.kinds}
        self.assertEqual(list(rates), ["妇女之家", "儿童之家", "巾帼书屋"])
        for name, tally in rates.items():
            with self.subTest(name):
                self.assertGreater(tally.established, 0)
                self.assertLess(tally.established, tally.eligible)
        self.assertFalse(Facility.objects.filter(unit__code__startswith="431321101").exists())
        self.assertTrue(Facility.objects.filter(closed_on__isnull=False, note="旧址").exists())
        self.login("shuangfeng")
        response = self.client.get(reverse("facilities_coverage"), {"unit": self.county.pk})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "荷叶镇")

    def test_every_admin_changelist_has_rows(self):
        self.login("admin")
        for model in admin.site._registry:
            meta = model._meta
            with self.subTest(meta.label):
                response = self.client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
                self.assertEqual(response.status_code, 200)
                self.assertGreater(response.context["cl"].result_count, 0)

    def test_the_county_has_a_final_and_a_draft_survey_report_with_every_section(self):
        reports = {r.year: r for r in SurveyReport.objects.filter(unit=self.county, span="")}
        self.assertEqual((reports[2024].status, reports[2025].status), ("final", "draft"))
        for year, report in reports.items():
            with self.subTest(year):
                view = report_view(report)
                self.assertEqual([s.title for s in view.document.sections], SECTIONS)
                self.assertEqual([s.heading for s in view.document.sections][:2], ["一、基本情况", "二、阵地建设"])
                self.assertEqual(view.changed, [])  # the frozen figures are still the live ones
                self.assertIn("身兼数职", report.problems)
                self.assertRegex(report.measures, r"(?m)^一是")

    def test_the_2025_report_writes_the_county_s_rough_count_of_trainees_as_the_reports_do(self):
        report = SurveyReport.objects.get(unit=self.county, year=2025, span="")
        work = {s.title: s for s in report_view(report).document.sections}["工作开展"].paragraphs[0].text
        self.assertIn("培训8万余人次，其中女性8万余人次", work)  # 10400余 of the county's own + 69,600
        self.assertTrue(DataValue.objects.filter(unit=self.county, period="2025", approximate=True).exists())

    def test_the_county_has_a_report_on_the_first_nine_months_against_the_same_months_of_last_year(self):
        report = SurveyReport.objects.get(unit=self.county, year=2025, span="C9")
        self.assertEqual(report.title, "关于双峰县2025年1–9月妇女组织建设和妇女工作情况的调研报告")
        sections = {s.title: s for s in report_view(report).document.sections}
        # 妇女参政 is counted once a year: a report on nine months has none to quote.
        self.assertNotIn("妇女参政", sections)
        work = sections["工作开展"].paragraphs[0].text
        self.assertRegex(work, r"^2025年1–9月，共举办各级各类培训班\d+场次")
        changes = " ".join(p.text for p in sections["同比变化"].paragraphs)
        self.assertIn("比上年同期", changes)
        self.assertNotRegex(changes, "比上年(?!同期)")
        self.assertRegex(sections["活动开展"].paragraphs[0].text, r"^据活动台账，1–9月举办各类培训\d+场次，比上年同期")
        self.assertEqual(sections["同比变化"].tables[0][0], "2025年1–9月与上年同期对比")

    def test_the_county_has_two_years_of_activities_and_honours(self):
        from activities.totals import activity_totals, honour_counts

        totals = activity_totals(self.county, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
        self.assertEqual(len(totals.types), 8)  # every seeded type, each with last year's to compare
        self.assertTrue(all(totals.previous_counts(t).records for t in totals.types))
        self.assertGreater(len([row for row in totals.rows if row.by_type]), 5)  # 本级 and townships
        levels = {h.level for h in honour_counts(self.county, datetime.date(2024, 1, 1), DEMO_TODAY)}
        self.assertEqual(levels, {"national", "province", "city", "county"})
        text = report_view(SurveyReport.objects.get(unit=self.county, year=2025, span="")).document.sections
        section = next(s for s in text if s.title == "活动开展")
        self.assertRegex(section.paragraphs[0].text, r"^据活动台账，全年举办各类培训\d+场次，比上年同期")

    def test_the_county_clerks_honours_export_imports_back_unchanged(self):
        from activities.honour_import import HonourImporter
        from imports.spreadsheets import read_upload

        self.login("shuangfeng")
        export = self.client.get(reverse("admin:activities_honour_export"))
        importer = HonourImporter()
        clerk = Scope.for_user(get_user_model().objects.get(username="shuangfeng"))
        plan = importer.plan(importer.read(read_upload(export.content, "荣誉.xlsx")), scope=clerk)
        self.assertEqual([plan.valid, *map(plan.count, ("skip", "new", "update"))], [True, 4, 0, 0])

    def test_coverage_moves_year_on_year_today_and_in_the_reports(self):
        for on in (DEMO_TODAY, datetime.date(2025, 12, 31), datetime.date(2024, 12, 31)):
            with self.subTest(on):
                change = coverage_with_previous_year(self.county, on).summary_change()
                self.assertNotEqual(change.established, 0)
                self.assertNotEqual(change.points, 0)

    def test_officers_have_a_real_age_profile_and_mixes(self):
        stats = roster_stats(self.county, datetime.date(2025, 12, 31))
        for band, count in stats.by_age_band.items():
            self.assertNotEqual(band, "未知")
            self.assertTrue(0.1 < count / stats.appointments < 0.4, band)
        self.assertGreaterEqual(len(stats.by_education), 5)
        self.assertGreaterEqual(len(stats.by_political_status), 4)
        self.assertEqual(set(stats.by_mode), {"full", "part", "seconded"})
        self.assertTrue(0.7 < stats.committee_rate / 100 < 0.95)

    def test_identity_numbers_and_phones_are_valid_and_unique(self):
        people = list(Person.objects.all())
        self.assertGreater(len(people), 1000)
        for person in people:
            validate_id_number(person.id_number)
            validate_mobile(person.phone)
            self.assertIn(person.id_number[:6], ("431321", "131024"))
            self.assertEqual(id_birth_date(person.id_number), person.birth_date)
            self.assertEqual(id_sex(person.id_number), person.sex)
        self.assertEqual(len({p.phone for p in people}), len(people))
        names = Counter(p.name for p in people)
        self.assertGreater(len(names), 1000)
        self.assertGreater(names.most_common(1)[0][1], 1)  # namesakes, as in any county

    def test_a_second_run_changes_nothing(self):
        before = table_counts()
        person = Person.objects.order_by("id_number").first()
        term = Term.objects.filter(unit=self.county).order_by("-ordinal").first()
        value = DataValue.objects.filter(unit=self.county).order_by("element__code", "period").first()
        final = SurveyReport.objects.get(unit=self.county, year=2024)
        output = load("--superuser", "--personas")
        self.assertIn("新增区划0个、机关企事业单位0个", output)
        self.assertIn(
            "妇女组织变动0个、组织形式变更0个、届次0个、任职0条（新增人员0人）、统计数据0项、阵地0个、调研报告0份、"
            "活动0项、荣誉0项、履职记录0条",
            output,
        )
        self.assertEqual(table_counts(), before)
        self.assertEqual(Person.objects.get(pk=person.pk).phone, person.phone)
        self.assertEqual(Term.objects.get(pk=term.pk).due_on, term.due_on)
        self.assertEqual(DataValue.objects.get(pk=value.pk).total, value.total)
        self.assertEqual(SurveyReport.objects.get(pk=final.pk).frozen_at, final.frozen_at)

    def test_the_plan_is_the_same_every_time(self):
        def planned_rows():
            plans = county_plans(read_divisions(DEMO_DIR / "divisions"), read_hosts(DEMO_DIR / "hosts.csv"))
            shuangfeng, xianghe = plans
            rosters = [shuangfeng_roster(shuangfeng, pick_specials(shuangfeng)), xianghe_roster(xianghe)]
            return [row for roster in rosters for row in roster.rows()]

        rows = planned_rows()
        self.assertEqual(rows, planned_rows())
        stored = set(Person.objects.values_list("id_number", flat=True))
        self.assertEqual({row["id_number"] for row in rows}, stored)

    def test_nothing_is_dated_after_the_demos_today(self):
        last = max(
            *Appointment.objects.values_list("start_on", flat=True),
            *Appointment.objects.exclude(end_on=None).values_list("end_on", flat=True),
            *Term.objects.values_list("elected_on", flat=True),
            *OrgUnit.objects.exclude(org_established_on=None).values_list("org_established_on", flat=True),
            *OrgUnit.objects.exclude(closed_on=None).values_list("closed_on", flat=True),
        )
        self.assertLessEqual(last, DEMO_TODAY)

    def test_it_loads_again_after_users_added_units_of_their_own(self):
        from orgunits.models import UnitKind
        from orgunits.services import unit_create

        added = unit_create(
            parent=OrgUnit.objects.get(code="431321101"),
            code="431321101999",
            name="新建村",
            kind=UnitKind.objects.get(code="village"),
            opened_on=datetime.date(2025, 3, 1),
        )
        load()  # used to fail: organisation dated before the unit opened
        added.refresh_from_db()
        self.assertIsNone(added.org_established_on)

    def test_the_county_clerk_opens_every_list_but_the_accounts_and_the_division_log(self):
        """The clerks' permission sets cover every page of the admin a federation works with (the duty
        records and the profile sets were once missing): only the accounts and 区划调整记录 are the
        administrator's."""
        administrators_only = {"auth.user", "auth.group", "orgunits.unitchange"}
        self.login("shuangfeng")
        for model in admin.site._registry:
            meta = model._meta
            if meta.label_lower in administrators_only:
                continue
            with self.subTest(meta.label):
                response = self.client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
                self.assertEqual(response.status_code, 200)
        self.assertTrue(get_user_model().objects.get(username="yongfeng").has_perm("rosters.add_dutyrecord"))

    def test_the_personas_are_created_once_and_see_only_their_own_units(self):
        from access.models import Assignment
        from access.scope import Scope

        self.assertIn("演示账号已存在：用户名 shuangfeng", load("--personas"))
        self.assertEqual(Assignment.objects.count(), 2)
        users = get_user_model().objects
        county_clerk, township_clerk = users.get(username="shuangfeng"), users.get(username="yongfeng")
        self.assertTrue(county_clerk.check_password("fulian-demo-2026") and county_clerk.is_staff)
        self.assertFalse(county_clerk.is_superuser or township_clerk.is_superuser)
        self.assertTrue(
            county_clerk.has_perms(["orgunits.add_orgunit", "access.add_assignment", "stats.change_datavalue"])
        )
        self.assertTrue(township_clerk.has_perms(["orgunits.add_orgunit", "stats.change_datavalue"]))
        self.assertFalse(township_clerk.has_perm("access.add_assignment"))
        heye = OrgUnit.objects.get(code="431321101")
        self.assertTrue(Scope.for_user(county_clerk).can_edit(heye))
        self.assertFalse(Scope.for_user(township_clerk).can_view(heye))

    def test_each_sample_file_imports_into_the_demo_as_it_is(self):
        samples = {
            "units.csv": ("import_units", "已导入：新增10个，修改2个"),
            "officers.csv": ("import_officers", "已导入：新增任职12条，更新0条，未变0条；新增人员12人"),
            "statistics-long.csv": ("import_stats", "已导入：长表12行：新增数据12项"),
            "statistics-wide.csv": ("import_stats", "已导入：宽表12行：新增数据60项"),
            "facilities.csv": ("import_facilities", "已导入：新增阵地6个，修改0个，未变0行"),
        }
        self.assertEqual(sorted(p.name for p in SAMPLES.iterdir()), sorted(samples))
        for name, (command, said) in samples.items():
            with self.subTest(name):
                out = StringIO()
                call_command(command, str(SAMPLES / name), stdout=out)
                self.assertIn(said, out.getvalue())
        # The officers fill the roster of an organisation set up this autumn: it has a chair now.
        without_chair = organisations_without_chair(self.county, DEMO_TODAY)
        self.assertFalse(without_chair.filter(code="431321102219").exists())

    def test_the_villages_executives_are_mostly_at_the_norm_and_some_record_their_duties(self):
        villages = executive_staffing(self.county, DEMO_TODAY).of_kinds()
        self.assertGreater(villages.organisations, 400)
        self.assertTrue(0 < villages.organisations - villages.at_norm < 20)  # a few below the norm of 15
        self.assertTrue(villages.norm - 200 < villages.in_post < villages.norm)
        records = DutyRecord.objects.filter(unit__path__startswith=self.county.path)
        self.assertEqual(records.count(), DutyRecord.objects.count())
        self.assertGreater(records.values("unit").distinct().count(), 50)
        # Each made by a 执委 of the village on a day she held the post, between July and the demo's today.
        self.assertEqual(set(records.values_list("appointment__post__name", flat=True)), {"执委"})
        self.assertFalse(records.exclude(done_on__range=(datetime.date(2026, 7, 1), DEMO_TODAY)).exists())

    def test_what_the_readme_says_about_the_demo_is_true(self):
        active = Appointment.objects.active_on(DEMO_TODAY)
        self.assertEqual(readme_number(r"([\d,]+) people"), Person.objects.count())
        self.assertEqual(readme_number(r"([\d,]+) appointments"), Appointment.objects.count())
        self.assertEqual(readme_number(r"([\d,]+) of them held on"), active.count())
        self.assertEqual(readme_number(r"([\d,]+) terms"), Term.objects.count())
        counts = worklist_counts()
        for label, name in (("有组织无人员", "without-chair"), ("换届到期", "terms-due")):
            self.assertEqual(readme_number(rf"{label} (\d+)"), counts[name])
        for label, name in (
            ("身兼数职", "busy"),
            ("职数空缺", "vacant-seats"),
            ("执委未达标", "executives-below-norm"),
        ):
            self.assertEqual(readme_number(rf"{label} (\d+)"), counts[name])
        self.assertEqual(readme_number(r"(\d+) duty records"), DutyRecord.objects.count())
        plan = county_plans(read_divisions(DEMO_DIR / "divisions"), read_hosts(DEMO_DIR / "hosts.csv"))[0]
        late = [code for code, day in plan.established.items() if len(code) == 12 and day.year >= 2024]
        self.assertEqual(readme_number(r"(\d+) of 双峰县's set one up in 2024"), len(late))
        self.assertEqual(readme_number(r"(\d+) villages merged"), len(plan.closed))
        self.assertEqual(readme_number(r"(\d+) values"), DataValue.objects.count())
        self.assertEqual(readme_number(r"([\d,]+) facilities in 双峰县"), Facility.objects.count())
        by_kind = Counter(Facility.objects.values_list("kind__name", flat=True))
        for name in ("妇女之家", "儿童之家", "巾帼书屋"):
            self.assertEqual(readme_number(rf"(\d+) {name}"), by_kind[name])
        self.assertEqual(readme_number(r"(\d+) of them at an"), Facility.objects.filter(note="旧址").count())
        for name in ("units.csv", "officers.csv", "statistics-long.csv", "statistics-wide.csv", "facilities.csv"):
            self.assertIn(f"docs/samples/{name}", demo_section())

    def test_loudi_louxing_was_brought_from_the_2022_edition_to_2023(self):
        self.assertIn("娄星区按2022版区划载入后调整到2023版：区划调整（2023版，2023-06-30）：新增1个", self.output)
        fangshi = OrgUnit.objects.get(code="431302005012")
        self.assertEqual((fangshi.name, fangshi.kind.code), ("方石社区", "community"))
        change = UnitChange.objects.get(unit=fangshi)
        self.assertEqual((change.old_code, change.old_name, change.old_kind), ("431302005210", "方石村", "village"))
        self.assertTrue(fangshi.has_org_on(datetime.date(2023, 7, 1)))  # the organisation stayed on its unit
        self.assertTrue(fangshi.history.filter(history_change_reason__contains="区划调整（2023版）").exists())
        self.assertEqual(fangshi.past_states.get().name, "方石村")
        louxing = OrgUnit.objects.select_related("kind").get(code="431302")
        before, after = (coverage(louxing, datetime.date.fromisoformat(d)) for d in ("2023-06-29", "2023-06-30"))
        kind = {k.code: k for k in before.kinds}
        self.assertEqual(
            before.summary.tally(kind["community"]).eligible + 3, after.summary.tally(kind["community"]).eligible
        )

    def test_the_reform_is_recorded_and_a_few_communities_kept_their_congress(self):
        rates = {c.kind.code: c for c in conversions(coverage(self.county, DEMO_TODAY))}
        village, community = rates["village"], rates["community"]
        # Villages that set up their organisation after the reform were 妇联 from the start: not recorded.
        assert village.converted == village.due and village.recorded > 100
        assert community.due - community.converted == 3 and 0 < community.recorded <= community.converted
        before = {c.kind.code: c.converted for c in conversions(coverage(self.county, datetime.date(2017, 6, 29)))}
        assert before == {}  # the organisations date from the reform: none yet the day before
