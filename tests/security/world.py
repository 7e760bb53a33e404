"""Two counties with officers, figures, terms and reports, and the personas the server was probed with.

双峰县 (431321) has 永丰街道 and 荷叶镇; 香河县 (131024) has 淑阳镇. Every person has an identity number
and a phone, and nobody but the superuser may see them in full. Names are unique, so a name found on
a page says whose data leaked.
"""

import re

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from access.models import Assignment
from access.scope import Scope
from activities.models import ActivityType
from activities.services import activity_create, campaign_create, honour_create
from facilities.models import FacilityKind
from facilities.services import facility_create
from orgunits.models import OrgForm, OrgUnit, UnitChange, UnitKind
from orgunits.org_forms import org_form_change
from reports.survey_services import survey_report_create
from rosters.duties import duty_record_create
from rosters.models import AgeBand, AgeBandSet, DutyType, EducationGroup, EducationGroupSet, Person
from rosters.selectors import people_for
from rosters.services import appointment_create, appointment_update, person_create, term_open
from stats.services import datavalues_save
from tests.base import TreeTestCase, day, make_user
from tests.orgunits.test_roster import id_number, post

# Every model permission of our apps but the one that reveals identity numbers and phones.
CLERK_PERMS = Q(
    content_type__app_label__in=("orgunits", "access", "rosters", "stats", "facilities", "activities", "reports")
) & ~Q(codename="view_personal_data")
USER_PERMS = ("view_user", "add_user", "change_user", "delete_user")


def grant_clerk(user, *, auth_users: bool = False):
    perms = Permission.objects.filter(CLERK_PERMS)
    if auth_users:
        perms = perms | Permission.objects.filter(content_type__app_label="auth", codename__in=USER_PERMS)
    user.user_permissions.add(*perms)
    return user


def assign(user, unit, role):
    Assignment.objects.create(user=user, unit=unit, role=role)
    return user


