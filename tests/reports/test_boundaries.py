"""The report rules at their edges, with every expected figure counted by hand.

- The eligibility rule "有6名以上女干部职工" (at least 6 women on the staff): 5 is out, 6 and 7 are in.
- 组建率 counts established organisations only: a small county built here, counted unit by unit
  below, so no figure is computed by the code under test.
- Age bands on the day of a birthday, the day before, and a 29 February birthday.
- Seats: one holder fewer than the seats, exactly the seats, one more.

scripts/check_six_mutants.py makes sure that turning the rule's ≥ into >, or counting every eligible
unit as established, fails here.
"""

import datetime

from orgunits.models import OrgUnit
from orgunits.services import unit_create
from rosters import errors
from rosters.models import Post, PostSeats
from rosters.profiles import roster_stats
from rosters.selectors import vacant_seats
from rosters.services import appointment_create, person_create
from stats.coverage import OWN_LEVEL_LABEL, Tally, coverage, coverage_with_previous_year
from stats.formatting import format_rate
from stats.models import DataElement, EligibilityRule
from stats.services import datavalues_save
from tests.base import TreeTestCase, day, kind

ON = day("2024-07-01")
EARLY = day("2016-03-08")


def agency_tally(unit: OrgUnit, on: datetime.date = ON) -> Tally:
    return coverage(unit, on).summary.tally(kind("agency"))


