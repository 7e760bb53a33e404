"""Query ceilings (issue 14): a world that grows from N to 3N rows of everything, and the query
counts of the pages over it.

Every page is asked at both sizes, as the superuser and as the county clerk (manager of 双峰县:
scope filters add queries). The count must not change with the size (a per-row query would show)
and must equal the ceiling written in the test module's table, measured on PostgreSQL.

Counts are of every statement Django's cursor sends, savepoints included (the tests run inside a
transaction, so a view's atomic block costs a SAVEPOINT and a RELEASE); PostgreSQL's COPY goes
past that cursor and is not counted. Each page is asked once before it is counted, so
process-wide caches (content types) are warm, as on a running server.
"""

import datetime
import itertools

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.models import Assignment
from activities.models import ActivityType
from activities.services import activity_create, campaign_create, honour_create
from facilities.models import FacilityKind
from facilities.services import facility_create
from orgunits.models import OrgForm, OrgUnit, UnitChange, UnitKind
from orgunits.org_forms import org_form_change
from orgunits.services import unit_create
from reports.survey_services import survey_report_create
from rosters.duties import duty_record_create
from rosters.models import AgeBandSet, ConcurrentRole, DutyType, EducationGroupSet, Post, PostSeats
from rosters.services import appointment_create, person_create, term_open
from stats.models import DataElement, EligibilityRule, Indicator, ValidationRule
from stats.services import datavalues_save
from tests.base import TreeTestCase, day, kind, make_user
from tests.security.world import grant_clerk

# Rows of each kind at the small size; the large size has 3N. Above EVIDENCE_SAMPLE (5), so that
# the survey report's evidence counts its longer lists at both sizes, and 3N within one page of
# every list (autocompletes show 20).
N = 6
PROBE_CODE = "431321190"  # 探针镇, a township of 双峰县 that every growing list looks at
ESTABLISHED = day("2016-03-08")
YEAR = 2023
USERS = ("superuser", "clerk")  # the order of the pairs in the ceiling tables


