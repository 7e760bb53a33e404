"""Officer profiles as data (issue 16): age band sets and education group sets, 新任, and the chairs'
profile, in roster_stats, in the report's text and .docx, and in the admin.

荷叶镇's nine village chairs, on 2024-12-31 (the 2024 report), under 建湖县's bands
(50岁及以上 [50,∞), 45–50岁 [45,50), 35–45岁 [35,45), 35岁以下 (−∞,35)):

    A 1974-12-31  50 that day  50岁及以上  研究生      term 2021-06-01, began 2021-06-01      新任
    B 1975-01-01  49           45–50岁     大学本科    term 2021-06-01, held it since 2016     —
    C 1979-12-31  45 that day  45–50岁     大学专科    re-elected 2024-06-01, began that day   新任
    D 1980-01-01  44           35–45岁     中专        no term, began 2023-05-01                —
    E 1989-12-31  35 that day  35–45岁     高中        no term, began 2024-01-01                新任
    F 1990-01-01  34           35岁以下    初中及以下  no term, began 2023-12-31                —
    G 2000-06-01  24           35岁以下    大学本科    no term, began 2024-09-01                新任
    H 1960-05-05  64           50岁及以上  (未填)      no term, began 2010-01-01                —
    I 1995-03-03  29           35岁以下    大学专科    no term, began 2022-01-01                —

and J (1970-01-01, 54, 大学本科), 执委 of 荷叶镇 itself since 2024-02-01: 新任, not a chair.
"""

import io

import docx
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.models import Assignment
from orgunits.models import OrgUnit
from reports import errors as report_errors
from reports.docx_report import survey_docx
from reports.models import SurveyReport
from reports.sections.officers import chairs_paragraph
from reports.survey_figures import survey_figures
from reports.survey_services import survey_report_create, survey_report_finalize, survey_report_update
from reports.survey_views import report_view
from rosters import errors
from rosters.models import AgeBand, AgeBandSet, EducationGroup, EducationGroupSet
from rosters.profiles import (
    Band,
    Group,
    age_bands_of,
    default_age_bands,
    default_education_groups,
    education_groups_of,
    roster_stats,
)
from rosters.services import appointment_create, person_create, term_open
from tests.base import MISSING_ID, TreeTestCase, blank_ids, day, make_user, page_text
from tests.orgunits.test_roster import post
from tests.security.forms import form_data, writable_form
from tests.security.world import grant_clerk

ON = day("2024-12-31")
EARLY = day("2000-01-01")
JIANHU = (
    ("50岁及以上", 50, True, None, True),
    ("45–50岁", 45, True, 50, False),
    ("35–45岁", 35, True, 45, False),
    ("35岁以下", None, True, 35, False),
)
# name: (born, education, start, earlier stint or None)
CHAIRS = {
    "甲": ("1974-12-31", "研究生", "2021-06-01"),
    "乙": ("1975-01-01", "大学本科", "2021-06-01"),
    "丙": ("1979-12-31", "大学专科", "2024-06-01"),
    "丁": ("1980-01-01", "中专", "2023-05-01"),
    "戊": ("1989-12-31", "高中", "2024-01-01"),
    "己": ("1990-01-01", "初中及以下", "2023-12-31"),
    "庚": ("2000-06-01", "大学本科", "2024-09-01"),
    "辛": ("1960-05-05", "", "2010-01-01"),
    "壬": ("1995-03-03", "大学专科", "2022-01-01"),
}
CHAIRS_SENTENCE = (
    "担任主席（负责人）的9人。主席中，新任的4人，占44.4%；"
    "50岁及以上的2人，占22.2%；45–50岁的2人，占22.2%；35–45岁的2人，占22.2%；35岁以下的3人，占33.3%；"
    "大学以上文化程度的5人，占55.6%；高中及中专文化程度的2人，占22.2%；初中及以下文化程度的1人，占11.1%；"
    "文化程度未填的1人，占11.1%。"
)


def band_set(name, owner, bands, *, default=False) -> AgeBandSet:
    made = AgeBandSet.objects.create(name=name, owner=owner, is_default=default)
    for position, (label, lower, lower_in, upper, upper_in) in enumerate(bands):
        AgeBand.objects.create(
            set=made,
            label=label,
            lower=lower,
            lower_inclusive=lower_in,
            upper=upper,
            upper_inclusive=upper_in,
            position=position,
        )
    return made