class EligibilityAtSixTests(TreeTestCase):
    """Three agencies of 双峰县 with 5, 6 and 7 women on the staff, all with a 妇委会 since 2016."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.five = cls.add_agency(cls, cls.shuangfeng, "EDGE-F5", "五女局", org_established_on=EARLY)
        cls.six = cls.add_agency(cls, cls.shuangfeng, "EDGE-F6", "六女局", org_established_on=EARLY)
        cls.seven = cls.add_agency(cls, cls.shuangfeng, "EDGE-F7", "七女局", org_established_on=EARLY)
        # Totals 19, 20 and 21 for the rule on the whole staff below.
        datavalues_save(unit=cls.five, period="2023", values={"staff": (19, 5)})
        datavalues_save(unit=cls.six, period="2023", values={"staff": (20, 6)})
        datavalues_save(unit=cls.seven, period="2023", values={"staff": (21, 7)})
        cls.rule = EligibilityRule.objects.create(
            kind=kind("agency"),
            element=DataElement.objects.get(code="staff"),
            part=EligibilityRule.Part.FEMALE,
            minimum=6,
        )

    def counted(self) -> dict[str, Tally]:
        """Each agency on its own: its coverage is its own row."""
        return {agency.name: agency_tally(agency) for agency in (self.five, self.six, self.seven)}

    def test_five_women_are_one_too_few_six_are_enough_seven_are_more(self):
        assert self.counted() == {"五女局": Tally(0, 0), "六女局": Tally(1, 1), "七女局": Tally(1, 1)}
        assert agency_tally(self.shuangfeng) == Tally(2, 2)

    def test_the_minimum_moved_to_seven_leaves_only_seven(self):
        self.rule.minimum = 7
        self.rule.save()
        assert self.counted() == {"五女局": Tally(0, 0), "六女局": Tally(0, 0), "七女局": Tally(1, 1)}

    def test_the_minimum_moved_to_five_takes_all_three(self):
        self.rule.minimum = 5
        self.rule.save()
        assert agency_tally(self.shuangfeng) == Tally(3, 3)

    def test_a_rule_on_the_whole_staff_has_the_same_edge(self):
        self.rule.part = EligibilityRule.Part.TOTAL
        self.rule.minimum = 20
        self.rule.save()
        assert self.counted() == {"五女局": Tally(0, 0), "六女局": Tally(1, 1), "七女局": Tally(1, 1)}

    def test_a_later_figure_of_exactly_six_brings_the_agency_in_from_its_year(self):
        datavalues_save(unit=self.five, period="2024", values={"staff": (19, 6)})
        assert agency_tally(self.five, day("2023-12-31")) == Tally(0, 0)
        assert agency_tally(self.five, day("2024-01-01")) == Tally(1, 1)


class EstablishedOnlyTests(TreeTestCase):
    """界县, a county made up under 娄底市, counted on 2024-07-01 by hand.

        unit            kind       opened      closed      妇联 set up  dissolved    on 2024-07-01
        界县            county                             2016-03-08               eligible, established
        甲镇            township                           2016-03-08               eligible, established
          一村          village                            2016-03-08               eligible, established
          二村          village                            —                        eligible
          三村          village                            2016-03-08   2024-07-01  eligible (dissolved that day)
          四村          village                            2016-03-08   2024-07-02  eligible, established
          七村          village    2024-07-01              —                        eligible (opened that day)
          八村          village    2024-07-02              —                        not counted (not open yet)
          九村          village                2024-07-01  2016-03-08   2024-07-01  not counted (closed that day)
          十村          village                2024-07-02  2016-03-08   2024-07-02  eligible, established
        乙镇            township                           —                        eligible
          五社区        community                          2024-07-01               eligible, established (that day)
          六社区        community                          2024-07-02               eligible
        县委办          agency                             2016-03-08               eligible, established
        县财政局        agency                             —                        eligible

    Established of eligible: county 1 of 1, township 1 of 2, village 3 of 6 (一村, 四村, 十村 of 一二三四七十),
    community 1 of 2, agency 1 of 2; in all 7 of 13, 53.8%.
    Rows: 本级 1 of 1; 甲镇 4 of 7 (itself and 3 of 6 villages); 乙镇 1 of 3; 县直单位 1 of 2.

    A year earlier, 2023-07-01: 七村 and 八村 are not open yet, 九村 is, 三村's and 九村's organisations still
    stand, 五社区 has none yet: county 1 of 1, township 1 of 2, village 5 of 6 (一三四九十 of 一二三四九十),
    community 0 of 2, agency 1 of 2; in all 8 of 13.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        county = cls.county = unit_create(
            parent=cls.loudi, code="431399", name="界县", kind=kind("county"), org_established_on=EARLY
        )
        jia = cls.jia = unit_create(
            parent=county, code="431399101", name="甲镇", kind=kind("township"), org_established_on=EARLY
        )
        yi = cls.yi = unit_create(parent=county, code="431399102", name="乙镇", kind=kind("township"))
        villages = [
            ("一村", {"org_established_on": EARLY}),
            ("二村", {}),
            ("三村", {"org_established_on": EARLY, "org_dissolved_on": day("2024-07-01")}),
            ("四村", {"org_established_on": EARLY, "org_dissolved_on": day("2024-07-02")}),
            ("七村", {"opened_on": day("2024-07-01")}),
            ("八村", {"opened_on": day("2024-07-02")}),
            ("九村", {"closed_on": day("2024-07-01"), "org_established_on": EARLY, "org_dissolved_on": ON}),
            (
                "十村",
                {"closed_on": day("2024-07-02"), "org_established_on": EARLY, "org_dissolved_on": day("2024-07-02")},
            ),
        ]
        for number, (name, dates) in enumerate(villages, start=201):
            unit_create(parent=jia, code=f"431399101{number}", name=name, kind=kind("village"), **dates)
        unit_create(parent=yi, code="431399102001", name="五社区", kind=kind("community"), org_established_on=ON)
        unit_create(
            parent=yi,
            code="431399102002",
            name="六社区",
            kind=kind("community"),
            org_established_on=day("2024-07-02"),
        )
        cls.add_agency(cls, county, "EDGE-JX-01", "县委办", org_established_on=EARLY)
        cls.add_agency(cls, county, "EDGE-JX-02", "县财政局")

    def by_kind(self, on: datetime.date) -> dict[str, Tally]:
        summary = coverage(self.county, on).summary
        return {code: summary.tally(kind(code)) for code in ("county", "township", "village", "community", "agency")}

    def test_only_established_organisations_count_as_established(self):
        assert self.by_kind(ON) == {
            "county": Tally(1, 1),
            "township": Tally(2, 1),
            "village": Tally(6, 3),
            "community": Tally(2, 1),
            "agency": Tally(2, 1),
        }
        total = coverage(self.county, ON).summary.total
        assert total == Tally(13, 7)
        assert format_rate(total.rate) == "53.8%"

    def test_the_rows_hand_counted(self):
        rows = coverage(self.county, ON).rows
        assert [(row.label, row.total) for row in rows] == [
            (OWN_LEVEL_LABEL, Tally(1, 1)),
            ("甲镇", Tally(7, 4)),
            ("乙镇", Tally(3, 1)),
            ("县直单位", Tally(2, 1)),
        ]
        assert [format_rate(row.total.rate) for row in rows] == ["100%", "57.1%", "33.3%", "50%"]

    def test_a_year_earlier_hand_counted(self):
        assert self.by_kind(day("2023-07-01")) == {
            "county": Tally(1, 1),
            "township": Tally(2, 1),
            "village": Tally(6, 5),
            "community": Tally(2, 0),
            "agency": Tally(2, 1),
        }
        change = coverage_with_previous_year(self.county, ON).summary_change()
        assert (change.before, change.now) == (Tally(13, 8), Tally(13, 7))
        assert (change.eligible, change.established) == (0, -1)

    def test_a_unit_without_an_organisation_is_eligible_and_not_established(self):
        second = OrgUnit.objects.get(code="431399101202")  # 二村
        assert coverage(second, ON).summary.total == Tally(1, 0)
        assert format_rate(coverage(second, ON).summary.total.rate) == "0%"


def post(name: str) -> Post:
    return Post.objects.get(name=name)


