"""Every change is on record: who, when, from where, and what changed; and it can be reverted."""

import html
import re
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from activities.models import ActivityType
from activities.services import activity_create
from facilities.models import FacilityKind
from facilities.services import facility_create
from imports.audit import ADMIN
from orgunits.models import OrgForm, OrgUnit
from orgunits.org_forms import org_form_change
from orgunits.services import unit_close, unit_move, unit_update
from rosters.models import Appointment, Post
from rosters.services import appointment_create, person_create, term_open
from tests.base import TreeTestCase, day
from tests.conftest import FIXTURES
from tests.security.world import grant_clerk


def unit_form(unit, **changes):
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind_id,
        "opened_on": unit.opened_on or "",
        "closed_on": unit.closed_on or "",
        "org_established_on": unit.org_established_on or "",
        "org_dissolved_on": unit.org_dissolved_on or "",
        "org_form": unit.org_form,
        "eligibility": unit.eligibility,
    }
    data.update(changes)
    return data


class AuditTests(TreeTestCase):
    def edit(self, unit, **changes):
        return self.client.post(reverse("admin:orgunits_orgunit_change", args=[unit.pk]), unit_form(unit, **changes))

    def test_an_admin_edit_is_recorded_with_user_source_and_difference(self):
        self.client.force_login(self.county_clerk)
        self.edit(self.heye, org_established_on="2016-03-08")  # loaded units start without history
        self.edit(self.heye, name="荷叶新镇", org_established_on="2016-03-08")
        latest, previous = OrgUnit.history.filter(id=self.heye.pk).order_by("-history_date")[:2]
        assert (latest.history_user, latest.history_change_reason) == (self.county_clerk, ADMIN)
        changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
        assert changes == {"name": ("荷叶镇", "荷叶新镇")}
        page = self.client.get(reverse("admin:orgunits_orgunit_history", args=[self.heye.pk])).content.decode()
        assert "荷叶新镇" in page and "county-clerk" in page

    def test_a_revert_from_the_history_page(self):
        self.client.force_login(self.county_clerk)
        self.edit(self.heye, org_established_on="2016-03-08")
        self.edit(self.heye, name="改错的名字", org_established_on="2016-03-08")
        original = OrgUnit.history.filter(id=self.heye.pk, name="荷叶镇").earliest("history_date")
        revert_url = reverse("admin:orgunits_orgunit_simple_history", args=[self.heye.pk, original.history_id])
        assert self.client.get(revert_url).status_code == 200
        response = self.client.post(revert_url, unit_form(self.heye, org_established_on="2016-03-08"))
        assert response.status_code == 302
        assert OrgUnit.objects.get(pk=self.heye.pk).name == "荷叶镇"
        assert OrgUnit.history.filter(id=self.heye.pk).count() == 3
        assert OrgUnit.objects.get(pk=self.heye.pk).path == self.heye.path  # the tree is untouched

    def test_an_import_is_recorded_with_its_file(self):
        OrgUnit.objects.subtree(self.heye).update(org_established_on=day("2016-03-08"))
        call_command("import_officers", str(FIXTURES / "officers" / "officers.xlsx"), stdout=StringIO())
        reasons = set(Appointment.history.values_list("history_change_reason", flat=True))
        assert reasons == {"命令 import_officers officers.xlsx"}
        assert Appointment.history.count() == 5

    def test_closing_and_moving_are_recorded(self):
        village = OrgUnit.objects.children_of(self.heye).first()
        unit_move(unit=village, new_parent=self.yongfeng)
        moved = OrgUnit.history.filter(id=village.pk).latest("history_date")
        assert "从“荷叶镇”移到“永丰街道”之下" in moved.history_change_reason
        closed = unit_close(unit=self.yongfeng, closed_on=day("2024-06-30"))
        entries = OrgUnit.history.filter(history_change_reason__contains="撤销“永丰街道”及其下级")
        assert entries.count() == closed

    def test_a_national_load_is_one_summary_entry(self):
        before = OrgUnit.history.count()
        call_command("load_divisions", str(FIXTURES / "divisions" / "small"), "--under", "431381", stdout=StringIO())
        entries = OrgUnit.history.all()[: OrgUnit.history.count() - before]
        assert [e.history_change_reason for e in entries] == ["命令 load_divisions small：载入区划，新增3个单位"]

    def test_history_pages_obey_the_scope(self):
        self.client.force_login(self.county_clerk)
        self.edit(self.heye, org_established_on="2016-03-08")
        self.client.force_login(self.township_clerk)
        assert self.client.get(reverse("admin:orgunits_orgunit_history", args=[self.heye.pk])).status_code in (403, 404)
        entry = OrgUnit.history.filter(id=self.heye.pk).first()
        form_url = reverse("admin:orgunits_orgunit_simple_history", args=[self.heye.pk, entry.history_id])
        assert self.client.get(form_url).status_code in (403, 404)
        assert self.client.get(reverse("admin:orgunits_orgunit_history", args=[self.yongfeng.pk])).status_code == 200


def breadcrumbs(response) -> str:
    """The page's trail as she reads it: "首页 › 干部队伍 › 人员 › …"."""
    trail = re.search(r'<div class="breadcrumbs">(.*?)</div>', response.content.decode(), re.S).group(1)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", trail))).strip()


class RevertPageTrailTests(TreeTestCase):
    """The revert form's trail reads like the rest of the admin: the app's Chinese name as on the
    admin index and the model's, not simple_history's "Rosters › Historical 人员"."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant_clerk(cls.county_clerk)
        heye = unit_update(unit=cls.heye, org_established_on=day("2016-03-08"))  # loaded units have no history
        person = person_create(name="荷叶春兰", sex="F", birth_date=day("1980-05-01"), registered_in=heye)
        term = term_open(unit=heye, elected_on=day("2021-06-01"))
        chair = Post.objects.get(name="主席")
        appointment = appointment_create(
            person=person, unit=heye, post=chair, start_on=day("2021-06-01"), term=term
        ).appointment
        form_change = org_form_change(
            unit=heye, on=day("2017-06-30"), from_form=OrgForm.CONGRESS, to_form=OrgForm.FEDERATION
        )
        facility = facility_create(
            unit=heye, kind=FacilityKind.objects.get(code="women_home"), opened_on=day("2020-03-08")
        )
        activity = activity_create(
            unit=heye,
            type=ActivityType.objects.get(code="training"),
            title="荷叶镇妇女培训",
            started_on=day("2023-04-01"),
            sessions=3,
            participants=120,
        )
        # Each with the app's name on the admin index and the model's, as the rest of the admin shows them.
        cls.subjects = [
            (heye, "组织机构", "单位"),
            (form_change, "组织机构", "组织形式变更"),
            (person, "干部队伍", "人员"),
            (appointment, "干部队伍", "任职"),
            (term, "干部队伍", "届次"),
            (facility, "阵地建设", "阵地"),
            (activity, "活动开展", "活动"),
        ]

    def test_each_apps_revert_page_names_the_app_and_the_model_in_chinese(self):
        self.client.force_login(self.county_clerk)
        for obj, app_name, model_name in self.subjects:
            opts = obj._meta
            with self.subTest(opts.label):
                version = obj.history.order_by("history_id").first()
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.pk])
                response = self.client.get(url)
                assert response.status_code == 200
                trail = breadcrumbs(response)
                assert trail.startswith(f"首页 › {app_name} › {model_name} › ")
                assert trail.endswith(f" › 历史 › 还原 {model_name}")
                assert "Historical" not in trail
                assert opts.app_label.capitalize() not in trail  # "Rosters", "Orgunits", …