def group_set(name, owner, groups, *, default=False) -> EducationGroupSet:
    made = EducationGroupSet.objects.create(name=name, owner=owner, is_default=default)
    for position, (label, levels) in enumerate(groups):
        EducationGroup.objects.create(set=made, label=label, levels=levels, position=position)
    return made


class ProfileWorld(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=EARLY)
        cls.villages = list(OrgUnit.objects.children_of(cls.heye).filter(kind__code="village").order_by("code")[:9])
        chair = post("主席")
        for village in cls.villages[:2]:
            term_open(unit=village, elected_on=day("2021-06-01"))
        term_open(unit=cls.villages[2], elected_on=day("2019-01-01"))
        term_open(unit=cls.villages[2], elected_on=day("2024-06-01"))  # closes the 2019 term that day
        for (name, (born, education, start)), village in zip(CHAIRS.items(), cls.villages, strict=True):
            person = person_create(name=f"主席{name}", sex="F", birth_date=day(born), education=education)
            if name == "乙":  # her earlier stint in the same post: re-elected, not 新任
                appointment_create(
                    person=person, unit=village, post=chair, start_on=day("2016-01-01"), end_on=day("2021-05-31")
                )
            appointment_create(person=person, unit=village, post=chair, start_on=day(start))
        member = person_create(name="执委癸", sex="F", birth_date=day("1970-01-01"), education="大学本科")
        appointment_create(person=member, unit=cls.heye, post=post("执委"), start_on=day("2024-02-01"))
        cls.jianhu = band_set("建湖县年龄段", cls.shuangfeng, JIANHU)
        cls.overlapping = band_set(
            "重叠年龄段", cls.shuangfeng, [("30岁以下", None, True, 30, False), ("35岁及以下", None, True, 35, True)]
        )
        cls.college = group_set(
            "大专分组",
            cls.shuangfeng,
            [("大专及以上", ["研究生", "大学本科", "大学专科"]), ("高中及以下", ["中专", "高中", "初中及以下"])],
        )


