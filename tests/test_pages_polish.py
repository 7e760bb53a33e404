"""What a new user saw on the unit list, the worklists, the refused pages and the report pages (issue 13):
ancestors she cannot open as plain text, empty worklists that say so, Chinese everywhere, the reason of
a refusal, vacancies counted per seat, and no action offered that would be refused."""

import datetime
import logging
import re
from unittest import mock

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template import loader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from access.scope import OUT_OF_SCOPE, READ_ONLY_SCOPE
from orgunits.errors import MOVE_TOP_UNIT
from orgunits.models import OrgUnit
from orgunits.services import unit_update
from registry.middleware import REFUSED_READ_ONLY, refusal_reason
from reports.admin import UNIT_PLACEHOLDER
from reports.survey_services import survey_report_create
from rosters.models import Appointment, Post
from rosters.services import appointment_create, person_create
from rosters.views import EMPTY_WORKLIST, WORKLISTS
from tests.base import DOMAIN_APPS, TreeTestCase, make_user

ROSTER_VIEW = ("view_orgunit", "view_appointment")
REPORT_PERMS = ("view_surveyreport", "add_surveyreport", "change_surveyreport", "view_datavalue")


def changelist(query=""):
    return reverse("admin:orgunits_orgunit_changelist") + query


def change_page(unit):
    return reverse("admin:orgunits_orgunit_change", args=[unit.pk])


def links_to_parent(html: str, unit) -> bool:
    """Whether the page links to the unit list drilled into `unit` (trail, 上一级 or filter)."""
    return re.search(rf"[?&](?:amp;)?parent={unit.pk}(?!\d)", html) is not None


def linked_names(html: str) -> set[str]:
    """What the trail and the 上级单位 filter link (the other filters have a level called 全国)."""
    trail = re.search(r'<nav class="unit-trail".*?</nav>', html, re.S).group(0)
    found = re.search(r'<details data-filter-title="上级单位".*?</details>', html, re.S)
    parts = trail + (found.group(0) if found else "")
    return {re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<a\b[^>]*>(.*?)</a>", parts, re.S)}


def grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS, codename__in=codenames)
    )
    return user


class UnitListAncestorTests(TreeTestCase):
    """Point 1: on the unit list an ancestor she cannot open is plain text: trail, 上一级 and filter."""

    def test_above_her_county_the_trail_and_filter_are_plain_text_and_there_is_no_way_up(self):
        self.client.force_login(self.county_clerk)
        html = self.client.get(changelist(f"?parent={self.shuangfeng.pk}")).content.decode()
        trail = re.search(r'<nav class="unit-trail".*?</nav>', html, re.S).group(0)
        assert (
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", trail))
            .strip()
            .startswith("全部单位 › 全国 › 湖南省 › 娄底市 › 双峰县")
        )
        for ancestor in (self.nation, self.hunan, self.loudi):
            assert not links_to_parent(html, ancestor), ancestor.name
            assert ancestor.name not in linked_names(html), ancestor.name
        assert "↑ 上一级" not in html
        assert "湖南省" in re.search(r'id="changelist-filter".*', html, re.S).group(0)  # still named, as text

    def test_inside_her_county_the_way_up_leads_to_units_she_can_open(self):
        self.client.force_login(self.county_clerk)
        html = self.client.get(changelist(f"?parent={self.heye.pk}")).content.decode()
        assert re.search(rf'<a class="unit-up" href="\?parent={self.shuangfeng.pk}"', html)
        assert "双峰县" in linked_names(html)
        assert not links_to_parent(html, self.loudi) and "娄底市" not in linked_names(html)

    def test_the_township_editor_sees_her_county_as_text_only(self):
        self.client.force_login(self.township_clerk)
        html = self.client.get(changelist(f"?parent={self.yongfeng.pk}")).content.decode()
        assert "双峰县" in html and "双峰县" not in linked_names(html)
        assert not links_to_parent(html, self.shuangfeng)
        assert "↑ 上一级" not in html

    def test_the_superuser_still_walks_up_to_the_nation(self):
        self.client.force_login(self.superuser)
        html = self.client.get(changelist(f"?parent={self.shuangfeng.pk}")).content.decode()
        for ancestor in (self.nation, self.hunan, self.loudi):
            assert links_to_parent(html, ancestor)
        assert re.search(rf'<a class="unit-up" href="\?parent={self.loudi.pk}"', html)


