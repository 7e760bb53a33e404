"""执委 against the norm: seats by kind (PostSeats), 执委配备 for a subtree on a date, the 执委未达标
worklist and the 执委配备 table on the 组建率 page."""

import datetime
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse

from orgunits.models import OrgUnit
from reports.figures import from_snapshot, to_snapshot
from reports.sections.officers import officer_paragraphs
from reports.survey_figures import survey_figures
from rosters.executive import Staffing, executive_staffing, executives_below_norm
from rosters.models import Post, PostSeats
from rosters.services import appointment_create, person_create
from stats.formatting import format_share
from tests.base import MISSING_ID, TreeTestCase, assert_same_as_missing, day, kind
from tests.orgunits.test_roster_admin import grant

ON = day("2024-06-30")
EXECUTIVE = "执委"


def seats(post: str, kind_code: str) -> int:
    return PostSeats.objects.get(post__name=post, kind__code=kind_code).seats


@pytest.mark.django_db
def test_the_norms_are_seeded_per_kind_and_the_old_seats_kept():
    for code in ("village", "community"):
        assert (seats("主席", code), seats("副主席", code), seats(EXECUTIVE, code)) == (1, 2, 15)
    for code in ("township", "street", "devzone"):
        assert (seats("主席", code), seats("副主席", code), seats(EXECUTIVE, code)) == (1, 3, 25)
    assert seats("主席", "county") == 1
    # A county's 执委 are as many as its congress elects: no norm above the township (0007).
    assert not PostSeats.objects.filter(post__name=EXECUTIVE, kind__code__in=("county", "city", "province")).exists()
    assert seats("妇女主任", "village") == 1 and seats("委员", "agency") == 5
    assert not PostSeats.objects.filter(post__name="妇女主任", kind__code="township").exists()


def test_the_seed_sentence_executives_against_the_norm():
    """ "执委达19.2万人": 12,800 village 妇联 at the norm of 15 are 192,000 执委, a 配备率 of 100%; the
    11.6 times of before the reform was about 16,552."""
    villages = Staffing(in_post=192_000, norm=12_800 * 15, organisations=12_800, at_norm=12_800)
    assert villages.rate == 100 and villages.at_norm_rate == 100
    before = Staffing(in_post=16_552, norm=12_800 * 15, organisations=12_800, at_norm=0)
    assert round(villages.in_post / before.in_post, 1) == 11.6
    assert round(before.rate, 1) == Decimal("8.6")
    assert (villages + before).organisations == 25_600
    assert Staffing().rate is None