class RosterStatsProfileTests(ProfileWorld):
    def test_the_seeded_national_defaults_read_as_the_old_bands(self):
        assert [band.label for band in default_age_bands()] == ["35岁及以下", "36–45岁", "46–55岁", "56岁及以上"]
        assert default_education_groups() == (
            Group("大学以上", ("研究生", "大学本科", "大学专科")),
            Group("高中及中专", ("高中", "中专")),
            Group("初中及以下", ("初中及以下",)),
        )

    def test_jianhu_bands_with_the_birthdays_on_the_boundaries(self):
        stats = roster_stats(self.heye, ON, age_bands=age_bands_of(self.jianhu))
        assert list(stats.chairs_by_age_band.items()) == [
            ("50岁及以上", 2),
            ("45–50岁", 2),
            ("35–45岁", 2),
            ("35岁以下", 3),
        ]
        assert stats.by_age_band == {"50岁及以上": 3, "45–50岁": 2, "35–45岁": 2, "35岁以下": 3}  # 癸 is 54
        assert (stats.appointments, stats.chairs, stats.new_chairs, stats.new_officers) == (10, 9, 4, 5)

    def test_a_day_earlier_everyone_on_a_boundary_is_still_in_the_band_below(self):
        stats = roster_stats(self.villages[0], day("2024-12-30"), age_bands=age_bands_of(self.jianhu))
        assert stats.by_age_band == {"45–50岁": 1}  # 甲 turns 50 on the 31st
        stats = roster_stats(self.villages[4], day("2024-12-30"), age_bands=age_bands_of(self.jianhu))
        assert stats.by_age_band == {"35岁以下": 1}  # 戊 turns 35 on the 31st

    def test_overlapping_bands_count_a_person_in_both(self):
        stats = roster_stats(self.heye, ON, age_bands=age_bands_of(self.overlapping))
        assert stats.by_age_band == {"30岁以下": 2, "35岁及以下": 4}  # 庚 24, 壬 29; 己 34, 戊 35 that day

    def test_bands_given_as_plain_values_with_gaps(self):
        bands = (Band("40岁以上", 40, False, None), Band("25岁及以下", None, True, 25, True))
        stats = roster_stats(self.heye, ON, age_bands=bands)
        assert list(stats.by_age_band.items()) == [("40岁以上", 6), ("25岁及以下", 1)]

    def test_education_groups_and_the_unfilled(self):
        stats = roster_stats(self.heye, ON, education_groups=education_groups_of(self.college))
        assert list(stats.by_education_group.items()) == [("大专及以上", 6), ("高中及以下", 3), ("未填", 1)]
        assert list(stats.chairs_by_education_group.items()) == [("大专及以上", 5), ("高中及以下", 3), ("未填", 1)]

    def test_new_officers_with_a_term_and_without(self):
        """Within the term covering the day, or within its year where the unit has no term."""
        new = {village.pk: roster_stats(village, ON).new_officers for village in self.villages}
        assert [new[village.pk] for village in self.villages] == [1, 0, 1, 0, 1, 0, 1, 0, 0]
        # In mid-2024 丙's village was still in its 2019 term: she began on 1 June, in the new one.
        assert roster_stats(self.villages[2], day("2024-05-31")).new_officers == 0
        assert roster_stats(self.villages[2], day("2024-06-01")).new_officers == 1
        # 己 began on 31 December 2023: new in her own year, not in the next.
        assert roster_stats(self.villages[5], day("2023-12-31")).new_officers == 1

    def test_a_stint_split_within_the_term_is_still_new_and_one_begun_before_it_is_not(self):
        """Village 0's term began on 2021-06-01. 戊's two stints in 执委 both began after it: the one in
        post is 新任. 庚's first stint began before it: her second is a re-appointment."""
        village, member = self.villages[0], post("执委")
        for name, first in (("执委戊", "2021-07-01"), ("执委庚", "2020-01-01")):
            person = person_create(name=name, sex="F", birth_date=day("1980-01-01"))
            appointment_create(person=person, unit=village, post=member, start_on=day(first), end_on=day("2022-12-31"))
            appointment_create(person=person, unit=village, post=member, start_on=day("2023-01-01"))
        stats = roster_stats(village, ON)
        assert (stats.appointments, stats.new_officers, stats.new_chairs) == (3, 2, 1)

    def test_a_unit_default_beats_the_national_one_and_costs_the_same(self):
        band_set("双峰县默认", self.shuangfeng, [("40岁及以下", None, True, 40, True)], default=True)
        assert [band.label for band in default_age_bands(self.heye)] == ["40岁及以下"]
        assert default_age_bands(self.xianghe)[0].label == "35岁及以下"
        with self.max_queries(1):
            default_age_bands(self.heye)


class ProfileRulesTests(ProfileWorld):
    def test_a_band_needs_a_bound_and_an_order(self):
        with self.assertRaisesMessage(ValidationError, errors.AGE_BAND_NO_BOUND):
            AgeBand(set=self.jianhu, label="全部").full_clean()
        with self.assertRaisesMessage(ValidationError, errors.AGE_BAND_LOWER_ABOVE_UPPER):
            AgeBand(set=self.jianhu, label="倒置", lower=50, upper=40).full_clean()
        AgeBand(set=self.jianhu, label="恰好40岁", lower=40, upper=40).full_clean()

    def test_one_default_per_owner_and_one_national(self):
        band_set("双峰县默认", self.shuangfeng, JIANHU, default=True)
        with self.assertRaisesMessage(ValidationError, errors.AGE_SET_ONE_DEFAULT):
            AgeBandSet(name="又一个", owner=self.shuangfeng, is_default=True).full_clean()
        with self.assertRaisesMessage(ValidationError, errors.AGE_SET_ONE_DEFAULT):
            AgeBandSet(name="全国又一个", is_default=True).full_clean()
        with self.assertRaisesMessage(ValidationError, errors.EDUCATION_SET_ONE_DEFAULT):
            EducationGroupSet(name="全国又一个", is_default=True).full_clean()
        AgeBandSet(name="香河县默认", owner=self.xianghe, is_default=True).full_clean()

    def test_education_levels_are_education_values(self):
        with self.assertRaisesMessage(ValidationError, errors.EDUCATION_GROUP_UNKNOWN_LEVEL.format(value="博士")):
            EducationGroup(set=self.college, label="x", levels=["博士"]).full_clean()
        with self.assertRaisesMessage(ValidationError, errors.EDUCATION_GROUP_EMPTY):
            EducationGroup(set=self.college, label="x", levels=[]).full_clean()

    def test_a_report_uses_only_sets_of_its_own_subtree(self):
        xianghe_set = band_set("香河县年龄段", self.xianghe, JIANHU)
        message = report_errors.SURVEY_SET_NOT_FOR_UNIT.format(name="香河县年龄段")
        with self.assertRaisesMessage(ValidationError, message):
            survey_report_create(unit=self.heye, year=2024, age_band_set=xianghe_set)
        report = survey_report_create(unit=self.heye, year=2024, age_band_set=self.jianhu)
        with self.assertRaisesMessage(ValidationError, message):
            survey_report_update(report=report, age_band_set=xianghe_set)


