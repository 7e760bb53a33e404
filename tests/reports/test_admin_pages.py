from django.urls import reverse

from stats import errors
from stats.models import DataElement, DataValue, EligibilityRule, Indicator, ValidationRule
from stats.periods import Period
from stats.services import datavalues_save, own_figures
from tests.base import DOMAIN_APPS, UNIT_PERMS, AdminPagesSmokeMixin, TreeTestCase, kind, make_user

REPORT_PERMS = [
    f"{action}_{model}"
    for action in ("view", "add", "change", "delete")
    for model in ("dataelement", "datavalue", "validationrule", "indicator", "eligibilityrule")
]


def with_report_perms(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS, codename__in=REPORT_PERMS)
    )
    return user


class ReportPagesTests(AdminPagesSmokeMixin, TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with_report_perms(cls.county_clerk)
        cls.unit_only = make_user("unit-viewer", perms=UNIT_PERMS)
        datavalues_save(unit=cls.heye, period="2023", values={"cadres": (100, 20)})
        cls.value = DataValue.objects.get()
        cls.rule = EligibilityRule.objects.create(
            kind=kind("agency"), element=DataElement.objects.get(code="staff"), minimum=6
        )

    def pages(self):
        unit = self.shuangfeng.pk
        pages = [
            reverse("stats_coverage"),
            reverse("stats_coverage") + f"?unit={unit}&on=2024-01-01&compare=on",
            reverse("stats_indicators") + f"?unit={unit}&year=2023",
            reverse("stats_entry") + f"?unit={unit}&year=2023",
            reverse("admin:stats_datavalue_changelist"),
            reverse("admin:stats_datavalue_change", args=[self.value.pk]),
            reverse("admin:stats_datavalue_history", args=[self.value.pk]),
            reverse("admin:stats_datavalue_delete", args=[self.value.pk]),
        ]
        for model, pk in [
            ("dataelement", DataElement.objects.first().pk),
            ("validationrule", ValidationRule.objects.first().pk),
            ("indicator", Indicator.objects.first().pk),
            ("eligibilityrule", self.rule.pk),
        ]:
            pages += [reverse(f"admin:stats_{model}_{view}") for view in ("changelist", "add")]
            pages += [reverse(f"admin:stats_{model}_{view}", args=[pk]) for view in ("change", "history", "delete")]
        return pages

    def test_data_entry_needs_the_data_permissions(self):
        self.client.force_login(self.unit_only)
        assert self.client.get(reverse("stats_entry")).status_code == 403
        assert self.client.get(reverse("stats_coverage")).status_code == 200

    def test_figures_are_read_on_the_list_but_written_only_on_the_entry_page(self):
        self.client.force_login(self.superuser)
        assert self.client.get(reverse("admin:stats_datavalue_add")).status_code == 403


class CoveragePageTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.county_clerk)

    def test_the_page_shows_both_tables_and_links_children_to_their_own_page(self):
        self.heye.__class__.objects.subtree(self.heye).update(org_established_on="2015-01-01")
        url = reverse("stats_coverage") + f"?unit={self.shuangfeng.pk}&on=2024-01-01&compare=on"
        # 16, and 6 for 执委配备 below: whether the tree changed, the 执委 seats, the kinds, one grouped
        # query and the children; the year's duties, one grouped query (two more when there are any).
        with self.max_queries(22):
            response = self.client.get(url)
        html = response.content.decode()
        assert "按单位类型" in html and "按下级单位" in html
        assert f'href="?unit={self.heye.pk}&amp;on=2024-01-01&amp;compare=on">荷叶镇</a>' in html
        assert "100%" in html
        assert "上年组建率" in html
        assert 'name="on" value="2024-01-01"' in html  # ISO, as date inputs require

    def test_a_bad_date_is_reported_on_the_form(self):
        response = self.client.get(reverse("stats_coverage") + f"?unit={self.shuangfeng.pk}&on=2024-13-01")
        assert response.context["result"] is None
        assert "on" in response.context["form"].errors


class EntryPageTests(TreeTestCase):
    def setUp(self):
        with_report_perms(self.county_clerk)
        self.client.force_login(self.county_clerk)
        self.url = reverse("stats_entry") + f"?unit={self.heye.pk}&year=2023"

    def post(self, **fields):
        return self.client.post(self.url, fields)

    def test_figures_are_saved_all_together(self):
        response = self.post(cadres__total="120", cadres__female="31", training_sessions__total="4")
        assert response.status_code == 302
        assert own_figures(self.heye, Period(2023)) == {
            "cadres": (120, 31, False),
            "training_sessions": (4, None, False),
        }
        page = self.client.get(self.url).content.decode()
        assert 'value="120"' in page

    def test_errors_show_inline_and_nothing_is_saved(self):
        response = self.post(cadres__total="30", cadres__female="31", population__total="12.5")
        assert response.status_code == 200
        html = response.content.decode()
        assert errors.FEMALE_ABOVE_TOTAL.format(element="党政机关干部", female=31, total=30) in html
        assert errors.COUNT_NOT_INTEGER.format(what="总人口合计", value="12.5") in html
        assert not DataValue.objects.exists()

    def test_a_rule_violation_is_shown_at_the_top(self):
        response = self.post(complaints_received__total="36", complaints_resolved__total="43")
        assert "不符合校验规则“办结投诉不超过受理投诉”" in response.content.decode()
        assert not DataValue.objects.exists()

    def test_the_page_lists_which_children_reported(self):
        datavalues_save(unit=self.yongfeng, period="2023", values={"cadres": (5, 1)})
        html = self.client.get(reverse("stats_entry") + f"?unit={self.shuangfeng.pk}&year=2023").content.decode()
        assert "下级报送情况" in html
        assert html.count("未报") == 15


class RuleAndIndicatorFormTests(TreeTestCase):
    def setUp(self):
        self.client.force_login(self.superuser)

    def test_a_rule_with_an_unknown_element_is_refused_in_chinese(self):
        data = {"name": "坏规则", "left": "nope", "operator": "<=", "right": "cadres", "active": "on"}
        response = self.client.post(reverse("admin:stats_validationrule_add"), data)
        assert errors.EXPR_UNKNOWN_ELEMENT.format(text="nope", code="nope") in response.content.decode()
        assert not ValidationRule.objects.filter(name="坏规则").exists()

    def test_an_indicator_needs_a_definition(self):
        data = {"code": "empty", "name": "空指标", "factor": "100", "decimals": "1", "suffix": "%", "sort_order": "0"}
        response = self.client.post(reverse("admin:stats_indicator_add"), data)
        assert errors.INDICATOR_NEEDS_NUMERATOR in response.content.decode()


class CoverageLayoutTests(TreeTestCase):
    def test_row_labels_do_not_wrap(self):
        # Found by the browser tests: township names stood one character per line in the per-branch table.
        self.client.force_login(self.superuser)
        html = self.client.get(reverse("stats_coverage") + f"?unit={self.shuangfeng.pk}").content.decode()
        assert '<th scope="row" style="white-space:nowrap"><a href="?unit=' in html
