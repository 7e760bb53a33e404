"""Query ceilings of every admin page that lists rows (issue 14): each changelist of the admin
registry, each history page and revert form, and each autocomplete. A new admin joins by existing:
without a ceiling here its test fails. tests/query_ceilings.py builds the world and counts."""

import datetime

from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from access.models import Assignment
from activities.models import Activity, ActivityType, Campaign, Honour
from activities.services import activity_update, campaign_update, honour_update
from facilities.models import Facility, FacilityKind
from facilities.services import facility_update
from orgunits.models import OrgFormChange, OrgUnit, UnitKind
from orgunits.org_forms import org_form_change_update
from orgunits.services import unit_update
from reports.models import SurveyReport
from reports.survey_services import survey_report_update
from rosters.duties import duty_record_update
from rosters.models import Appointment, DutyRecord, Person, Post, Term
from rosters.services import appointment_update
from stats.models import DataValue, Indicator
from stats.services import datavalues_save
from tests.query_ceilings import YEAR, CeilingWorld, N

# (superuser, county clerk), measured on PostgreSQL. None: the page refuses her (403).
CEILINGS = {
    "auth.group changelist": (5, 8),
    "auth.user changelist": (6, 9),
    "rosters.appointment autocomplete person": (4, 7),
    "rosters.appointment autocomplete term": (4, 7),
    "rosters.appointment autocomplete unit": (4, 7),
    "rosters.appointment changelist": (6, 9),
    "rosters.appointment changelist ?subtree": (8, 11),
    "rosters.appointment history": (58, 64),
    "rosters.appointment revert": (19, 25),
    "access.assignment autocomplete unit": (4, 7),
    "access.assignment autocomplete user": (4, 7),
    "access.assignment changelist": (5, 8),
    "access.assignment history": (12, 18),
    "access.assignment revert": (11, 20),
    "rosters.concurrentrole changelist": (5, 8),
    "rosters.dutyrecord autocomplete person": (4, 7),
    "rosters.dutyrecord autocomplete unit": (4, 7),
    "rosters.dutyrecord changelist": (5, 8),
    "rosters.dutyrecord history": (12, 17),
    "rosters.dutyrecord revert": (15, 20),  # the linked appointment, read-only, names its person, unit and post
    "rosters.dutytype changelist": (5, 8),
    "rosters.agebandset changelist": (5, 8),
    "rosters.agebandset autocomplete owner": (4, 7),
    "rosters.educationgroupset changelist": (5, 8),
    "rosters.educationgroupset autocomplete owner": (4, 7),
    # +1 since issue 17: the days offered by 截至日期 (the eves of division changes).
    "orgunits.orgunit changelist": (6, 9),
    "orgunits.orgunit changelist ?parent": (8, 11),
    "orgunits.orgunit changelist ?q": (7, 10),
    "orgunits.orgunit choose": (5, 8),
    "orgunits.orgunit history": (9, 12),
    # +1 since issue 17: the unit's division changes on its form; +1 since issue 18: its form changes.
    "orgunits.orgunit revert": (10, 13),
    "orgunits.unitchange changelist": (5, 8),
    # Issue 18: 组织形式变更 (its date hierarchy asks for the years: +1).
    "orgunits.orgformchange changelist": (6, 9),
    "orgunits.orgformchange autocomplete unit": (4, 7),
    "orgunits.orgformchange history": (11, 15),
    # The form's check reads the unit's other changes (orgunits.org_forms.form_chain).
    "orgunits.orgformchange revert": (8, 12),
    "rosters.person changelist": (4, 7),
    "rosters.person history": (9, 15),
    "rosters.person revert": (6, 15),
    "rosters.post changelist": (6, 9),  # +1: the seats by kind (PostSeats with their kinds)
    "rosters.term autocomplete unit": (4, 7),
    "rosters.term changelist": (4, 7),
    "rosters.term history": (9, 13),
    "rosters.term revert": (6, 10),
    "orgunits.unitkind changelist": (5, 8),
    "orgunits.unitkind history": (6, 9),
    "orgunits.unitkind revert": (6, None),
    "stats.dataelement changelist": (5, 8),
    "stats.datavalue autocomplete unit": (4, 7),
    "stats.datavalue changelist": (5, 8),
    "stats.datavalue history": (13, 17),
    "stats.datavalue revert": (None, None),
    "stats.eligibilityrule changelist": (5, 8),
    "stats.indicator changelist": (5, 8),
    "stats.indicator history": (7, 10),
    "stats.indicator revert": (5, None),
    "reports.surveyreport autocomplete unit": (4, 7),
    "reports.surveyreport changelist": (5, 8),
    "reports.surveyreport history": (11, 15),
    "reports.surveyreport revert": (10, 14),  # +2 since issue 16: the choices of the two profile sets
    "stats.validationrule changelist": (5, 8),
    "facilities.facility changelist": (5, 8),
    "facilities.facility autocomplete unit": (4, 7),
    "facilities.facility history": (10, 14),
    "facilities.facility revert": (9, 13),
    # +1: the expected unit kinds of the listed kinds, prefetched.
    "facilities.facilitykind changelist": (6, 9),
    "facilities.facilitykind history": (8, 11),
    "facilities.facilitykind revert": (7, None),
    "activities.activity changelist": (7, 10),
    "activities.activity autocomplete unit": (4, 7),
    "activities.activity history": (12, 16),
    "activities.activity revert": (10, 14),
    "activities.activitytype changelist": (5, 8),
    "activities.activitytype history": (6, 9),
    "activities.activitytype revert": (4, None),
    "activities.campaign changelist": (5, 8),
    "activities.campaign autocomplete owner": (4, 7),
    "activities.campaign history": (10, 14),
    "activities.campaign revert": (8, 12),
    "activities.honour changelist": (6, 9),
    "activities.honour autocomplete unit": (4, 7),
    "activities.honour history": (11, 15),
    "activities.honour revert": (8, 12),
}