def docx_paragraphs(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs]


class ReportTextTests(ProfileWorld):
    def test_the_report_text_and_docx_use_the_chosen_bands(self):
        report = survey_report_create(unit=self.heye, year=2024, age_band_set=self.jianhu)
        view = report_view(report, compare=False)
        paragraphs = view.document.section("officers").texts
        assert CHAIRS_SENTENCE in paragraphs
        assert "其中主席9人、执委1人；新任的5人，占50%。" in paragraphs[0]
        structure = next(p for p in paragraphs if p.startswith("年龄结构"))
        assert structure.startswith(
            "年龄结构：50岁及以上的3人，占30%；45–50岁的2人，占20%；35–45岁的2人，占20%；"
            "35岁以下的3人，占30%。大学以上文化程度的6人，占60%；"
        )
        assert CHAIRS_SENTENCE in docx_paragraphs(survey_docx(view.document, charts=False))
        table = view.document.section("officers").tables[0][1]
        rows = [[cell.text for cell in row] for row in table.rows]
        assert ["文化程度分组", "大学以上", "6", "60%"] in rows
        assert ["", "35岁以下", "3", "33.3%"] in rows  # the chairs' rows, as shares of the chairs

    def test_a_final_report_keeps_its_bands_in_the_snapshot(self):
        report = survey_report_finalize(
            report=survey_report_create(unit=self.heye, year=2024, age_band_set=self.jianhu)
        )
        AgeBand.objects.filter(set=self.jianhu).update(label="改")
        assert CHAIRS_SENTENCE in report_view(report, compare=False).document.section("officers").texts

    def test_the_sentence_the_seed_quotes(self):
        """主席中，新任的…；30岁以下的…；大学以上文化程度的…: bands and groups with nobody left out."""
        figures = survey_figures(
            self.heye,
            2024,
            age_bands=(Band("30岁以下", None, True, 30, False), Band("60岁以上", 60, False, None)),
            education_groups=(Group("大学以上", ("研究生", "大学本科", "大学专科")), Group("小学", ("小学",))),
        )
        assert chairs_paragraph(figures.officers) == (
            "担任主席（负责人）的9人。主席中，新任的4人，占44.4%；30岁以下的2人，占22.2%；"
            "60岁以上的1人，占11.1%；大学以上文化程度的5人，占55.6%；文化程度未填的1人，占11.1%。"
        )