class AgeBandEdgeTests(TreeTestCase):
    """Bands 35岁及以下, 36–45岁, 46–55岁, 56岁及以上. For each edge n | n+1, on 2024-07-01: one officer who
    turns n that day, one who turns n+1 the next day, one who turns n+1 that day. One per village of 荷叶镇."""

    BORN = {
        # name: (birth date, the band on 2024-07-01, by hand)
        "满三十五": ("1989-07-01", "35岁及以下"),  # 35 today
        "明天三十六": ("1988-07-02", "35岁及以下"),  # 35, 36 tomorrow
        "今天三十六": ("1988-07-01", "36–45岁"),  # 36 today
        "满四十五": ("1979-07-01", "36–45岁"),
        "明天四十六": ("1978-07-02", "36–45岁"),
        "今天四十六": ("1978-07-01", "46–55岁"),
        "满五十五": ("1969-07-01", "46–55岁"),
        "明天五十六": ("1968-07-02", "46–55岁"),
        "今天五十六": ("1968-07-01", "56岁及以上"),
    }

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=EARLY)
        villages = list(OrgUnit.objects.children_of(cls.heye).filter(kind__code="village")[: len(cls.BORN) + 1])
        cls.unit_of = {}
        for (name, (born, _band)), village in zip(cls.BORN.items(), villages[: len(cls.BORN)], strict=True):
            person = person_create(name=name, sex="F", birth_date=day(born))
            appointment_create(person=person, unit=village, post=post("主席"), start_on=day("2021-01-01"))
            cls.unit_of[name] = village
        leap = person_create(name="闰日生", sex="F", birth_date=day("1988-02-29"))
        cls.leap_village = villages[len(cls.BORN)]
        appointment_create(person=leap, unit=cls.leap_village, post=post("主席"), start_on=day("2021-01-01"))

    def band(self, unit: OrgUnit, on: datetime.date) -> str:
        (band,) = roster_stats(unit, on).by_age_band
        return band

    def test_each_edge_on_the_birthday_and_the_day_before(self):
        found = {name: self.band(self.unit_of[name], ON) for name in self.BORN}
        assert found == {name: band for name, (_born, band) in self.BORN.items()}

    def test_the_whole_township_adds_up_the_same(self):
        # 闰日生 (born 1988-02-29) is 36 on 2024-07-01.
        assert roster_stats(self.heye, ON).by_age_band == {
            "35岁及以下": 2,
            "36–45岁": 4,
            "46–55岁": 3,
            "56岁及以上": 1,
        }

    def test_born_on_29_february_turns_36_on_29_february_of_a_leap_year(self):
        assert self.band(self.leap_village, day("2024-02-28")) == "35岁及以下"
        assert self.band(self.leap_village, day("2024-02-29")) == "36–45岁"
        assert self.band(self.leap_village, day("2024-03-01")) == "36–45岁"


class SeatEdgeTests(TreeTestCase):
    """副主席 has 2 seats (a township's 3 by the norm, set to 2 here as an admin would): 1 holder leaves
    one vacant, 2 fill them, 3 are one too many (a warning)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=EARLY)
        PostSeats.objects.filter(post__name="副主席", kind=cls.heye.kind).update(seats=2)
        cls.people = [
            person_create(name=name, sex="F", birth_date=day("1980-01-01")) for name in ("一副", "二副", "三副")
        ]

    def appoint(self, index: int):
        return appointment_create(
            person=self.people[index], unit=self.heye, post=post("副主席"), start_on=day("2021-01-01")
        )

    def vacant_vice_chairs(self) -> int:
        posts, units = vacant_seats(self.heye, day("2023-01-01"))
        vice = next(p for p in posts if p.name == "副主席")
        return getattr(units.get(pk=self.heye.pk), f"vacant_{vice.pk}")

    def test_below_at_and_above_the_seats(self):
        assert post("副主席").seats.get(kind=self.heye.kind).seats == 2
        assert self.vacant_vice_chairs() == 2
        assert self.appoint(0).warnings == []  # 1 of 2
        assert self.vacant_vice_chairs() == 1
        assert self.appoint(1).warnings == []  # 2 of 2
        assert self.vacant_vice_chairs() == 0
        assert self.appoint(2).warnings == [  # 3 of 2
            errors.SEATS_EXCEEDED.format(unit="荷叶镇", post="副主席", count=3, seats=2)
        ]
        assert self.vacant_vice_chairs() == 0  # never below nothing

    def test_a_holder_who_left_the_day_before_frees_the_seat(self):
        self.appoint(0)
        appointment_create(
            person=self.people[1],
            unit=self.heye,
            post=post("副主席"),
            start_on=day("2021-01-01"),
            end_on=day("2022-12-31"),
        )
        assert self.vacant_vice_chairs() == 1  # on 2023-01-01 the second left the day before
        saved = appointment_create(
            person=self.people[2], unit=self.heye, post=post("副主席"), start_on=day("2023-01-01")
        )
        assert saved.warnings == []  # 2 of 2 that day
        late = appointment_create(
            person=self.people[1], unit=self.heye, post=post("副主席"), start_on=day("2023-01-01")
        )
        assert late.warnings == [errors.SEATS_EXCEEDED.format(unit="荷叶镇", post="副主席", count=3, seats=2)]