class LocationColumnTests(TreeTestCase):
    """Point 5: 所属 for search results only; the tree says where a unit is by its indentation."""

    def setUp(self):
        self.client.force_login(self.county_clerk)

    def test_the_tree_has_no_location_column(self):
        for query in ("", "?kind=community", f"?parent={self.shuangfeng.pk}"):
            response = self.client.get(changelist(query))
            assert "location" not in response.context["cl"].list_display, query
            assert "column-location" not in response.content.decode(), query

    def test_search_results_say_where_each_unit_is(self):
        response = self.client.get(changelist("?q=荷叶"))
        assert "location" in response.context["cl"].list_display
        assert "湖南省 / 娄底市 / 双峰县" in response.content.decode()


class WorklistTests(TreeTestCase):
    """Points 2 and 4: an empty worklist says so; vacancies per seat, with where each unit is."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.clerk = grant(make_user("roster-clerk"), *ROSTER_VIEW)
        from access.models import Assignment

        Assignment.objects.create(user=cls.clerk, unit=cls.shuangfeng, role=Assignment.Role.VIEWER)
        cls.on = datetime.date(2024, 1, 1)
        communities = OrgUnit.objects.subtree(cls.shuangfeng).filter(kind__code="community").order_by("path")
        cls.west = communities.filter(path__startswith=cls.yongfeng.path).first()
        jinkai = OrgUnit.objects.get(code="431321002")
        cls.twin = communities.filter(path__startswith=jinkai.path).first()
        unit_update(unit=cls.twin, name=cls.west.name)
        for community in (cls.west, cls.twin):
            unit_update(unit=community, org_established_on=datetime.date(2018, 1, 1))

    def setUp(self):
        self.client.force_login(self.clerk)

    def worklist(self, name, unit, **query):
        params = "&".join(f"{k}={v}" for k, v in {"unit": unit.pk, "on": self.on.isoformat(), **query}.items())
        return self.client.get(reverse("rosters_worklist", args=[name]) + "?" + params)

    def test_an_empty_worklist_says_it_is_empty(self):
        response = self.worklist("busy", self.yongfeng)
        assert response.status_code == 200
        html = response.content.decode()
        assert "共 0 条" in html
        assert EMPTY_WORKLIST in html

    def test_a_community_has_eighteen_seats_not_twenty(self):
        # 1 chair (主席, 妇女主任 and 妇代会主任 are that one seat under three titles), 2 vice-chairs, 15 members.
        from rosters.selectors import vacant_seats

        _posts, rows = vacant_seats(self.shuangfeng, self.on)
        assert rows.get(pk=self.west.pk).vacant_total == 18

    def test_any_chair_title_fills_the_one_chair_seat(self):
        from rosters.selectors import vacant_seats

        person = person_create(name="周玉梅", sex="F", birth_date=datetime.date(1980, 5, 1))
        appointment_create(
            person=person, unit=self.west, post=Post.objects.get(name="妇女主任"), start_on=datetime.date(2020, 1, 1)
        )
        assert Appointment.objects.filter(unit=self.west).count() == 1
        _posts, rows = vacant_seats(self.shuangfeng, self.on)
        west = rows.get(pk=self.west.pk)
        assert west.vacant_total == 17
        assert west.vacant_chair == 0

    def test_a_post_counts_only_where_it_applies_and_nowhere_without_kinds(self):
        from rosters.selectors import vacant_seats

        members = Post.objects.get(name="委员")  # 机关、事业单位等的委员
        adviser = Post.objects.create(name="顾问")  # no seats: counted nowhere
        posts, rows = vacant_seats(self.shuangfeng, self.on)
        assert adviser not in posts
        west = rows.get(pk=self.west.pk)
        assert getattr(west, f"vacant_{members.pk}") == 0
        agency = rows.filter(kind__code="agency").first()
        if agency is not None:
            assert agency.vacant_total == members.seats.get(kind=agency.kind).seats

    def test_the_vacancy_list_says_where_each_unit_is(self):
        response = self.worklist("vacant-seats", self.shuangfeng)
        html = response.content.decode()
        assert '<th scope="col">所属</th>' in html
        rows = [row for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f">{self.west.name}</a>" in row]
        assert len(rows) == 2
        places = sorted(re.sub(r"<[^>]+>", "", re.findall(r"<td>(.*?)</td>", row, re.S)[1]) for row in rows)
        assert places == ["湖南省 / 娄底市 / 双峰县 / 永丰街道", "湖南省 / 娄底市 / 双峰县 / 金开街道"]

    def test_where_each_unit_is_costs_one_query_per_page(self):
        with CaptureQueriesContext(connection) as small:
            self.worklist("vacant-seats", self.yongfeng)
        with CaptureQueriesContext(connection) as large:
            self.worklist("vacant-seats", self.shuangfeng)
        assert len(large) == len(small)

    def test_the_home_page_lists_every_worklist(self):
        # Found by the audit: 执委未达标 was reachable only through the tabs of another worklist.
        html = self.client.get(reverse("admin:index")).content.decode()
        box = re.search(r"<caption>工作清单</caption>(.*?)</table>", html, re.S).group(1)
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', box)
        assert links == [(reverse("rosters_worklist", args=[name]), entry[0]) for name, entry in WORKLISTS.items()]


class ChineseChromeTests(TreeTestCase):
    """Point 3: no English on the action pages or in the sidebar's hidden headings; a Chinese 500 page."""

    def test_the_move_and_close_pages_cancel_in_chinese(self):
        self.client.force_login(self.county_clerk)
        for name in ("orgunits_orgunit_move", "orgunits_orgunit_close"):
            html = self.client.get(reverse(f"admin:{name}", args=[self.heye.pk])).content.decode()
            assert 'class="closelink">取消</a>' in html, name
            assert "Cancel" not in html, name

    def test_the_sidebar_headings_for_screen_readers_are_chinese(self):
        self.client.force_login(self.county_clerk)
        html = self.client.get(changelist()).content.decode()
        for english in ("Model name", "Add link", "Change or view list link"):
            assert english not in html, english
        assert "模型名称" in html

    def test_english_is_still_there_when_chosen(self):
        self.client.force_login(self.county_clerk)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
        html = self.client.get(reverse("admin:orgunits_orgunit_move", args=[self.heye.pk])).content.decode()
        assert 'class="closelink">Cancel</a>' in html

    def test_the_500_page_is_chinese_and_needs_no_database(self):
        with CaptureQueriesContext(connection) as queries, translation.override("zh-hans"):
            html = loader.get_template("500.html").render()
        assert len(queries) == 0
        assert "服务器出错" in html

    def test_a_server_error_answers_with_it_and_logs_the_traceback(self):
        self.client.force_login(self.superuser)
        self.client.raise_request_exception = False
        with (
            mock.patch("rosters.views.WorklistForm.defaults", side_effect=RuntimeError("boom")),
            self.assertLogs("django.request", logging.ERROR) as logs,
        ):
            response = self.client.get(reverse("rosters_worklist", args=["busy"]))
        assert response.status_code == 500
        assert "服务器出错" in response.content.decode()
        assert logs.records[-1].exc_info is not None