class ProfileAdminTests(ProfileWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant_clerk(cls.county_clerk)
        cls.national_clerk = grant_clerk(make_user("national-clerk"))
        Assignment.objects.create(user=cls.national_clerk, unit=cls.nation, role=Assignment.Role.EDITOR)
        cls.national_set = AgeBandSet.objects.get(owner__isnull=True, is_default=True)
        cls.xianghe_set = band_set("香河县年龄段", cls.xianghe, JIANHU)

    def change_url(self, obj) -> str:
        return reverse(f"admin:rosters_{obj._meta.model_name}_change", args=[obj.pk])

    def renamed(self, user, obj, name: str):
        self.client.force_login(user)
        page = self.client.get(self.change_url(obj))
        form = writable_form(page)
        if form is None:  # read-only: post what the national clerk's page holds
            self.client.force_login(self.national_clerk)
            form = writable_form(self.client.get(self.change_url(obj)))
            self.client.force_login(user)
        return self.client.post(self.change_url(obj), {**form_data(form), "name": [name]})

    def test_a_national_clerk_edits_the_national_set(self):
        assert self.renamed(self.national_clerk, self.national_set, "全国年龄段").status_code == 302
        self.national_set.refresh_from_db()
        assert self.national_set.name == "全国年龄段"
        assert AgeBand.objects.filter(set=self.national_set).count() == 4

    def test_a_county_clerk_sees_the_national_set_but_may_not_change_it(self):
        self.client.force_login(self.county_clerk)
        page = self.client.get(self.change_url(self.national_set))
        assert page.status_code == 200 and writable_form(page) is None
        assert self.renamed(self.county_clerk, self.national_set, "改了").status_code == 403
        assert AgeBandSet.objects.get(pk=self.national_set.pk).name == "全国通用年龄段"

    def test_another_countys_set_is_missing(self):
        self.client.force_login(self.county_clerk)
        foreign = self.client.get(self.change_url(self.xianghe_set))
        missing = self.client.get(reverse("admin:rosters_agebandset_change", args=[MISSING_ID]))
        assert foreign.status_code == missing.status_code == 404
        listed = self.client.get(reverse("admin:rosters_agebandset_changelist"))
        assert "香河县年龄段" not in listed.content.decode() and "建湖县年龄段" in listed.content.decode()

    def add_set(self, owner) -> dict:
        data = {
            "name": "双峰县村主席年龄段",
            "owner": str(owner.pk) if owner else "",
            "bands-TOTAL_FORMS": "1",
            "bands-INITIAL_FORMS": "0",
            "bands-MIN_NUM_FORMS": "0",
            "bands-MAX_NUM_FORMS": "1000",
            "bands-0-position": "0",
            "bands-0-label": "35岁以下",
            "bands-0-upper": "35",
            "bands-0-lower_inclusive": "on",
        }
        return self.client.post(reverse("admin:rosters_agebandset_add"), data)

    def test_a_county_clerk_creates_a_set_for_her_county_only(self):
        self.client.force_login(self.county_clerk)
        assert self.add_set(None).status_code == 200  # no owner would be national: required for her
        assert self.add_set(self.xianghe).status_code == 200  # not hers: an invalid choice
        assert not AgeBandSet.objects.filter(name="双峰县村主席年龄段").exists()
        assert self.add_set(self.shuangfeng).status_code == 302
        made = AgeBandSet.objects.get(name="双峰县村主席年龄段")
        assert made.owner == self.shuangfeng
        assert age_bands_of(made) == (Band("35岁以下", None, True, 35, False),)

    def test_education_groups_are_edited_as_checkboxes(self):
        self.client.force_login(self.county_clerk)
        page = self.client.get(self.change_url(self.college)).content.decode()
        assert 'type="checkbox" name="groups-0-levels" value="研究生"' in page
        data = form_data(writable_form(self.client.get(self.change_url(self.college))))
        data["groups-0-levels"] = ["研究生", "大学本科"]
        assert self.client.post(self.change_url(self.college), data).status_code == 302
        assert EducationGroup.objects.get(set=self.college, label="大专及以上").levels == ["研究生", "大学本科"]

    def test_the_report_form_refuses_another_countys_set_like_a_missing_one(self):
        self.client.force_login(self.county_clerk)
        add = reverse("admin:reports_surveyreport_add")
        page = self.client.get(add).content.decode()
        assert "建湖县年龄段" in page and "香河县年龄段" not in page
        base = {"unit": str(self.heye.pk), "year": "2024", "title": "", "problems": "", "measures": ""}
        answers = []
        for pk in (self.xianghe_set.pk, MISSING_ID):
            response = self.client.post(add, {**base, "age_band_set": str(pk)})
            assert response.status_code == 200
            answers.append(blank_ids(page_text(response), {str(self.xianghe_set.pk), str(MISSING_ID)}))
        assert answers[0] == answers[1]
        assert not SurveyReport.objects.exists()
        response = self.client.post(add, {**base, "age_band_set": str(self.jianhu.pk)})
        assert response.status_code == 302
        assert SurveyReport.objects.get().age_band_set == self.jianhu
