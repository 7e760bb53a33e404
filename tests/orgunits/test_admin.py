import json

from django.contrib.admin.models import LogEntry

from orgunits import errors
from orgunits.models import OrgUnit
from orgunits.services import unit_close, unit_update
from tests.base import (
    MISSING_ID,
    AdminPagesSmokeMixin,
    TreeTestCase,
    admin_url,
    assert_same_as_missing,
    day,
    kind,
    unit,
)

XSS = "<script>alert(1)</script>"


class AdminPagesTests(AdminPagesSmokeMixin, TreeTestCase):
    """Every admin page answers for a permitted user and refuses everyone else."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.leaf = cls.add_agency(cls, cls.shuangfeng, "XH-LEAF", "双峰县测试局")

    def pages(self):
        k = kind("village").pk
        return [
            admin_url("orgunit_changelist"),
            admin_url("orgunit_changelist") + f"?parent={self.shuangfeng.pk}",
            admin_url("orgunit_changelist") + "?q=4313",
            admin_url("orgunit_changelist") + "?q=荷叶",
            admin_url("orgunit_changelist") + "?kind=street&level=5&status=open&org=no",
            admin_url("orgunit_changelist") + "?status=closed&org=yes",
            admin_url("orgunit_add"),
            admin_url("orgunit_change", self.shuangfeng.pk),
            admin_url("orgunit_history", self.shuangfeng.pk),
            admin_url("orgunit_delete", self.leaf.pk),
            admin_url("orgunit_move", self.heye.pk),
            admin_url("orgunit_close", self.heye.pk),
            admin_url("orgunit_choose") + "?term=双峰",
            admin_url("unitkind_changelist"),
            admin_url("unitkind_add"),
            admin_url("unitkind_change", k),
            admin_url("unitkind_history", k),
            admin_url("unitkind_delete", k),
        ]

    def test_an_unknown_unit_is_404_on_the_action_pages(self):
        self.client.force_login(self.superuser)
        for name in ("orgunit_move", "orgunit_close"):
            assert self.client.get(admin_url(name, 999999)).status_code == 404


class ChangelistTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.county_clerk)

    def listed_codes(self, query=""):
        response = self.client.get(admin_url("orgunit_changelist") + query)
        assert response.status_code == 200
        return [u.code for u in response.context["cl"].result_list], response

    def test_the_default_list_is_the_tree_in_order_with_indentation(self):
        self.client.force_login(self.superuser)
        codes, response = self.listed_codes()
        assert codes[:4] == ["100000", "13", "1310", "131024"]
        assert response.context["cl"].result_list[3].indent == 3
        assert len(codes) == 50  # paginated

    def test_the_county_clerk_sees_her_county_only(self):
        codes, response = self.listed_codes()
        assert codes[:3] == ["431321", "431321001", "431321001001"]
        assert response.context["cl"].result_list[0].indent == 0
        assert all(code.startswith("431321") for code in codes)

    def test_drill_down_shows_the_children_with_a_way_back_up(self):
        codes, response = self.listed_codes(f"?parent={self.shuangfeng.pk}")
        assert set(codes) == set(OrgUnit.objects.children_of(self.shuangfeng).values_list("code", flat=True))
        assert len(codes) == 16
        html = response.content.decode()
        # Her county is her top unit: 娄底市 is named in the trail, not linked, and there is no way up.
        assert f'href="?parent={self.loudi.pk}"' not in html and "↑ 上一级" not in html
        township = self.client.get(admin_url("orgunit_changelist") + f"?parent={self.heye.pk}").content.decode()
        assert f'href="?parent={self.shuangfeng.pk}"' in township and "↑ 上一级" in township
        children_link = f'href="{admin_url("orgunit_changelist")}?parent={self.heye.pk}" title="查看下级单位"'
        assert children_link in html

    def test_code_search_is_a_prefix_search(self):
        codes, _ = self.listed_codes("?q=43132110")
        assert codes and all(code.startswith("43132110") for code in codes)

    def test_name_search_shows_where_each_unit_is(self):
        _, response = self.listed_codes("?q=荷叶")
        found = {u.code: u.location_label for u in response.context["cl"].result_list}
        assert found["431321101"] == "湖南省 / 娄底市 / 双峰县"

    def test_a_drill_down_does_not_repeat_the_trail_on_every_row(self):
        _, response = self.listed_codes(f"?parent={self.shuangfeng.pk}")
        assert "location" not in response.context["cl"].list_display
        _, response = self.listed_codes(f"?parent={self.shuangfeng.pk}&q=荷叶")
        assert "location" in response.context["cl"].list_display

    def test_search_inside_a_drill_down_covers_the_whole_subtree(self):
        codes, _ = self.listed_codes(f"?parent={self.shuangfeng.pk}&q=社区")
        assert codes and all(code.startswith("431321") and len(code) == 12 for code in codes)

    def test_filters_by_kind_level_status_and_organisation(self):
        codes, _ = self.listed_codes("?kind=street")
        assert set(codes) == {"431321001", "431321002"}
        codes, _ = self.listed_codes("?level=4")
        assert set(codes) == {"431321"}
        unit_close(unit=self.heye, closed_on=day("2020-01-01"))
        codes, _ = self.listed_codes("?status=closed&level=5")
        assert codes == ["431321101"]
        unit_update(unit=self.yongfeng, org_established_on=day("2017-03-08"))
        codes, _ = self.listed_codes("?org=yes")
        assert codes == ["431321001"]
        codes, _ = self.listed_codes("?org=no&level=5&kind=street")
        assert codes == ["431321002"]

    def test_the_list_costs_a_fixed_number_of_queries(self):
        # +1 since issue 17: the days offered by 截至日期.
        with self.max_queries(9):
            self.listed_codes()
        with self.max_queries(11):
            self.listed_codes(f"?parent={self.heye.pk}")

    def test_names_are_escaped(self):
        self.add_agency(self.shuangfeng, "XH-XSS", XSS)
        _, response = self.listed_codes("?q=XH-XSS")
        assert XSS not in response.content.decode()
        assert "&lt;script&gt;" in response.content.decode()


class ChangeFormTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.county_clerk)

    def post_add(self, **fields):
        data = {
            "code": "",
            "name": "",
            "kind": "",
            "parent": "",
            "opened_on": "",
            "closed_on": "",
            "org_established_on": "",
            "org_dissolved_on": "",
            "org_form": "",
            "eligibility": "",
            **fields,
        }
        return self.client.post(admin_url("orgunit_add"), data)

    def test_the_add_page_has_no_select_of_all_units(self):
        html = self.client.get(admin_url("orgunit_add")).content.decode()
        assert html.count("<option") < 30
        assert 'data-ajax--url="' + admin_url("orgunit_choose") in html

    def test_adding_a_village_through_the_form(self):
        response = self.post_add(parent=self.heye.pk, code="431321101999", name="新村", kind=kind("village").pk)
        assert response.status_code == 302
        created = unit("431321101999")
        assert created.parent() == self.heye
        assert LogEntry.objects.filter(object_id=str(created.pk)).exists()

    def test_a_parent_outside_the_scope_is_refused_like_a_missing_one(self):
        foreign = self.post_add(parent=self.xianghe.pk, code="XH-NEW", name="越界机关", kind=kind("agency").pk)
        missing = self.post_add(parent=MISSING_ID, code="XH-NEW", name="越界机关", kind=kind("agency").pk)
        assert_same_as_missing(foreign, missing, self.xianghe.pk, "香河县", self.xianghe.code)
        assert not OrgUnit.objects.filter(code="XH-NEW").exists()

    def test_a_wrong_parent_kind_is_shown_in_chinese_and_nothing_is_saved(self):
        self.client.force_login(self.superuser)
        response = self.post_add(parent=self.hunan.pk, code="430000000001", name="错位村", kind=kind("village").pk)
        assert response.status_code == 200
        message = errors.KIND_NOT_ALLOWED_UNDER.format(kind="村", parent_kind="省", allowed="乡镇、街道、开发区等")
        assert message in response.content.decode()
        assert not OrgUnit.objects.filter(code="430000000001").exists()

    def test_a_duplicate_code_is_shown_on_the_field(self):
        response = self.post_add(parent=self.heye.pk, code="431321001", name="重复", kind=kind("village").pk)
        assert response.context["adminform"].form.errors["code"] == [
            errors.CODE_DUPLICATE.format(code="431321001", name="永丰街道")
        ]

    def test_dates_out_of_order_are_shown(self):
        response = self.post_add(
            parent=self.shuangfeng.pk,
            code="XH-D",
            name="某局",
            kind=kind("agency").pk,
            opened_on="2020-01-01",
            closed_on="2019-01-01",
        )
        assert errors.DATES_CLOSED_BEFORE_OPENED in response.content.decode()
        assert not OrgUnit.objects.filter(code="XH-D").exists()

    def test_the_change_page_shows_ancestors_and_children_as_links(self):
        self.client.force_login(self.superuser)
        html = self.client.get(admin_url("orgunit_change", self.shuangfeng.pk)).content.decode()
        for ancestor in (self.nation, self.hunan, self.loudi):
            assert f'<a href="{admin_url("orgunit_change", ancestor.pk)}">{ancestor.name}</a>' in html
        assert f'<a href="{admin_url("orgunit_change", self.heye.pk)}">荷叶镇</a>' in html
        assert admin_url("orgunit_move", self.shuangfeng.pk) in html

    def test_ancestors_outside_the_scope_are_plain_breadcrumbs(self):
        html = self.client.get(admin_url("orgunit_change", self.shuangfeng.pk)).content.decode()
        assert "全国 › 湖南省 › 娄底市" in html
        assert admin_url("orgunit_change", self.loudi.pk) not in html

    def test_renaming_through_the_change_form(self):
        data = {
            "code": "431321101",
            "name": "荷叶新镇",
            "kind": kind("township").pk,
            "opened_on": "",
            "closed_on": "",
            "org_established_on": "2017-03-08",
            "org_dissolved_on": "",
            "org_form": "",
            "eligibility": "",
        }
        response = self.client.post(admin_url("orgunit_change", self.heye.pk), data)
        assert response.status_code == 302
        heye = unit("431321101")
        assert (heye.name, heye.org_established_on) == ("荷叶新镇", day("2017-03-08"))

    def test_moving_through_the_move_page(self):
        village = OrgUnit.objects.children_of(self.heye).first()
        response = self.client.post(admin_url("orgunit_move", village.pk), {"new_parent": self.yongfeng.pk})
        assert response.status_code == 302
        assert OrgUnit.objects.get(pk=village.pk).parent() == self.yongfeng

    def test_a_move_into_its_own_subtree_is_shown_and_refused(self):
        village = OrgUnit.objects.children_of(self.heye).first()
        response = self.client.post(admin_url("orgunit_move", self.heye.pk), {"new_parent": village.pk})
        assert response.status_code == 200
        assert errors.MOVE_INTO_OWN_SUBTREE.format(unit="荷叶镇", target=village.name) in response.content.decode()
        assert unit("431321101").parent() == self.shuangfeng

    def test_closing_through_the_close_page(self):
        response = self.client.post(admin_url("orgunit_close", self.heye.pk), {"closed_on": "2024-06-30"})
        assert response.status_code == 302
        assert not OrgUnit.objects.subtree(self.heye).filter(closed_on__isnull=True).exists()

    def test_deleting_a_unit_with_children_is_refused_with_advice(self):
        response = self.client.get(admin_url("orgunit_delete", self.heye.pk), follow=True)
        message = errors.DELETE_HAS_CHILDREN.format(unit="荷叶镇", count=self.heye.numchild)
        assert message in [str(m) for m in response.context["messages"]]
        response = self.client.post(admin_url("orgunit_delete", self.heye.pk), {"post": "yes"})
        assert OrgUnit.objects.filter(pk=self.heye.pk).exists()

    def test_deleting_a_leaf_through_the_admin(self):
        before = self.heye.numchild
        leaf = self.add_agency(self.heye, "XH-GONE", "录错的单位")
        response = self.client.post(admin_url("orgunit_delete", leaf.pk), {"post": "yes"})
        assert response.status_code == 302
        assert not OrgUnit.objects.filter(pk=leaf.pk).exists()
        assert unit("431321101").numchild == before

    def test_the_autocomplete_finds_units_with_their_location(self):
        response = self.client.get(admin_url("orgunit_choose") + "?term=荷叶")
        results = json.loads(response.content)["results"]
        assert {"id": str(self.heye.pk), "text": "荷叶镇（431321101）　湖南省 / 娄底市 / 双峰县"} in results

    def test_the_autocomplete_is_paginated(self):
        payload = json.loads(self.client.get(admin_url("orgunit_choose") + "?term=4313").content)
        assert len(payload["results"]) == 20
        assert payload["pagination"]["more"] is True


class TreeLayoutTests(TreeTestCase):
    def test_indented_names_keep_room_beside_the_indent(self):
        # Found by the browser tests: "└ 五里社区" broke into "└ 五里 / 社区" in the narrow name column.
        self.client.force_login(self.county_clerk)
        html = self.client.get(admin_url("orgunit_changelist")).content.decode()
        assert '<span style="display:inline-block; min-width:8em; padding-left:1.5em">└ ' in html