class CeilingWorld(TreeTestCase):
    """探针镇 with N villages, each with an organisation, an officer holding a post and two concurrent
    roles in an overdue term, figures, a survey report and an account assigned to it; and N of each
    national setting (kind, post, role, element, rule, indicator, eligibility rule, group)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Numbers for codes and names: from 1 in each class, never reused by its tests' growth.
        cls.village_numbers, cls.setting_numbers = itertools.count(1), itertools.count(1)
        grant_clerk(cls.county_clerk, auth_users=True)
        cls.county_clerk.user_permissions.add(Permission.objects.get(codename="view_group"))
        cls.users = {"superuser": cls.superuser, "clerk": cls.county_clerk}
        cls.probe = unit_create(
            parent=cls.shuangfeng,
            code=PROBE_CODE,
            name="探针镇",
            kind=kind("township"),
            org_established_on=ESTABLISHED,
        )
        cls.probe_report = survey_report_create(unit=cls.probe, year=YEAR)
        cls.add_villages(N)
        cls.add_settings(N)

    @classmethod
    def add_villages(cls, count: int) -> list[OrgUnit]:
        member, roles = Post.objects.get(name="执委"), list(ConcurrentRole.objects.order_by("pk")[:2])
        villages = []
        for _ in range(count):
            n = next(cls.village_numbers)
            village = unit_create(
                parent=cls.probe,
                code=f"{PROBE_CODE}{200 + n:03d}",
                name=f"探针{n}村",
                kind=kind("village"),
                org_established_on=ESTABLISHED,
            )
            person = person_create(
                name=f"探针人{n}",
                sex="F",
                birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=n),
                registered_in=village,
            )
            term = term_open(unit=village, elected_on=day("2020-06-01"))  # due 2025-06-01: overdue
            appointment_create(
                person=person,
                unit=village,
                post=member,
                start_on=day("2021-01-01"),
                term=term,
                concurrent_roles=roles,
            )
            duty_record_create(
                person=person, unit=village, done_on=day("2023-03-01"), duty_type=DutyType.objects.first(), women=5
            )
            datavalues_save(unit=village, period=str(YEAR), values={"cadres": (10, 3), "population": (900, 450)})
            survey_report_create(unit=village, year=YEAR)
            facility_create(unit=village, kind=FacilityKind.objects.get(code="women_home"), opened_on=day("2020-03-08"))
            UnitChange.objects.create(
                changed_on=day("2023-06-30"),
                edition="2023",
                change_type="更名",
                unit=village,
                old_code=village.code,
                new_code=village.code,
                old_name=f"{village.name}旧名",
                new_name=village.name,
                old_kind="village",
                new_kind="village",
            )
            org_form_change(unit=village, on=ESTABLISHED, from_form=OrgForm.CONGRESS, to_form=OrgForm.FEDERATION)
            activity_create(
                unit=village,
                type=ActivityType.objects.get(code="training"),
                title=f"探针{n}村培训",
                started_on=day("2023-04-01"),
                sessions=n,
                participants=10 * n,
            )
            honour_create(unit=village, title="巾帼示范村", level="county", awarded_on=day("2023-03-08"))
            account = make_user(f"probe-{n}")
            Assignment.objects.create(user=account, unit=village, role=Assignment.Role.VIEWER)
            villages.append(village)
        return villages

    @classmethod
    def add_settings(cls, count: int) -> None:
        for _ in range(count):
            n = next(cls.setting_numbers)
            host = UnitKind.objects.create(code=f"probe-kind-{n}", name=f"探针类型{n}", org_form="committee")
            host.allowed_parents.set([kind("county")])
            PostSeats.objects.create(post=Post.objects.create(name=f"探针职务{n}"), kind=host, seats=1)
            ConcurrentRole.objects.create(code=f"probe_role_{n}", name=f"探针兼任{n}")
            DutyType.objects.create(name=f"探针履职{n}", sort_order=100 + n)
            element = DataElement.objects.create(
                code=f"probe_{n}", name=f"探针指标项{n}", measure="人", group="cadres", sort_order=100 + n
            )
            ValidationRule.objects.create(name=f"探针规则{n}", left=f"probe_{n}", right=f"probe_{n}")
            # Every other one is the coverage of the new kind: a foreign key that may be null.
            Indicator.objects.create(
                code=f"probe-{n}",
                name=f"探针指标{n}",
                numerator="" if n % 2 else f"probe_{n}.female",
                denominator="" if n % 2 else f"probe_{n}.total",
                coverage_kind=host if n % 2 else None,
                sort_order=100 + n,
            )
            EligibilityRule.objects.create(kind=host, element=element, minimum=1)
            Group.objects.create(name=f"探针组{n}")
            FacilityKind.objects.create(code=f"probe-facility-{n}", name=f"探针阵地{n}").expected_in.set([host])
            # Every other profile set is 探针镇's own, the others national.
            AgeBandSet.objects.create(name=f"探针年龄段{n}", owner=cls.probe if n % 2 else None)
            EducationGroupSet.objects.create(name=f"探针学历分组{n}", owner=cls.probe if n % 2 else None)
            ActivityType.objects.create(code=f"probe-type-{n}", name=f"探针活动{n}", sessions_unit="场次")
            campaign_create(name=f"探针载体{n}", owner=cls.probe if n % 2 else None, year=YEAR)

    def grow(self) -> None:
        """From N to 3N of everything."""
        self.add_villages(2 * N)
        self.add_settings(2 * N)

    # ---- counting

    def count(self, user: str, url: str, *, data=None, status=200, warm=True) -> int:
        """The queries of one request (a POST when data is given), asked once before when warm.
        The response is kept in self.response."""
        self.client.force_login(self.users[user])
        send = self.client.get if data is None else self.client.post
        if warm:
            send(url, data)
        with CaptureQueriesContext(connection) as queries:
            self.response = send(url, data)
        assert self.response.status_code == status, f"{url} as {user}: {self.response.status_code}"
        return len(queries)

    def measure(self, table: dict, pages: dict[str, str], *, warm: bool, shown=None) -> dict:
        """{(page, user): queries} for every page and user (None where the table says the page
        refuses her, after checking it does); with shown(response), also how many rows each page
        showed, under (page, user, "shown")."""
        counts = {}
        for key, url in pages.items():
            for user in USERS:
                if key in table and ceiling_for(table, key, user) is None:
                    self.count(user, url, status=403, warm=False)
                    counts[key, user] = None
                    continue
                counts[key, user] = self.count(user, url, warm=warm)
                if shown is not None:
                    counts[key, user, "shown"] = shown(self.response)
        return counts

    def assert_constant(self, table: dict, pages, *, grow=None, shown=None, growth=None) -> None:
        """pages() asked at N and, after grow() (from N to 3N rows), again: each costs its ceiling at
        both sizes. With shown, each page must also show more rows the second time, or it proves
        nothing."""
        small = self.measure(table, pages(), warm=True, shown=shown)
        (grow or self.grow)()
        large = self.measure(table, pages(), warm=False, shown=shown)
        problems = report(table, small, large, growth=growth)
        if shown is not None:
            problems += [
                f"{item[0]} as {item[1]} shows {small[item]} rows at N and {large[item]} at 3N"
                for item in small
                if len(item) == 3 and large[item] <= small[item]
            ]
        assert not problems, "\n".join(problems)

    def import_counts(self, user: str, admin_name: str, content: bytes) -> tuple[int, int]:
        """The queries of an admin import's preview and of its confirm, for a file that has no error."""
        url, confirm_url = (reverse(f"admin:{admin_name}_{view}") for view in ("import", "process_import"))
        self.client.force_login(self.users[user])
        self.client.get(url)  # warm
        upload = SimpleUploadedFile("file.csv", content, content_type="text/csv")
        with CaptureQueriesContext(connection) as preview:
            response = self.client.post(url, {"import_file": upload, "format": "0"})
        assert response.status_code == 200
        assert "confirm_form" in response.context, response.context["result"].error_messages
        with CaptureQueriesContext(connection) as confirm:
            response = self.client.post(confirm_url, response.context["confirm_form"].initial)
        assert response.status_code == 302, response
        assert response["Location"] == reverse(f"admin:{admin_name}_changelist"), "the confirm was refused"
        return len(preview), len(confirm)

    def assert_import_constant(self, table: dict, key: str, admin_name: str, file, *, growth=None) -> None:
        """file(user, rows) -> bytes; preview and confirm cost their ceilings at N and 3N rows."""
        small, large = {}, {}
        for user in USERS:
            small[f"{key} preview", user], small[f"{key} confirm", user] = self.import_counts(
                user, admin_name, file(user, N)
            )
            large[f"{key} preview", user], large[f"{key} confirm", user] = self.import_counts(
                user, admin_name, file(user, 3 * N)
            )
        problems = report(table, small, large, growth=growth)
        assert not problems, "\n".join(problems)


def ceiling_for(table: dict, key: str, user: str) -> int | None:
    """The ceiling in the table for the page and user; a vendor's own entry overrides PostgreSQL's."""
    entry = table[key]
    if isinstance(entry, dict):
        entry = entry.get(connection.vendor, entry["postgresql"])
    return entry[USERS.index(user)]


def report(table: dict, small: dict, large: dict, *, growth=None) -> list[str]:
    """What differs from the table: a count that is not the ceiling, or that grows from N to 3N
    (beyond growth[page]: the (superuser, clerk) queries a known per-row bug adds, written down in
    the test module)."""
    problems = []
    for item, count in small.items():
        if len(item) != 2:
            continue
        key, user = item
        if count is None:  # refused, as the table says
            continue
        grown = large[key, user] - count
        expected = (growth or {}).get(key, (0, 0))[USERS.index(user)]
        if key not in table:
            problems.append(f"{key} as {user}: no ceiling ({count} queries at N, {count + grown} at 3N)")
        elif count != ceiling_for(table, key, user) or grown != expected:
            problems.append(
                f"{key} as {user}: {count} queries at N, {count + grown} at 3N; "
                f"ceiling {ceiling_for(table, key, user)}, {expected} more expected at 3N"
            )
    return problems