class RefusalTests(TreeTestCase):
    """Point 3: a refusal gives our own reason when it names nothing outside her scope, in one log line."""

    def test_moving_her_own_county_is_refused_with_the_reason(self):
        self.client.force_login(self.county_clerk)
        response = self.client.get(reverse("admin:orgunits_orgunit_move", args=[self.shuangfeng.pk]))
        assert response.status_code == 403
        assert MOVE_TOP_UNIT in response.content.decode()

    def test_a_read_only_refusal_gives_the_reason_without_the_name(self):
        grant(self.city_viewer, *REPORT_PERMS, "add_datavalue", "change_datavalue")
        self.client.force_login(self.city_viewer)
        response = self.client.post(reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023", {})
        assert response.status_code == 403
        html = response.content.decode()
        assert REFUSED_READ_ONLY in html
        assert "荷叶" not in html

    def test_only_our_own_reasons_are_shown_and_never_a_name(self):
        assert refusal_reason(PermissionDenied(READ_ONLY_SCOPE.format(unit="荷叶镇"))) == REFUSED_READ_ONLY
        assert refusal_reason(PermissionDenied(MOVE_TOP_UNIT)) == MOVE_TOP_UNIT
        assert refusal_reason(PermissionDenied(OUT_OF_SCOPE.format(unit="淑阳镇"))) == ""
        assert refusal_reason(PermissionDenied("Forbidden by a library")) == ""
        assert refusal_reason(PermissionDenied()) == ""

    def test_a_bare_refusal_shows_the_general_text_only(self):
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("rosters_worklist", args=["busy"]))
        assert response.status_code == 403
        assert "您没有权限打开此页面" in response.content.decode()

    def test_a_refusal_is_logged_on_one_line(self):
        self.client.force_login(self.outsider)
        with self.assertLogs("django.request", logging.WARNING) as logs:
            self.client.get(reverse("rosters_worklist", args=["busy"]))
        [record] = logs.records
        assert record.status_code == 403
        assert record.exc_info is None and "\n" not in logs.output[0]