class ExecutiveTestCase(TreeTestCase):
    """荷叶镇 and its villages have organisations since 2016: 3 执委 at 荷叶镇, 15 at one village, 10 at
    another (one of whom left before the date), none elsewhere."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=day("2016-03-08"))
        OrgUnit.objects.subtree(cls.shutang).update(org_established_on=day("2016-03-08"))
        cls.villages = list(OrgUnit.objects.children_of(cls.heye).filter(kind__code="village").order_by("path"))
        cls.full, cls.short = cls.villages[0], cls.villages[1]
        cls.members = [
            person_create(name=f"执委{n}", sex="F", birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(n))
            for n in range(30)
        ]
        cls.appoint(cls.heye, cls.members[:3])
        cls.appoint(cls.full, cls.members[:15])
        cls.appoint(cls.short, cls.members[15:25])
        cls.appoint(cls.short, cls.members[25:26], end=day("2024-01-31"))
        cls.appoint(cls.shutang, cls.members[:25])  # 香河县: another county
        grant(cls.county_clerk, "view_appointment")

    @classmethod
    def appoint(cls, unit, people, end=None):
        post = Post.objects.get(name=EXECUTIVE)
        for person in people:
            appointment_create(person=person, unit=unit, post=post, start_on=day("2021-01-01"), end_on=end)

    def heye_organisations(self) -> tuple[int, int]:
        """(villages and communities, the township itself) with an organisation under 荷叶镇."""
        below = OrgUnit.objects.children_of(self.heye).filter(kind__code__in=["village", "community"]).count()
        return below, 1


class ExecutiveStaffingTests(ExecutiveTestCase):
    def test_in_post_norm_rate_and_organisations_at_norm_per_child_area(self):
        villages, _township = self.heye_organisations()
        with self.assertNumQueries(5):
            result = executive_staffing(self.shuangfeng, ON)
        heye = next(row for row in result.rows if row.unit == self.heye)
        assert heye.total == Staffing(in_post=28, norm=25 + 15 * villages, organisations=villages + 1, at_norm=1)
        assert result.summary.total == heye.total  # no other township of 双峰县 has organisations
        assert result.of_kinds() == Staffing(25, 15 * villages, villages, 1)
        assert result.of_kinds(("township",)) == Staffing(3, 25, 1, 0)
        assert result.seats_of("village") == 15
        assert result.summary.total.rate == Decimal(28 * 100) / (25 + 15 * villages)

    def test_the_township_itself_is_its_own_row_when_asked_for_it(self):
        villages, _ = self.heye_organisations()
        result = executive_staffing(self.heye, ON)
        assert result.rows[0].label == "本级" and result.rows[0].total == Staffing(3, 25, 1, 0)
        full = next(row for row in result.rows if row.unit == self.full)
        assert full.total == Staffing(15, 15, 1, 1)
        assert len(result.rows) == 1 + villages

    def test_an_earlier_day_counts_who_held_the_post_then(self):
        result = executive_staffing(self.shuangfeng, day("2024-01-01"))
        assert result.of_kinds().in_post == 26  # the one who left on 31 January still in post
        assert executive_staffing(self.shuangfeng, day("2020-12-31")).summary.total.in_post == 0

    def test_the_seats_edited_by_kind_are_the_norm(self):
        PostSeats.objects.filter(post__name=EXECUTIVE, kind=kind("village")).update(seats=10)
        result = executive_staffing(self.shuangfeng, ON)
        assert result.of_kinds(("village",)).at_norm == 2
        PostSeats.objects.filter(post__name=EXECUTIVE).delete()
        assert executive_staffing(self.shuangfeng, ON).rows == []

    def test_another_county_is_counted_on_its_own(self):
        assert executive_staffing(self.xianghe, ON).of_kinds(("township",)) == Staffing(25, 25, 1, 1)


class BelowNormWorklistTests(ExecutiveTestCase):
    def url(self, unit_pk, on=ON) -> str:
        return reverse("rosters_worklist", args=["executives-below-norm"]) + f"?unit={unit_pk}&on={on}"

    def test_the_organisations_below_their_norm(self):
        villages, _ = self.heye_organisations()
        below = list(executives_below_norm(self.shuangfeng, ON))
        assert self.full not in below and self.heye in below and self.short in below
        assert len(below) == villages  # the township and every village but the full one
        short = next(u for u in below if u == self.short)
        assert (short.executives, short.executive_norm) == (10, 15)

    def test_the_page_lists_them_with_in_post_and_norm(self):
        self.client.force_login(self.county_clerk)
        response = self.client.get(self.url(self.shuangfeng.pk))
        assert response.status_code == 200
        assert response.context["headers"][3:6] == ["执委在任", "配备标准", "差额"]
        rows = {row[0]: row for row in response.context["rows"]}
        short = next(row for link, row in rows.items() if f">{self.short.name}<" in link)
        assert short[3:6] == [10, 15, 5]
        assert not any(f">{self.full.name}<" in link for link in rows)

    def test_the_outsider_is_refused(self):
        self.client.force_login(self.outsider)
        assert self.client.get(self.url(self.shuangfeng.pk)).status_code == 403

    def test_another_countys_organisations_look_missing(self):
        self.client.force_login(self.county_clerk)
        foreign, missing = self.client.get(self.url(self.shutang.pk)), self.client.get(self.url(MISSING_ID))
        assert_same_as_missing(foreign, missing, self.shutang.pk, self.shutang.name)


class CoveragePageTableTests(ExecutiveTestCase):
    def url(self, unit_pk) -> str:
        return reverse("stats_coverage") + f"?unit={unit_pk}&on={ON}"

    def test_the_coverage_page_shows_the_staffing_table_below_the_coverage(self):
        villages, _ = self.heye_organisations()
        self.client.force_login(self.county_clerk)
        response = self.client.get(self.url(self.shuangfeng.pk))
        html = response.content.decode()
        assert html.index("妇女组织组建率") < html.index(">执委配备</h3>")
        table = response.context["staffing"]
        assert table["headers"][:5] == ["单位", "组织数", "执委在任", "按标准应配", "配备率"]
        total = table["rows"][-1]
        assert total[:4] == ["合计", villages + 1, 28, 25 + 15 * villages]
        assert total[5] == 1

    def test_no_table_where_no_organisation_has_executive_seats(self):
        PostSeats.objects.filter(post__name=EXECUTIVE).delete()
        self.client.force_login(self.county_clerk)
        response = self.client.get(self.url(self.shuangfeng.pk))
        assert response.context["staffing"] is None
        assert "执委配备" not in response.content.decode()

    def test_another_countys_table_looks_missing(self):
        self.client.force_login(self.county_clerk)
        foreign, missing = self.client.get(self.url(self.xianghe.pk)), self.client.get(self.url(MISSING_ID))
        assert_same_as_missing(foreign, missing, self.xianghe.pk, "香河县", "执委配备")


class ReportTests(ExecutiveTestCase):
    """The report's officers section: "全县村（社区）妇联执委N人，按每村15人配备标准应配M人，配备率X%"."""

    def test_the_officers_section_gives_the_village_executives_against_the_norm(self):
        villages, _ = self.heye_organisations()
        figures = survey_figures(self.shuangfeng, 2024)
        off = figures.officers
        assert (off.village_executives, off.village_executive_norm) == (25, 15 * villages)
        assert (off.village_executive_organisations, off.village_executives_at_norm) == (villages, 1)
        assert off.village_executive_seats == 15
        paragraphs = dict(officer_paragraphs(figures))
        assert paragraphs["village_executives"] == (
            f"全县村（社区）妇联执委25人，按每村15人配备标准应配{15 * villages}人，"
            f"配备率{format_share(25, 15 * villages)}；{villages}个村（社区）妇联中达到配备标准的1个，"
            f"占{format_share(1, villages)}。"
        )
        snapshot = from_snapshot(json.loads(json.dumps(to_snapshot(figures))))
        assert snapshot.officers == off

    def test_the_seed_sentence_in_the_report(self):
        """19.2万 执委 in 12,800 villages at 15 each: 配备率100%."""
        figures = survey_figures(self.shuangfeng, 2024)
        seed = replace(
            figures.officers,
            village_executives=192_000,
            village_executive_norm=192_000,
            village_executive_organisations=12_800,
            village_executives_at_norm=12_800,
        )
        text = dict(officer_paragraphs(replace(figures, officers=seed)))["village_executives"]
        assert text == (
            "全县村（社区）妇联执委19.2万人，按每村15人配备标准应配19.2万人，配备率100%；"
            "12800个村（社区）妇联中达到配备标准的12800个，占100%。"
        )

    def test_left_out_where_no_kind_has_executive_seats(self):
        PostSeats.objects.filter(post__name=EXECUTIVE).delete()
        figures = survey_figures(self.shuangfeng, 2024)
        assert "village_executives" not in dict(officer_paragraphs(figures))
        assert "执委配备" not in "".join(text for _item, text in officer_paragraphs(figures))


