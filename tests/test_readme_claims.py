"""Documentation claims (issue 13: README.md then, the pages of docs/ now) that no other test held: each
test names the sentence it backs."""

import datetime

from django.conf import settings
from django.contrib.admin import ShowFacets
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.scope import Scope
from orgunits.models import OrgUnit, UnitKind
from rosters.models import Appointment, ConcurrentRole, Person, Post
from rosters.officers import check_rows, read_spreadsheet, write
from rosters.profiles import Band, default_age_bands, roster_stats
from stats.models import DataElement, ValidationRule
from tests.base import TreeTestCase, day
from tests.conftest import FIXTURES
from tests.orgunits.test_unit_import_errors import CASES


class SeededCatalogueTests(TreeTestCase):
    def test_the_13_unit_kinds(self):
        """ "the 13 kinds (全国, 省, 市, 县, 乡镇, 街道, 开发区等, 村, 社区, 机关, 事业单位, 企业, 社会组织)"."""
        names = set(UnitKind.objects.values_list("name", flat=True))
        assert names == {
            "全国",
            "省",
            "市",
            "县",
            "乡镇",
            "街道",
            "开发区等",
            "村",
            "社区",
            "机关",
            "事业单位",
            "企业",
            "社会组织",
        }

    def test_the_seeded_posts_and_concurrent_roles(self):
        """ "Posts (… seeded 主席, 副主席, 执委, 妇女主任, 妇代会主任, 委员)" and "Concurrent roles are seeded
        村党组织委员, 村委会委员, 计育专干, 妇幼保健员"."""
        assert set(Post.objects.values_list("name", flat=True)) == {
            "主席",
            "副主席",
            "执委",
            "妇女主任",
            "妇代会主任",
            "委员",
        }
        assert set(ConcurrentRole.objects.values_list("name", flat=True)) == {
            "村党组织委员",
            "村委会委员",
            "计育专干",
            "妇幼保健员",
        }
        chairs = set(Post.objects.filter(counts_as_chair=True).values_list("name", flat=True))
        assert chairs == {"主席", "妇女主任", "妇代会主任"}

    def test_17_elements_and_four_validation_rules(self):
        """ "There are 17, seeded" and "Four are seeded"."""
        assert DataElement.objects.count() == 17
        assert ValidationRule.objects.count() == 4


class DemoTreeTests(TreeTestCase):
    def test_the_demo_counties_and_their_townships(self):
        """ "双峰县 (431321, 16 townships and 523 villages and communities) and 香河县 (131024, 11 and 331)"."""
        for code, townships, villages in (("431321", 16, 523), ("131024", 11, 331)):
            county = OrgUnit.objects.get(code=code)
            below = OrgUnit.objects.filter(path__startswith=county.path).exclude(pk=county.pk)
            assert below.filter(depth=county.depth + 1).count() == townships, code
            assert below.filter(depth=county.depth + 2).count() == villages, code


class RosterStatsBandsTests(TreeTestCase):
    def test_the_bands_are_data_that_a_caller_may_replace(self):
        """ "The migration seeds the national defaults: the four bands the reports always used
        (35岁及以下, 36–45岁, 46–55岁, 56岁及以上 …)"; "In code the sets are plain values, `Band` and
        `Group`"."""
        assert [band.label for band in default_age_bands()] == ["35岁及以下", "36–45岁", "46–55岁", "56岁及以上"]
        village = OrgUnit.objects.filter(path__startswith=self.heye.path, depth=self.heye.depth + 1).first()
        village.org_established_on = day("2016-03-08")
        village.save()
        person = Person.objects.create(name="测试甲", sex="F", birth_date=day("1980-01-01"))
        Appointment.objects.create(
            person=person, unit=village, post=Post.objects.get(name="主席"), start_on=day("2021-01-01"), mode="part"
        )
        on = datetime.date(2025, 6, 30)  # she is 45
        assert roster_stats(village, on).by_age_band == {"36–45岁": 1}
        halves = (Band("50岁以下", upper=50, upper_inclusive=False), Band("50岁及以上", lower=50))
        assert roster_stats(village, on, age_bands=halves).by_age_band == {"50岁以下": 1}


class OfficerImportQueryTests(TreeTestCase):
    def test_checking_a_whole_file_costs_the_same_few_queries_whatever_its_length(self):
        """ "Every row is checked … against data fetched in bulk (7 or 8 queries for the whole file,
        whatever its length)"."""
        OrgUnit.objects.filter(path__startswith=self.heye.path).update(org_established_on=day("2016-03-08"))
        rows = read_spreadsheet((FIXTURES / "officers" / "officers.xlsx").read_bytes(), "officers.xlsx")
        doubled = type(rows)(list(rows) * 2, list(rows.numbers) * 2)
        counts = []
        for scope in (None, Scope.for_user(self.county_clerk)):
            for file in (rows, doubled):
                with CaptureQueriesContext(connection) as queries:
                    check_rows(file, scope=scope)
                counts.append(len(queries))
        write(check_rows(rows))  # now the people and their appointments exist
        for file in (rows, doubled):
            with CaptureQueriesContext(connection) as queries:
                check_rows(file)
            counts.append(len(queries))
        assert counts == [7, 7, 7, 7, 8, 8]


class UnitListAtScaleTests(TreeTestCase):
    def test_fifty_rows_a_page_no_full_count_no_facets(self):
        """ "`show_full_result_count = False`, facets off, `list_select_related`, and 50 rows a page"."""
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:orgunits_orgunit_changelist") + "?_facets=1")
        assert response.status_code == 200
        cl = response.context["cl"]
        assert cl.list_per_page == 50 and len(cl.result_list) == 50
        assert cl.show_full_result_count is False and cl.list_select_related
        assert cl.model_admin.show_facets == ShowFacets.NEVER

    def test_the_filters_the_readme_lists(self):
        """ "Filters: kind, level, open/closed today, organisation established or not" (the 上级单位
        filter joins them when she drills down)."""
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:orgunits_orgunit_changelist"))
        titles = [spec.title for spec in response.context["cl"].filter_specs]
        assert titles == ["类型", "层级", "状态（今日）", "妇女组织（今日）"]


def test_the_documented_defaults():
    """Login attempts "per user name (5) and per address (30) for 15 minutes"; uploads "over
    `UPLOAD_LIMIT_MB` (20)"."""
    assert (settings.LOGIN_FAILURES_PER_USER, settings.LOGIN_FAILURES_PER_ADDRESS) == (5, 30)
    assert settings.LOGIN_LOCKOUT_SECONDS == 15 * 60
    assert settings.UPLOAD_LIMIT_BYTES == 20 * 1024 * 1024


def test_the_bad_unit_files_catalogue():
    """ "a catalogue of about 40 bad files. Each bad file is run through the command (and 20 of them
    through the admin)"."""
    bad = sorted(path.name for path in (FIXTURES / "units").glob("bad_*"))
    assert 38 <= len(bad) <= 45, len(bad)
    assert sum(case.admin for case in CASES.values()) == 20