# Known per-row costs: the queries that 2N more versions add to a history page, (superuser, clerk).
# simple_history's diff_against reads the concurrent roles of each pair of versions, 6 queries a version.
GROWTH = {
    "rosters.appointment history": (12 * N, 12 * N),
}


def label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def url_name(model, view: str) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


def shown_rows(response) -> int:
    """The rows the list holds (the unit list's first page is full at both sizes)."""
    return response.context["cl"].result_count


class ChangelistCeilingTests(CeilingWorld):
    def pages(self) -> dict[str, str]:
        """Every registered admin's changelist; the units drilled down and searched; the appointments
        of a subtree, as linked from a unit's page."""
        pages = {f"{label(model)} changelist": reverse(url_name(model, "changelist")) for model in admin.site._registry}
        units, appointments = pages["orgunits.orgunit changelist"], pages["rosters.appointment changelist"]
        pages["orgunits.orgunit changelist ?parent"] = f"{units}?parent={self.probe.pk}"
        pages["orgunits.orgunit changelist ?q"] = f"{units}?q=探针"
        pages["rosters.appointment changelist ?subtree"] = f"{appointments}?subtree={self.probe.pk}"
        return pages

    def test_every_changelist_costs_its_ceiling_whatever_its_length(self):
        self.assert_constant(CEILINGS, self.pages, shown=shown_rows)


# Search terms that find the probe rows of each model an autocomplete offers.
AUTOCOMPLETE_TERMS = {
    "orgunits.orgunit": "探针",
    "rosters.person": "探针人",
    "rosters.term": "探针",
    "auth.user": "probe",
}


class AutocompleteCeilingTests(CeilingWorld):
    def pages(self) -> dict[str, str]:
        """Every autocomplete field of the registry, and the unit chooser (parent of a new unit, move)."""
        pages = {"orgunits.orgunit choose": reverse("admin:orgunits_orgunit_choose") + "?term=探针"}
        for model, model_admin in admin.site._registry.items():
            for name in model_admin.autocomplete_fields:
                target = label(model._meta.get_field(name).related_model)
                query = (
                    f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                    f"&field_name={name}&term={AUTOCOMPLETE_TERMS[target]}"
                )
                pages[f"{label(model)} autocomplete {name}"] = reverse("admin:autocomplete") + query
        return pages

    def test_every_autocomplete_costs_its_ceiling_whatever_it_finds(self):
        self.assert_constant(CEILINGS, self.pages, shown=lambda response: len(response.json()["results"]))