class SeatsAdminTests(ExecutiveTestCase):
    def test_the_superuser_edits_seats_per_kind_inline_on_the_post(self):
        post = Post.objects.get(name=EXECUTIVE)
        rows = list(post.seats.order_by("pk"))
        village = next(i for i, row in enumerate(rows) if row.kind.code == "village")
        data = {
            "name": post.name,
            "sort_order": post.sort_order,
            "seats-TOTAL_FORMS": len(rows),
            "seats-INITIAL_FORMS": len(rows),
            "seats-MIN_NUM_FORMS": 0,
            "seats-MAX_NUM_FORMS": 1000,
        }
        for i, row in enumerate(rows):
            data |= {f"seats-{i}-id": row.pk, f"seats-{i}-post": post.pk, f"seats-{i}-kind": row.kind_id}
            data[f"seats-{i}-seats"] = 10 if i == village else row.seats
        self.client.force_login(self.superuser)
        page = self.client.get(reverse("admin:rosters_post_change", args=[post.pk]))
        assert "各类单位职数" in page.content.decode()
        response = self.client.post(reverse("admin:rosters_post_change", args=[post.pk]), data)
        assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
        assert seats(EXECUTIVE, "village") == 10 and seats(EXECUTIVE, "township") == 25
        assert executive_staffing(self.shuangfeng, ON).of_kinds(("village",)).at_norm == 2

    def test_a_county_clerk_may_not_change_the_norms(self):
        grant(self.county_clerk, "view_post", "change_post", "change_postseats", "view_postseats")
        self.client.force_login(self.county_clerk)
        post = Post.objects.get(name=EXECUTIVE)
        response = self.client.post(reverse("admin:rosters_post_change", args=[post.pk]), {"name": "改名"})
        assert response.status_code == 403
        assert seats(EXECUTIVE, "village") == 15
