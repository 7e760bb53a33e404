"""Organisation forms on a date (会改联, issue 18): each change of form is a dated record; coverage counts
the forms as they were on its date and gives 改建率 per kind; the page, the exports and the survey report
say it the way Wuhu's report does: "700个村完成了妇代会改建妇联工作，完成率100%；156个社区……完成率87.2%"."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from orgunits import errors
from orgunits.loader import Division, load_divisions
from orgunits.models import FORM_SUMMARY_FIELDS, OrgForm, OrgFormChange, OrgUnit
from orgunits.org_forms import (
    form_on,
    form_summary,
    org_form_change,
    org_form_change_delete,
    org_form_change_update,
)
from orgunits.services import unit_update
from reports.sections.basics import coverage_sentences
from reports.survey_figures import survey_figures
from stats.conversion import conversions
from stats.coverage import coverage, coverage_with_previous_year
from stats.exports import coverage_csv, coverage_xlsx
from tests.base import admin_url, make_user, page_text, unit
from tests.test_audit import unit_form

CONGRESS, FEDERATION = OrgForm.CONGRESS.value, OrgForm.FEDERATION.value
CONVERTED_ON = datetime.date(2017, 6, 30)
TOWNSHIPS, VILLAGES_EACH, COMMUNITIES = 10, 70, 179
STILL_CONGRESS = 23  # 179 communities, 156 converted: 87.2%


def wuhu_county() -> list[Division]:
    """A county of 芜湖 with 700 villages and 179 communities in ten townships."""
    divisions = [
        Division("34", "安徽省", "province", None),
        Division("3402", "芜湖市", "city", "34"),
        Division("340223", "南陵县", "county", "3402"),
    ]
    communities = iter(range(COMMUNITIES))
    for t in range(TOWNSHIPS):
        township = f"340223{100 + t}"
        divisions.append(Division(township, f"第{t + 1}镇", "township", "340223"))
        for v in range(VILLAGES_EACH):
            divisions.append(Division(f"{township}{201 + v}", f"{t + 1}镇{v + 1}村", "village", township))
        for c in range(18 if t < TOWNSHIPS - 1 else COMMUNITIES - 18 * (TOWNSHIPS - 1)):
            divisions.append(
                Division(f"{township}{1 + c:03d}", f"{t + 1}镇{next(communities) + 1}社区", "community", township)
            )
    return divisions


class WuhuConversionTests(TestCase):
    """Every village and 156 of 179 communities recorded turning from 妇代会 into 妇联 on 2017-06-30."""

    @classmethod
    def setUpTestData(cls):
        load_divisions(wuhu_county())
        OrgUnit.objects.update(org_established_on=datetime.date(2010, 1, 1))
        cls.county = OrgUnit.objects.get(code="340223")
        villages = list(OrgUnit.objects.filter(kind__code="village"))
        communities = list(OrgUnit.objects.filter(kind__code="community").order_by("code"))
        converted, still = communities[STILL_CONGRESS:], communities[:STILL_CONGRESS]
        # Written in bulk for speed: one change per unit, so each unit's summary is that change's.
        changes = OrgFormChange.objects.bulk_create(
            OrgFormChange(unit=u, changed_on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
            for u in villages + converted
        )
        OrgUnit.objects.filter(pk__in=[u.pk for u in villages + converted]).update(**form_summary(changes[:1]))
        OrgUnit.objects.filter(pk__in=[u.pk for u in still]).update(org_form=CONGRESS)

    def rates(self, on: datetime.date) -> dict[str, tuple[int, int, str]]:
        return {c.kind.code: (c.due, c.converted, str(c.rate)) for c in conversions(coverage(self.county, on))}

    def test_wuhus_rates_after_the_conversion(self):
        rates = self.rates(datetime.date(2018, 12, 31))
        assert rates["village"][:2] == (700, 700) and rates["community"][:2] == (179, 156)
        assert coverage_sentences(survey_figures(self.county, 2018))[-1] == (
            "700个行政村完成了妇代会改建妇联工作，完成率100%；156个社区完成了妇代会改建妇联工作，完成率87.2%。"
        )

    def test_before_the_conversion_every_one_was_a_congress(self):
        rates = self.rates(datetime.date(2016, 12, 31))
        assert rates["village"][:2] == (700, 0) and rates["community"][:2] == (179, 0)
        forms = dict(
            coverage(self.county, datetime.date(2016, 12, 31)).forms_of(
                self.county.kind.__class__.objects.get(code="village")
            )
        )
        assert forms == {"妇代会": 700}

    def test_the_day_before_and_the_day_of_the_change(self):
        before = self.rates(CONVERTED_ON - datetime.timedelta(days=1))
        assert before["village"][1] == 0
        assert self.rates(CONVERTED_ON)["village"][1] == 700

    def test_a_constant_number_of_queries(self):
        # The kinds, the tree's flags with the unit's place, the eligibility rules, the grouped tallies
        # (the forms then and the recorded conversions joined in), the children: as before forms had dates.
        with self.assertNumQueries(5):
            coverage(self.county, datetime.date(2018, 12, 31))

    def test_year_over_year_counts_each_year_with_its_forms(self):
        result = coverage_with_previous_year(self.county, datetime.date(2017, 12, 31))
        assert {c.kind.code: c.converted for c in conversions(result.previous)} == {"village": 0, "community": 0}
        assert {c.kind.code: c.converted for c in conversions(result.current)} == {"village": 700, "community": 156}

    def test_the_exports_carry_the_rates(self):
        result = coverage(self.county, datetime.date(2018, 12, 31))
        text = coverage_csv(result)
        assert "妇代会改建妇联（会改联）" in text
        assert "社区,179,156,23,87.2%" in text
        sheet = load_workbook(io.BytesIO(coverage_xlsx(result)))["会改联"]
        assert sheet["A1"].value.endswith("妇代会改建妇联情况（截至2018年12月31日）")
        assert sheet["A3"].font.bold and sheet["A3"].border.left.style == "thin"
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
        assert rows[0] == ["单位类型", "应改建", "已改建", "仍为妇代会", "改建率"]
        assert rows[2][:4] == ["社区", 179, 156, 23] and round(rows[2][4], 4) == 0.8715

    def test_the_coverage_page_shows_them(self):
        self.client.force_login(make_user("root", superuser=True))
        text = page_text(self.client.get(reverse("stats_coverage"), {"unit": self.county.pk, "on": "2018-12-31"}))
        assert "妇代会改建妇联（会改联）" in text and "87.2%" in text


class OrgFormChangeRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_divisions(wuhu_county()[:5])
        cls.village = OrgUnit.objects.filter(kind__code="village").first()
        OrgUnit.objects.filter(pk=cls.village.pk).update(org_established_on=datetime.date(2010, 1, 1))

    def setUp(self):
        self.village.refresh_from_db()

    def test_the_latest_change_sets_todays_form_and_the_past_is_kept(self):
        org_form_change(unit=self.village, on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        self.village.refresh_from_db()
        assert self.village.effective_org_form == FEDERATION and self.village.org_form == ""  # the kind's default
        assert form_on(self.village, CONVERTED_ON - datetime.timedelta(days=1)) == CONGRESS
        assert form_on(self.village, CONVERTED_ON) == FEDERATION

    def test_a_change_records_its_history(self):
        change = org_form_change(unit=self.village, on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        assert change.history.count() == 1

    def test_without_an_organisation_on_the_day_it_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            org_form_change(unit=self.village, on=datetime.date(2009, 1, 1), from_form=CONGRESS, to_form=FEDERATION)
        assert caught.exception.messages == [errors.FORM_CHANGE_NO_ORG.format(on=datetime.date(2009, 1, 1))]

    def test_the_same_form_is_not_a_change(self):
        with self.assertRaises(ValidationError) as caught:
            org_form_change(unit=self.village, on=CONVERTED_ON, to_form=FEDERATION)  # it is a 妇联 already
        assert caught.exception.messages == [errors.FORM_CHANGE_SAME.format(form="妇联")]

    def test_changes_must_follow_each_other(self):
        org_form_change(unit=self.village, on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        later = datetime.date(2019, 1, 1)
        with self.assertRaises(ValidationError) as caught:
            org_form_change(unit=self.village, on=later, from_form=CONGRESS, to_form=OrgForm.WOMEN_ORG)
        assert caught.exception.messages == [errors.FORM_CHANGE_FROM.format(on=CONVERTED_ON, form="妇联")]
        earlier = datetime.date(2015, 1, 1)
        with self.assertRaises(ValidationError) as caught:
            org_form_change(unit=self.village, on=earlier, from_form=OrgForm.WOMEN_ORG, to_form=FEDERATION)
        assert caught.exception.messages == [errors.FORM_CHANGE_TO.format(on=CONVERTED_ON, form="妇代会")]

    def test_an_earlier_change_leaves_todays_form_alone(self):
        org_form_change(unit=self.village, on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        org_form_change(unit=self.village, on=datetime.date(2015, 1, 1), from_form=OrgForm.WOMEN_ORG, to_form=CONGRESS)
        self.village.refresh_from_db()
        assert self.village.effective_org_form == FEDERATION
        assert form_on(self.village, datetime.date(2014, 1, 1)) == OrgForm.WOMEN_ORG

    def test_one_change_a_day(self):
        org_form_change(unit=self.village, on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        with self.assertRaises(ValidationError) as caught:
            org_form_change(unit=self.village, on=CONVERTED_ON, from_form=FEDERATION, to_form=CONGRESS)
        assert errors.FORM_CHANGE_DATE_TAKEN.format(on=CONVERTED_ON) in caught.exception.messages

    def test_removing_the_latest_gives_back_the_form_before_and_a_middle_one_is_refused(self):
        first = org_form_change(
            unit=self.village, on=datetime.date(2015, 1, 1), from_form=OrgForm.WOMEN_ORG, to_form=CONGRESS
        )
        middle = org_form_change(unit=self.village, on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        last = org_form_change(unit=self.village, on=datetime.date(2020, 1, 1), from_form=FEDERATION, to_form=CONGRESS)
        with self.assertRaises(ValidationError) as caught:
            org_form_change_delete(change=middle)
        assert caught.exception.messages == [errors.FORM_CHANGE_DELETE_BETWEEN]
        org_form_change_delete(change=last)
        self.village.refresh_from_db()
        assert self.village.effective_org_form == FEDERATION
        org_form_change_delete(change=first)
        assert list(self.village.form_changes.all()) == [middle]


class FormChangeAdminTests(TestCase):
    def test_the_change_list_is_scoped_like_units(self):
        load_divisions(wuhu_county()[:5])
        village = OrgUnit.objects.filter(kind__code="village").first()
        OrgUnit.objects.filter(pk=village.pk).update(org_established_on=datetime.date(2010, 1, 1))
        org_form_change(unit=unit(village.code), on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        self.client.force_login(make_user("root", superuser=True))
        text = page_text(self.client.get(admin_url("orgformchange_changelist")))
        assert (village.name in text and "2017-06-30" in text) or "2017年6月30日" in text


class UnitPageFormChangesTests(TestCase):
    def test_the_unit_page_lists_its_form_changes(self):
        load_divisions(wuhu_county()[:5])
        village = OrgUnit.objects.filter(kind__code="village").first()
        OrgUnit.objects.filter(pk=village.pk).update(org_established_on=datetime.date(2010, 1, 1))
        org_form_change(unit=unit(village.code), on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION, note="会改联")
        self.client.force_login(make_user("root", superuser=True))
        text = page_text(self.client.get(admin_url("orgunit_change", village.pk)))
        assert ">2017-06-30 妇代会 → 妇联</a>（会改联）" in text


class ConversionOnceTests(TestCase):
    def test_an_organisation_converts_once(self):
        load_divisions(wuhu_county()[:5])
        village = OrgUnit.objects.filter(kind__code="village").first()
        OrgUnit.objects.filter(pk=village.pk).update(org_established_on=datetime.date(2010, 1, 1))
        org_form_change(unit=unit(village.code), on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        org_form_change(unit=unit(village.code), on=datetime.date(2019, 1, 1), from_form=FEDERATION, to_form=CONGRESS)
        with self.assertRaises(ValidationError) as caught:
            org_form_change(
                unit=unit(village.code), on=datetime.date(2020, 1, 1), from_form=CONGRESS, to_form=FEDERATION
            )
        assert caught.exception.messages == [errors.FORM_CHANGE_CONVERTED_ONCE.format(on=CONVERTED_ON)]

    def test_the_chain_is_kept_for_reading_the_form_on_a_day(self):
        load_divisions(wuhu_county()[:5])
        village = OrgUnit.objects.filter(kind__code="village").first()
        OrgUnit.objects.filter(pk=village.pk).update(org_established_on=datetime.date(2010, 1, 1))
        org_form_change(unit=unit(village.code), on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        earlier = org_form_change(
            unit=unit(village.code), on=datetime.date(2012, 1, 1), from_form=OrgForm.WOMEN_ORG, to_form=CONGRESS
        )
        village.refresh_from_db()
        assert [getattr(village, name) for name in FORM_SUMMARY_FIELDS] == [
            datetime.date(2012, 1, 1),
            OrgForm.WOMEN_ORG,
            CONVERTED_ON,
            FEDERATION,
            CONVERTED_ON,
        ]
        county = OrgUnit.objects.get(code="340223")
        village_kind = village.kind
        for day, form in (
            (datetime.date(2011, 1, 1), "妇女组织"),
            (datetime.date(2013, 1, 1), "妇代会"),
            (CONVERTED_ON, "妇联"),
        ):
            assert coverage(county, day).forms_of(village_kind) == [(form, 1)], day
        org_form_change_delete(change=earlier)
        village.refresh_from_db()
        assert (village.form_first_changed_on, village.form_before_first_change) == (CONVERTED_ON, CONGRESS)
        assert coverage(county, datetime.date(2013, 1, 1)).forms_of(village_kind) == [("妇代会", 1)]

    def test_a_corrected_date_moves_the_units_summary(self):
        load_divisions(wuhu_county()[:5])
        village = OrgUnit.objects.filter(kind__code="village").first()
        OrgUnit.objects.filter(pk=village.pk).update(org_established_on=datetime.date(2010, 1, 1))
        change = org_form_change(unit=unit(village.code), on=CONVERTED_ON, from_form=CONGRESS, to_form=FEDERATION)
        corrected = datetime.date(2018, 1, 1)
        org_form_change_update(change=change, on=corrected, to_form=FEDERATION)
        village.refresh_from_db()
        assert (village.form_first_changed_on, village.form_converted_on) == (corrected, corrected)
        county = OrgUnit.objects.get(code="340223")
        assert coverage(county, CONVERTED_ON).forms_of(village.kind) == [("妇代会", 1)]
        assert conversions(coverage(county, corrected))[0].converted == 1


class FormEditedOnTheUnitTests(TestCase):
    """A form set on the unit's page with the day it changed is a change like one entered as such;
    without a day it corrects a form entered wrongly, and records nothing."""

    @classmethod
    def setUpTestData(cls):
        load_divisions(wuhu_county()[:6])
        cls.village = OrgUnit.objects.filter(kind__code="village").first()
        cls.unorganised = OrgUnit.objects.filter(kind__code="village").last()
        OrgUnit.objects.filter(pk=cls.village.pk).update(org_established_on=datetime.date(2010, 1, 1))
        OrgUnit.objects.filter(pk=cls.village.pk).update(org_form=CONGRESS)
        cls.root = make_user("root", superuser=True)

    def edit(self, village, **changes):
        self.client.force_login(self.root)
        roster = {"appointments-TOTAL_FORMS": 0, "appointments-INITIAL_FORMS": 0}  # the organisation's inline
        return self.client.post(admin_url("orgunit_change", village.pk), {**unit_form(village, **changes), **roster})

    def test_the_unit_page_records_the_change_on_the_day_given(self):
        response = self.edit(unit(self.village.code), org_form=FEDERATION, form_changed_on="2017-06-30")
        assert response.status_code == 302
        change = OrgFormChange.objects.get(unit=self.village)
        assert (change.changed_on, change.from_form, change.to_form) == (CONVERTED_ON, CONGRESS, FEDERATION)
        assert form_on(unit(self.village.code), CONVERTED_ON - datetime.timedelta(days=1)) == CONGRESS
        assert conversions(coverage(unit("340223"), datetime.date(2018, 1, 1)))[0].converted == 1
        # The unit's row keeps the changes' summary through a later save of the whole unit.
        assert self.edit(unit(self.village.code), name="改名村").status_code == 302
        assert unit(self.village.code).form_converted_on == CONVERTED_ON
        assert conversions(coverage(unit("340223"), datetime.date(2018, 1, 1)))[0].converted == 1

    def test_without_a_day_it_is_a_correction(self):
        assert self.edit(unit(self.village.code), org_form=FEDERATION).status_code == 302
        assert unit(self.village.code).effective_org_form == FEDERATION
        assert not OrgFormChange.objects.filter(unit=self.village).exists()

    def test_a_day_the_recorded_changes_contradict_is_a_form_error_and_nothing_is_saved(self):
        org_form_change(unit=unit(self.village.code), on=CONVERTED_ON, to_form=FEDERATION)
        response = self.edit(unit(self.village.code), org_form=CONGRESS, form_changed_on="2016-01-01")
        assert response.status_code == 200
        assert response.context["adminform"].form.errors.get("form_changed_on") == [
            errors.FORM_EDIT_BEFORE_LATEST.format(on=CONVERTED_ON)
        ]
        assert unit(self.village.code).effective_org_form == FEDERATION
        assert OrgFormChange.objects.filter(unit=self.village).count() == 1

    def test_no_organisation_no_change(self):
        unit_update(unit=unit(self.unorganised.code), org_form=CONGRESS, form_changed_on=CONVERTED_ON)
        assert unit(self.unorganised.code).org_form == CONGRESS
        assert not OrgFormChange.objects.filter(unit=self.unorganised).exists()