class UnitPageActionTests(TreeTestCase):
    """Point 6: the unit page offers only what she may do, and leads to the unit's survey reports."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant(cls.county_clerk, *REPORT_PERMS)
        cls.report = survey_report_create(unit=cls.shuangfeng, year=2024)
        survey_report_create(unit=cls.xianghe, year=2024)

    def setUp(self):
        self.client.force_login(self.county_clerk)

    def page(self, unit):
        return self.client.get(change_page(unit)).content.decode()

    def test_her_county_offers_neither_move_nor_delete(self):
        html = self.page(self.shuangfeng)
        assert reverse("admin:orgunits_orgunit_move", args=[self.shuangfeng.pk]) not in html
        assert reverse("admin:orgunits_orgunit_delete", args=[self.shuangfeng.pk]) not in html
        assert reverse("admin:orgunits_orgunit_close", args=[self.shuangfeng.pk]) in html

    def test_a_township_can_be_moved_but_not_deleted_while_it_has_villages(self):
        html = self.page(self.heye)
        assert reverse("admin:orgunits_orgunit_move", args=[self.heye.pk]) in html
        assert reverse("admin:orgunits_orgunit_delete", args=[self.heye.pk]) not in html

    def test_a_leaf_entered_by_mistake_can_be_deleted(self):
        leaf = self.add_agency(self.heye, "XH-OOPS", "录错的单位")
        assert reverse("admin:orgunits_orgunit_delete", args=[leaf.pk]) in self.page(leaf)

    def test_the_superuser_cannot_move_the_nation(self):
        self.client.force_login(self.superuser)
        assert reverse("admin:orgunits_orgunit_move", args=[self.nation.pk]) not in self.page(self.nation)
        assert reverse("admin:orgunits_orgunit_move", args=[self.shuangfeng.pk]) in self.page(self.shuangfeng)

    def test_the_unit_page_links_to_its_survey_reports(self):
        html = self.page(self.shuangfeng)
        url = reverse("admin:reports_surveyreport_changelist") + f"?unit__id__exact={self.shuangfeng.pk}"
        assert f'<a href="{url}">调研报告（1）</a>' in html
        listed = self.client.get(url).context["cl"].result_list
        assert list(listed) == [self.report]
        assert "调研报告（0）" in self.page(self.heye)

    def test_no_report_link_without_the_permission_to_see_reports(self):
        self.client.force_login(self.township_clerk)
        assert "调研报告（" not in self.page(self.yongfeng)

    def test_the_report_form_has_no_icons_beside_the_unit_and_a_placeholder(self):
        html = self.client.get(reverse("admin:reports_surveyreport_add")).content.decode()
        select = re.search(r'<select name="unit"[^>]*>', html).group(0)
        assert f'data-placeholder="{UNIT_PLACEHOLDER}"' in select
        assert "related-widget-wrapper" not in html
        assert "add_id_unit" not in html and "change_id_unit" not in html
