"""The facility pages: the list, its forms and history, the kinds, and 阵地覆盖 with its exports."""

import io

import openpyxl
from django.contrib.auth.models import Permission
from django.urls import reverse

from facilities.models import Facility
from facilities.services import facility_create
from tests.base import MISSING_ID, AdminPagesSmokeMixin, TreeTestCase, assert_same_as_missing, day
from tests.facilities import small_tree
from tests.facilities.small_tree import facility_kind


def grant_facilities(*users):
    perms = Permission.objects.filter(content_type__app_label="facilities")
    for user in users:
        user.user_permissions.add(*perms)


class FacilityPagesTests(AdminPagesSmokeMixin, TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant_facilities(cls.county_clerk, cls.township_clerk, cls.city_viewer)
        cls.township, *_ = small_tree.build(cls.shuangfeng)
        women = facility_kind("women_home")
        cls.ours = facility_create(unit=cls.heye, kind=women, opened_on=day("2020-03-08"), name="荷叶镇妇女之家")
        cls.theirs = facility_create(unit=cls.shutang, kind=women, opened_on=day("2020-03-08"), name="淑阳镇妇女之家")

    def pages(self):
        return [
            reverse("admin:facilities_facility_changelist"),
            reverse("admin:facilities_facility_changelist") + "?q=4313&open=yes",
            reverse("admin:facilities_facility_add"),
            reverse("admin:facilities_facility_change", args=[self.ours.pk]),
            reverse("admin:facilities_facility_history", args=[self.ours.pk]),
            reverse("admin:facilities_facility_import"),
            reverse("admin:facilities_facilitykind_changelist"),
            reverse("admin:facilities_facilitykind_change", args=[facility_kind("women_home").pk]),
            reverse("facilities_coverage") + f"?unit={self.shuangfeng.pk}&on=2025-12-31",
        ]

    def test_the_list_shows_only_her_rows(self):
        self.client.force_login(self.county_clerk)
        url = reverse("admin:facilities_facility_changelist")
        with self.max_queries(12):
            response = self.client.get(url)
        shown = set(response.context["cl"].result_list)
        assert self.ours in shown and self.theirs not in shown
        assert "淑阳镇妇女之家" not in response.content.decode()

    def test_filters_search_and_links(self):
        closed = facility_create(
            unit=self.heye,
            kind=facility_kind("book_house"),
            opened_on=day("2018-01-01"),
            closed_on=day("2020-01-01"),
            name="荷叶镇旧书屋",
        )
        self.client.force_login(self.county_clerk)
        url = reverse("admin:facilities_facility_changelist")

        def listed(query):
            return set(self.client.get(url + query).context["cl"].result_list)

        assert self.ours in listed("?open=yes") and closed not in listed("?open=yes")
        assert closed in listed("?open=no") and self.ours not in listed("?open=no")
        books = listed(f"?kind__id__exact={facility_kind('book_house').pk}")
        assert closed in books and self.ours not in books
        assert self.ours in listed("?q=431321101") and self.ours not in listed("?q=431321001")
        assert listed("?q=荷叶") == {self.ours, closed}
        page = self.client.get(url).content.decode()
        assert reverse("facilities_coverage") in page
        assert reverse("admin:facilities_facility_import") in page

    def test_the_other_countys_facility_looks_missing(self):
        self.client.force_login(self.county_clerk)
        for view in ("change", "history", "delete"):
            foreign = self.client.get(reverse(f"admin:facilities_facility_{view}", args=[self.theirs.pk]))
            missing = self.client.get(reverse(f"admin:facilities_facility_{view}", args=[MISSING_ID]))
            assert foreign.status_code == 404
            assert_same_as_missing(foreign, missing, self.theirs.pk, "淑阳镇")

    def test_the_form_checks_the_rules_and_saves_through_the_service(self):
        self.client.force_login(self.county_clerk)
        data = {"unit": self.heye.pk, "kind": facility_kind("women_home").pk, "opened_on": "2021-01-01", "name": ""}
        response = self.client.post(reverse("admin:facilities_facility_add"), data)
        assert response.status_code == 200  # the open 妇女之家 of 荷叶镇 clashes
        assert "与本次时间重叠" in response.content.decode()
        data["kind"] = facility_kind("book_house").pk
        response = self.client.post(reverse("admin:facilities_facility_add"), data)
        assert response.status_code == 302
        assert Facility.objects.get(unit=self.heye, kind__code="book_house").history.count() == 1

    def test_a_unit_of_another_county_is_not_a_choice(self):
        self.client.force_login(self.county_clerk)
        data = {"unit": self.shutang.pk, "kind": facility_kind("book_house").pk, "opened_on": "2021-01-01"}
        response = self.client.post(reverse("admin:facilities_facility_add"), data)
        assert response.status_code == 200 and "unit" in response.context["adminform"].form.errors
        assert not Facility.objects.filter(unit=self.shutang, kind__code="book_house").exists()

    def test_a_viewer_changes_nothing(self):
        self.client.force_login(self.city_viewer)
        assert self.client.get(reverse("admin:facilities_facility_change", args=[self.ours.pk])).status_code == 200
        response = self.client.post(reverse("admin:facilities_facility_change", args=[self.ours.pk]), {})
        assert response.status_code == 403

    def test_kinds_are_national(self):
        self.client.force_login(self.county_clerk)
        kind = facility_kind("women_home")
        response = self.client.post(reverse("admin:facilities_facilitykind_change", args=[kind.pk]), {"name": "改"})
        assert response.status_code == 403


class FacilityCoveragePageTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant_facilities(cls.county_clerk, cls.township_clerk, cls.city_viewer)
        cls.township, *_ = small_tree.build(cls.shuangfeng)

    def url(self, unit_id, **more):
        query = "&".join(f"{k}={v}" for k, v in {"on": "2025-12-31", **more}.items())
        return reverse("facilities_coverage") + f"?unit={unit_id}&{query}"

    def test_the_tables(self):
        self.client.force_login(self.county_clerk)
        response = self.client.get(self.url(self.township.pk))
        tables = response.context["tables"]
        summary = [[cell.text for cell in row] for row in tables["summary"].rows]
        assert summary == [
            ["妇女之家", "8", "6", "75%"],
            ["儿童之家", "8", "3", "37.5%"],
            ["巾帼书屋", "8", "0", "0%"],
        ]
        total = [cell.text for cell in tables["branches"].rows[-1]]
        assert total == ["合计", "6/8（75%）", "3/8（37.5%）", "0/8（0%）"]
        assert "阵地1村" in response.content.decode()

    def test_the_query_count_is_the_same_for_a_township_and_a_county(self):
        self.client.force_login(self.county_clerk)
        self.client.get(self.url(self.township.pk))
        with self.max_queries(14):
            self.client.get(self.url(self.township.pk))
        with self.max_queries(14):
            self.client.get(self.url(self.shuangfeng.pk))

    def test_exports(self):
        self.client.force_login(self.county_clerk)
        csv = self.client.get(self.url(self.township.pk, export="csv"))
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("单位,妇女之家应建,妇女之家已建,妇女之家覆盖率")
        assert lines[-1] == "合计,8,6,75%,8,3,37.5%,8,0,0%"
        xlsx = self.client.get(self.url(self.township.pk, export="xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        assert [cell.value for cell in sheet[sheet.max_row]][:4] == ["合计", 8, 6, "75%"]

    def test_the_outsider_is_refused(self):
        self.client.force_login(self.outsider)
        assert self.client.get(self.url(self.township.pk)).status_code == 403

    def test_the_other_county_looks_missing(self):
        self.client.force_login(self.county_clerk)
        foreign = self.client.get(self.url(self.xianghe.pk))
        missing = self.client.get(self.url(MISSING_ID))
        assert foreign.status_code == missing.status_code == 200
        assert foreign.context["result"] is None
        assert_same_as_missing(foreign, missing, self.xianghe.pk, "香河县")
        export = self.client.get(self.url(self.xianghe.pk, export="csv"))
        assert export["Content-Type"].startswith("text/html")

    def test_linked_from_the_admin_index(self):
        self.client.force_login(self.county_clerk)
        assert reverse("facilities_coverage") in self.client.get(reverse("admin:index")).content.decode()