class HistoryCeilingTests(CeilingWorld):
    def subjects(self) -> dict:
        """For each model that keeps history: an object of 探针镇 (or a probe setting), and a change
        that writes one more version of it (i counts the changes)."""
        village, other = OrgUnit.objects.children_of(self.probe).order_by("code")[:2]
        posts = [Post.objects.get(name="执委"), Post.objects.get(name="副主席")]
        kinds = [UnitKind.objects.get(code="probe-kind-1"), UnitKind.objects.get(code="probe-kind-3")]
        modes = ["part", "full", "seconded"]
        roles = list(village.appointments.get().concurrent_roles.all())

        def saved(obj, **fields):
            for name, value in fields.items():
                setattr(obj, name, value)
            obj.save()

        return {
            UnitKind: (
                UnitKind.objects.get(code="probe-kind-1"),
                lambda kind, i: saved(kind, sort_order=i, is_area=bool(i % 2)),
            ),
            OrgUnit: (village, lambda unit, i: unit_update(unit=unit, name=f"探针1村（{i}）")),
            Person: (
                Person.objects.get(appointments__unit=village),
                lambda person, i: saved(person, name=f"探针人1（{i}）", registered_in=[village, other][i % 2]),
            ),
            Term: (
                Term.objects.get(unit=village),
                lambda term, i: saved(term, due_on=datetime.date(2025, 6, 1) + datetime.timedelta(days=i)),
            ),
            Appointment: (
                village.appointments.get(),
                lambda appointment, i: appointment_update(
                    appointment=appointment, post=posts[i % 2], mode=modes[i % 3], concurrent_roles=roles[: i % 3]
                ),
            ),
            DutyRecord: (
                DutyRecord.objects.get(unit=village),
                lambda record, i: duty_record_update(record=record, households=i, note=f"第{i}次"),
            ),
            Assignment: (
                Assignment.objects.get(unit=village),
                lambda assignment, i: saved(assignment, role=["viewer", "editor"][i % 2], unit=[village, other][i % 2]),
            ),
            DataValue: (
                DataValue.objects.get(unit=village, element__code="cadres"),
                lambda value, i: datavalues_save(unit=village, period=str(YEAR), values={"cadres": (10 + i, 3)}),
            ),
            Indicator: (
                Indicator.objects.get(code="probe-1"),
                lambda indicator, i: saved(indicator, sort_order=i, coverage_kind=kinds[i % 2]),
            ),
            OrgFormChange: (
                village.form_changes.get(),
                lambda change, i: org_form_change_update(
                    change=change, on=change.changed_on, to_form=change.to_form, note=f"第{i}次更正"
                ),
            ),
            Facility: (
                Facility.objects.get(unit=village),
                lambda facility, i: facility_update(facility=facility, note=f"第{i}次修改"),
            ),
            FacilityKind: (
                FacilityKind.objects.get(code="probe-facility-1"),
                lambda kind, i: saved(kind, sort_order=i),
            ),
            Activity: (
                Activity.objects.get(unit=village),
                lambda activity, i: activity_update(activity=activity, sessions=i, note=f"第{i}次"),
            ),
            Honour: (
                Honour.objects.get(unit=village),
                lambda honour, i: honour_update(honour=honour, awarded_by=f"第{i}次"),
            ),
            Campaign: (
                Campaign.objects.get(name="探针载体1"),
                lambda campaign, i: campaign_update(campaign=campaign, name=f"探针载体1（{i}）"),
            ),
            ActivityType: (
                ActivityType.objects.get(code="probe-type-1"),
                lambda activity_type, i: saved(activity_type, sort_order=i, sessions_label=f"第{i}次"),
            ),
            SurveyReport: (
                SurveyReport.objects.get(unit=village),
                lambda report, i: survey_report_update(report=report, problems=f"第{i}稿"),
            ),
        }

    def pages(self, subjects) -> dict[str, str]:
        pages = {}
        for model, (obj, _change) in subjects.items():
            oldest = obj.history.order_by("history_id").first().history_id
            pages[f"{label(model)} history"] = reverse(url_name(model, "history"), args=[obj.pk])
            pages[f"{label(model)} revert"] = reverse(url_name(model, "simple_history"), args=[obj.pk, oldest])
        return pages

    def changed(self, subjects, times: int, start: int) -> None:
        for obj, change in subjects.values():
            for i in range(start, start + times):
                change(obj, i)
                obj.refresh_from_db()

    def test_every_history_page_and_revert_form_costs_its_ceiling_whatever_the_versions(self):
        history_admins = [m for m, a in admin.site._registry.items() if isinstance(a, SimpleHistoryAdmin)]
        subjects = self.subjects()
        assert sorted(map(label, history_admins)) == sorted(map(label, subjects)), "a model keeps history untested"
        self.changed(subjects, N, start=1)  # N + 1 versions, then 3N + 1
        self.assert_constant(
            CEILINGS,
            lambda: self.pages(subjects),
            grow=lambda: self.changed(subjects, 2 * N, start=N + 1),
            growth=GROWTH,
        )