class SecurityWorld(TreeTestCase):
    """Personas (besides the base's superuser, county clerk, township clerk, city viewer and outsider):
    - heye_viewer: viewer of 荷叶镇;
    - heye_editor: editor of 荷叶镇;
    - xianghe_manager: manager of 香河县;
    - county_admin: a second manager of 双峰县, also given the auth user permissions;
    - perms_only: every model permission, no assignment.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        role = Assignment.Role
        for clerk in (cls.county_clerk, cls.township_clerk, cls.city_viewer):
            grant_clerk(clerk)
        cls.heye_viewer = assign(grant_clerk(make_user("heye-viewer")), cls.heye, role.VIEWER)
        cls.heye_editor = assign(grant_clerk(make_user("heye-editor")), cls.heye, role.EDITOR)
        cls.xianghe_manager = assign(grant_clerk(make_user("xianghe-manager")), cls.xianghe, role.MANAGER)
        cls.county_admin = assign(grant_clerk(make_user("county-admin"), auth_users=True), cls.shuangfeng, role.MANAGER)
        cls.perms_only = grant_clerk(make_user("perms-only"))
        cls.secret_group = Group.objects.create(name="可查看证件号")
        cls.secret_group.permissions.add(Permission.objects.get(codename="view_personal_data"))
        for county in (cls.shuangfeng, cls.xianghe):
            OrgUnit.objects.subtree(county).update(org_established_on=day("2016-03-08"))
        cls._officers()
        cls._figures_and_reports()
        cls._division_changes()
        cls._form_changes()
        cls._facilities()
        cls._activities()

    @classmethod
    def _person(cls, name, birth, area, sequence, phone, *, created_by=None):
        return person_create(
            name=name,
            sex="F",
            birth_date=day(f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"),
            id_number=id_number(birth, area=area, sequence=sequence),
            phone=phone,
            created_by=created_by,
        )

    @classmethod
    def _officers(cls):
        chair, member = post("主席"), post("执委")
        cls.yongfeng_person = cls._person("永丰甲芳", "19800101", "431321", 11, "13811110001")
        cls.heye_person = cls._person("荷叶乙兰", "19810202", "431321", 12, "13811110002")
        cls.xianghe_person = cls._person("香河丙梅", "19820303", "131024", 13, "13811110003")
        cls.unplaced_yongfeng = cls._person(
            "永丰未任", "19830404", "431321", 14, "13811110004", created_by=cls.township_clerk
        )
        cls.unplaced_xianghe = cls._person(
            "香河未任", "19840505", "131024", 15, "13811110005", created_by=cls.xianghe_manager
        )
        cls.moved_person = cls._person("迁入丁秀", "19850606", "131024", 16, "13811110006")
        cls.terms = {unit.pk: term_open(unit=unit, elected_on=day("2021-06-01")) for unit in cls.townships()}
        cls.appointments = {}
        for person, unit in (
            (cls.yongfeng_person, cls.yongfeng),
            (cls.heye_person, cls.heye),
            (cls.xianghe_person, cls.shutang),
        ):
            cls.appointments[unit.pk] = appointment_create(
                person=person, unit=unit, post=chair, start_on=day("2021-06-01"), term=cls.terms[unit.pk]
            ).appointment
        # An appointment that began in 香河县 and was moved into 永丰街道: its history names 淑阳镇.
        moved = appointment_create(
            person=cls.moved_person, unit=cls.shutang, post=member, start_on=day("2022-01-01")
        ).appointment
        cls.moved_appointment = appointment_update(appointment=moved, unit=cls.yongfeng).appointment
        # 执委履职: a record in each county (and one in 永丰街道, the township editor's).
        visit = DutyType.objects.get(name="入户走访")
        cls.duties = {
            unit.pk: duty_record_create(
                person=person, unit=unit, done_on=day("2023-03-01"), duty_type=visit, households=3
            )
            for person, unit in (
                (cls.yongfeng_person, cls.yongfeng),
                (cls.heye_person, cls.heye),
                (cls.xianghe_person, cls.shutang),
            )
        }

    @classmethod
    def _figures_and_reports(cls):
        for unit in cls.townships():
            datavalues_save(unit=unit, period="2023", values={"cadres": (20, 7)})
        cls._profile_sets()
        cls.reports = {
            unit.pk: survey_report_create(
                unit=unit, year=2023, problems=f"{unit.name}的问题", **cls.profile_sets.get(unit.pk, {})
            )
            for unit in (cls.shuangfeng, cls.xianghe, cls.yongfeng)
        }

    @classmethod
    def _facilities(cls):
        """A 妇女之家 in each township of both counties, named after it (a name on another county's page
        would be found)."""
        women = FacilityKind.objects.get(code="women_home")
        cls.facilities = {
            unit.pk: facility_create(unit=unit, kind=women, opened_on=day("2020-03-08"), name=f"{unit.name}妇女之家")
            for unit in cls.townships()
        }

    @classmethod
    def _division_changes(cls):
        """A dated record in each county, as apply_divisions writes them (the names are unique)."""
        for township in (cls.heye, cls.shutang):
            UnitChange.objects.create(
                changed_on=day("2023-06-30"),
                edition="2023",
                change_type="更名",
                unit=township,
                old_code=township.code,
                new_code=township.code,
                old_name=f"{township.name}旧名",
                new_name=township.name,
                old_kind="township",
                new_kind="township",
            )

    @classmethod
    def _form_changes(cls):
        """A 会改联 record in each county, its note naming the township (the names are unique)."""
        for township in (cls.heye, cls.shutang):
            org_form_change(
                unit=township,
                on=day("2017-06-30"),
                from_form=OrgForm.CONGRESS,
                to_form=OrgForm.FEDERATION,
                note=f"{township.name}会改联",
            )

    @classmethod
    def _activities(cls):
        """In each county: its own campaign, an activity under it in a township, and an honour; and one
        national campaign."""
        training = ActivityType.objects.get(code="training")
        cls.national_campaign = campaign_create(name="全国巾帼建功", year=2023)
        cls.activities, cls.honours = {}, {}
        for county, township in ((cls.shuangfeng, cls.yongfeng), (cls.xianghe, cls.shutang)):
            campaign = campaign_create(name=f"{county.name}巾帼行动", owner=county, year=2023)
            cls.activities[township.pk] = activity_create(
                unit=township,
                type=training,
                campaign=campaign,
                title=f"{township.name}妇女培训",
                started_on=day("2023-04-01"),
                sessions=3,
                participants=120,
            )
            cls.honours[township.pk] = honour_create(
                unit=township, title="巾帼文明岗", level="county", awarded_on=day("2023-03-08")
            )

    @classmethod
    def _profile_sets(cls):
        """Each county's own age bands and education groups, named after it (so a name on another
        county's page would be found), 香河县's chosen by its report."""
        cls.profile_sets = {}
        for county in (cls.shuangfeng, cls.xianghe):
            ages = AgeBandSet.objects.create(name=f"{county.name}年龄段", owner=county, is_default=True)
            AgeBand.objects.create(set=ages, label="30岁以下", upper=30, upper_inclusive=False)
            groups = EducationGroupSet.objects.create(name=f"{county.name}学历分组", owner=county)
            EducationGroup.objects.create(set=groups, label="大专及以上", levels=["研究生", "大学本科", "大学专科"])
            cls.profile_sets[county.pk] = {"age_band_set": ages, "education_group_set": groups}
        del cls.profile_sets[cls.shuangfeng.pk]

    @classmethod
    def townships(cls):
        return (cls.yongfeng, cls.heye, cls.shutang)

    @classmethod
    def personas(cls):
        """(label, user or None for an anonymous visitor)."""
        return [
            ("superuser", cls.superuser),
            ("county manager", cls.county_clerk),
            ("county manager with user rights", cls.county_admin),
            ("editor of 永丰街道", cls.township_clerk),
            ("editor of 荷叶镇", cls.heye_editor),
            ("viewer of 荷叶镇", cls.heye_viewer),
            ("viewer of 娄底市", cls.city_viewer),
            ("manager of 香河县", cls.xianghe_manager),
            ("model permissions, no assignment", cls.perms_only),
            ("staff, nothing else", cls.outsider),
            ("anonymous", None),
        ]


class Secrets:
    """What must never appear on a persona's pages, found fast: names by their Chinese runs, codes and
    numbers as whole tokens (an ancestor's code inside her own code is not a leak)."""

    _CJK = re.compile(r"[\u3400-\u9fff]+")
    _TOKEN = re.compile(r"[0-9A-Za-z]+")

    def __init__(self, names, tokens):
        self.names = set(names)
        self.lengths = sorted({len(name) for name in self.names})
        self.tokens = {token.upper() for token in tokens}

    def found_in(self, text: str) -> list[str]:
        found = {token for token in self._TOKEN.findall(text) if token.upper() in self.tokens}
        for run in self._CJK.findall(text):
            for length in self.lengths:
                found.update(
                    run[at : at + length] for at in range(len(run) - length + 1) if run[at : at + length] in self.names
                )
        return sorted(found)


def secrets_for(user) -> Secrets:
    """Names and codes of units outside her scope (her own units' ancestors excepted: they are her
    breadcrumbs), names of people outside it, and every full identity number and phone."""
    if user is not None and user.is_superuser:
        return Secrets((), ())
    scope = Scope.for_user(user) if user is not None else Scope(unrestricted=False)
    numbers = [n for person in Person.objects.all() for n in (person.id_number, person.phone) if n]
    visible = scope.units()
    ancestors = {path[:end] for path in scope.view_paths for end in range(OrgUnit.steplen, len(path), OrgUnit.steplen)}
    outside = OrgUnit.objects.exclude(pk__in=visible.values("pk")).exclude(path__in=ancestors)
    # Only names that are not part of anything she may see: village names repeat across counties.
    seen = " ".join(
        OrgUnit.objects.filter(Q(pk__in=visible.values("pk")) | Q(path__in=ancestors)).values_list("name", flat=True)
    )
    kinds = set(UnitKind.objects.values_list("name", flat=True))  # 全国 is a kind as well as the root
    unit_names = {name for name in outside.values_list("name", flat=True) if name not in seen and name not in kinds}
    people = Person.objects.exclude(pk__in=people_for(scope).values("pk")).values_list("name", flat=True)
    # Province codes (2 digits) are too short to tell from any other number on a page, and so are city
    # codes (4 digits) on pages full of her own figures; with no assignment she has none.
    shortest = 6 if scope.view_paths else 4
    codes = [code for code in outside.values_list("code", flat=True) if len(code) >= shortest]
    return Secrets(unit_names | set(people), [*numbers, *codes])


def login(client, user) -> None:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
