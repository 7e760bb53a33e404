"""The date rules of units, each at, below and above its edge: date_errors, placement_errors,
children_errors, OrgUnit.is_open_on and has_org_on, and the open_on / closed_on_or_before /
org_established_on querysets.

Expected results are written out whole (every key, every message), so a rule that fires under the
wrong field, or twice, fails as surely as one that does not fire. Part of the mutation subset
(`make mutate`): the database tests build their own few units and need no migrations.
"""

import datetime

import pytest
from django.test import TestCase

from orgunits import errors
from orgunits.models import OrgUnit
from orgunits.services import children_errors, date_errors, placement_errors
from tests.base import kind
from tests.small_tree import add, seed_kinds

D1, D2, D3 = datetime.date(2020, 1, 1), datetime.date(2020, 1, 2), datetime.date(2020, 1, 3)


def unsaved(**dates) -> OrgUnit:
    return OrgUnit(code="X1", name="某村", **dates)


# date_errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({}, {}),
        ({"opened_on": D2, "closed_on": D2}, {}),
        ({"opened_on": D2, "closed_on": D3}, {}),
        ({"opened_on": D2, "closed_on": D1}, {"closed_on": [errors.DATES_CLOSED_BEFORE_OPENED]}),
        ({"closed_on": D1}, {}),
        ({"opened_on": D2}, {}),
        ({"opened_on": D2, "org_established_on": D2}, {}),
        ({"opened_on": D2, "org_established_on": D3}, {}),
        ({"opened_on": D2, "org_established_on": D1}, {"org_established_on": [errors.DATES_ORG_BEFORE_UNIT]}),
        ({"org_established_on": D1}, {}),
        ({"org_dissolved_on": D2}, {"org_dissolved_on": [errors.DATES_ORG_DISSOLVED_WITHOUT_ESTABLISHED]}),
        ({"org_established_on": D2, "org_dissolved_on": D2}, {}),
        ({"org_established_on": D2, "org_dissolved_on": D3}, {}),
        (
            {"org_established_on": D2, "org_dissolved_on": D1},
            {"org_dissolved_on": [errors.DATES_ORG_DISSOLVED_BEFORE_ESTABLISHED]},
        ),
        ({"closed_on": D2, "org_established_on": D1, "org_dissolved_on": D2}, {}),
        ({"closed_on": D2, "org_established_on": D1, "org_dissolved_on": D1}, {}),
        (
            {"closed_on": D2, "org_established_on": D1, "org_dissolved_on": D3},
            {"org_dissolved_on": [errors.DATES_ORG_OUTLIVES_UNIT]},
        ),
        # A blank date in a rule lets it hold, as in SQL.
        (
            {"closed_on": D1, "org_dissolved_on": D3},
            {"org_dissolved_on": [errors.DATES_ORG_DISSOLVED_WITHOUT_ESTABLISHED]},
        ),
        ({"closed_on": D1, "org_established_on": D1}, {}),
        ({"org_established_on": D1, "org_dissolved_on": D3}, {}),
        # Two rules broken on one field: both messages, in the order of the rules.
        (
            {"closed_on": D1, "org_established_on": D3, "org_dissolved_on": D2},
            {"org_dissolved_on": [errors.DATES_ORG_DISSOLVED_BEFORE_ESTABLISHED, errors.DATES_ORG_OUTLIVES_UNIT]},
        ),
        # Every field at once.
        (
            {"opened_on": D2, "closed_on": D1, "org_established_on": D1},
            {"closed_on": [errors.DATES_CLOSED_BEFORE_OPENED], "org_established_on": [errors.DATES_ORG_BEFORE_UNIT]},
        ),
    ],
)
def test_date_errors(dates, expected):
    assert dict(date_errors(unsaved(**dates))) == expected


def test_date_errors_answers_a_dict_of_lists_that_takes_more():
    found = date_errors(unsaved())
    found["closed_on"].append("x")  # callers add their own messages to the same dict
    assert found == {"closed_on": ["x"]}


# is_open_on ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "day", "open"),
    [
        ({}, D2, True),
        ({"opened_on": D2}, D1, False),
        ({"opened_on": D2}, D2, True),  # open on the day it opens
        ({"opened_on": D2}, D3, True),
        ({"closed_on": D2}, D1, True),
        ({"closed_on": D2}, D2, False),  # closed on the day it closes
        ({"closed_on": D2}, D3, False),
        ({"opened_on": D1, "closed_on": D3}, D2, True),
        ({"opened_on": D2, "closed_on": D3}, D1, False),
    ],
)
def test_is_open_on(dates, day, open):
    assert unsaved(**dates).is_open_on(day) is open


# has_org_on -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "day", "exists"),
    [
        ({}, D2, False),  # never established
        ({"org_established_on": D2}, D1, False),
        ({"org_established_on": D2}, D2, True),  # exists on the day it is established
        ({"org_established_on": D2}, D3, True),
        ({"org_established_on": D1, "org_dissolved_on": D3}, D2, True),
        ({"org_established_on": D1, "org_dissolved_on": D2}, D2, False),  # gone on the day it is dissolved
        ({"org_established_on": D1, "org_dissolved_on": D2}, D3, False),
    ],
)
def test_has_org_on(dates, day, exists):
    assert unsaved(**dates).has_org_on(day) is exists


# With a few saved units ---------------------------------------------------------------------------


class SavedUnitRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_kinds()
        cls.county = add(None, "431321", "双峰县", "county", opened_on=D2)
        cls.town_a = add(cls.county, "431321101", "甲镇", "township", opened_on=D2, closed_on=D3)
        cls.town_b = add(cls.county, "431321102", "乙镇", "township", opened_on=D3)
        cls.town_c = add(cls.county, "431321103", "丙镇", "township")
        cls.county.refresh_from_db()

    # placement_errors

    def place(self, unit_kind: str, parent: OrgUnit | None, **dates) -> dict:
        return dict(
            placement_errors(unit=OrgUnit(code="Y", name="新单位", kind=kind(unit_kind), **dates), parent=parent)
        )

    def test_a_kind_with_allowed_parents_needs_a_parent(self):
        assert self.place("village", None) == {
            "parent": [errors.KIND_NEEDS_PARENT.format(kind="村", allowed="乡镇、街道、开发区等")]
        }
        assert self.place("county", None) == {"parent": [errors.KIND_NEEDS_PARENT.format(kind="县", allowed="省、市")]}

    def test_the_nation_needs_none(self):
        assert self.place("nation", None) == {}

    def test_a_kind_not_allowed_under_the_parent_names_the_allowed_ones(self):
        assert self.place("village", self.county) == {
            "kind": [errors.KIND_NOT_ALLOWED_UNDER.format(kind="村", parent_kind="县", allowed="乡镇、街道、开发区等")]
        }
        assert self.place("nation", self.county) == {
            "kind": [
                errors.KIND_NOT_ALLOWED_UNDER.format(kind="全国", parent_kind="县", allowed="无（只能作为顶层单位）")
            ]
        }

    def test_a_kind_allowed_under_the_parent_passes(self):
        assert self.place("village", self.town_c) == {}
        assert self.place("township", self.county) == {}

    def test_a_unit_may_open_on_the_day_its_parent_opens_not_before(self):
        assert self.place("township", self.county, opened_on=D3) == {}
        assert self.place("township", self.county, opened_on=D2) == {}
        assert self.place("township", self.county, opened_on=D1) == {
            "opened_on": [errors.OPENED_BEFORE_PARENT.format(opened_on=D1, parent="双峰县", parent_opened_on=D2)]
        }

    def test_opening_dates_are_compared_only_when_both_are_known(self):
        assert self.place("village", self.town_c, opened_on=D1) == {}  # the parent's is blank
        assert self.place("township", self.county) == {}  # the unit's is blank

    def test_under_a_closed_parent_a_unit_must_close_by_the_same_day(self):
        assert self.place("village", self.town_a, opened_on=D2, closed_on=D1) == {}
        assert self.place("village", self.town_a, opened_on=D2, closed_on=D3) == {}
        closed_after = self.place("village", self.town_a, opened_on=D2, closed_on=datetime.date(2020, 1, 4))
        still_open = self.place("village", self.town_a, opened_on=D2)
        message = errors.OPEN_AFTER_PARENT_CLOSED.format(parent="甲镇", parent_closed_on=D3)
        assert closed_after == still_open == {"closed_on": [message]}

    def test_every_placement_rule_at_once(self):
        assert self.place("county", self.town_a, opened_on=D1) == {
            "kind": [errors.KIND_NOT_ALLOWED_UNDER.format(kind="县", parent_kind="乡镇", allowed="省、市")],
            "opened_on": [errors.OPENED_BEFORE_PARENT.format(opened_on=D1, parent="甲镇", parent_opened_on=D2)],
            "closed_on": [errors.OPEN_AFTER_PARENT_CLOSED.format(parent="甲镇", parent_closed_on=D3)],
        }

    # children_errors

    def changed_county(self, **changes) -> OrgUnit:
        county = OrgUnit.objects.get(pk=self.county.pk)
        for name, value in changes.items():
            setattr(county, name, value)
        return county

    def test_a_unit_without_children_or_not_saved_has_no_children_to_break(self):
        assert children_errors(unit=OrgUnit(code="Z", name="新", kind=kind("county"), opened_on=D3)) == {}
        leaf = OrgUnit.objects.get(pk=self.town_c.pk)
        leaf.kind = kind("village")
        leaf.opened_on = D3
        with self.assertNumQueries(0):
            assert children_errors(unit=leaf) == {}

    def test_unchanged_the_county_breaks_nothing(self):
        assert children_errors(unit=self.changed_county()) == {}

    def test_a_new_kind_that_the_children_cannot_sit_under_names_the_first_child(self):
        county = self.changed_county(kind=kind("agency"))
        with self.assertNumQueries(2):  # the misfit with its kind, then the early child: one query per rule
            found = children_errors(unit=county)
        assert dict(found) == {
            "kind": [errors.KIND_CHANGE_ORPHANS_CHILDREN.format(kind="机关", child="甲镇", child_kind="乡镇")]
        }

    def test_a_new_kind_the_children_fit_under_passes(self):
        assert children_errors(unit=self.changed_county(kind=kind("county"))) == {}
        # Townships may sit under counties only; a city would orphan them.
        found = children_errors(unit=self.changed_county(kind=kind("city")))
        assert list(found) == ["kind"]

    def test_children_may_open_on_the_units_opening_day_not_before(self):
        assert children_errors(unit=self.changed_county(opened_on=D2)) == {}
        assert children_errors(unit=self.changed_county(opened_on=D1)) == {}
        assert dict(children_errors(unit=self.changed_county(opened_on=D3))) == {
            "opened_on": [errors.CHILD_OPENED_BEFORE.format(child="甲镇", child_opened_on=D2, opened_on=D3)]
        }

    def test_children_must_close_by_the_units_closing_day(self):
        # 甲镇 closes on D3; 乙镇 and 丙镇 stay open, so any closing day names 乙镇 first.
        assert dict(children_errors(unit=self.changed_county(closed_on=D3))) == {
            "closed_on": [errors.CHILDREN_STILL_OPEN.format(child="乙镇", closed_on=D3)]
        }
        assert dict(children_errors(unit=self.changed_county(closed_on=D2))) == {
            "closed_on": [errors.CHILDREN_STILL_OPEN.format(child="甲镇", closed_on=D2)]
        }

    def test_children_closed_by_the_day_pass(self):
        others = [self.town_b.pk, self.town_c.pk]
        assert children_errors(unit=self.changed_county(closed_on=D3), checked_elsewhere=others) == {}
        assert dict(children_errors(unit=self.changed_county(closed_on=D2), checked_elsewhere=others)) == {
            "closed_on": [errors.CHILDREN_STILL_OPEN.format(child="甲镇", closed_on=D2)]
        }

    def test_children_checked_elsewhere_are_left_out(self):
        found = children_errors(unit=self.changed_county(kind=kind("agency")), checked_elsewhere=[self.town_a.pk])
        assert dict(found) == {
            "kind": [errors.KIND_CHANGE_ORPHANS_CHILDREN.format(kind="机关", child="乙镇", child_kind="乡镇")]
        }
        everyone = [self.town_a.pk, self.town_b.pk, self.town_c.pk]
        assert (
            children_errors(unit=self.changed_county(kind=kind("agency"), closed_on=D1), checked_elsewhere=everyone)
            == {}
        )

    def test_every_children_rule_at_once(self):
        found = children_errors(unit=self.changed_county(kind=kind("agency"), opened_on=D3, closed_on=D2))
        assert dict(found) == {
            "kind": [errors.KIND_CHANGE_ORPHANS_CHILDREN.format(kind="机关", child="甲镇", child_kind="乡镇")],
            "opened_on": [errors.CHILD_OPENED_BEFORE.format(child="甲镇", child_opened_on=D2, opened_on=D3)],
            "closed_on": [errors.CHILDREN_STILL_OPEN.format(child="甲镇", closed_on=D2)],
        }

    # the date querysets

    def codes(self, queryset) -> list[str]:
        return list(queryset.filter(path__startswith=self.county.path).values_list("code", flat=True))

    def test_open_on(self):
        assert self.codes(OrgUnit.objects.open_on(D1)) == ["431321103"]  # only the undated township
        assert self.codes(OrgUnit.objects.open_on(D2)) == ["431321", "431321101", "431321103"]
        assert self.codes(OrgUnit.objects.open_on(D3)) == ["431321", "431321102", "431321103"]
        assert self.codes(OrgUnit.objects.open_on(datetime.date(2030, 1, 1))) == ["431321", "431321102", "431321103"]

    def test_closed_on_or_before(self):
        assert self.codes(OrgUnit.objects.closed_on_or_before(D2)) == []
        assert self.codes(OrgUnit.objects.closed_on_or_before(D3)) == ["431321101"]
        assert self.codes(OrgUnit.objects.closed_on_or_before(datetime.date(2030, 1, 1))) == ["431321101"]

    def test_org_established_on(self):
        OrgUnit.objects.filter(pk=self.town_a.pk).update(org_established_on=D2, org_dissolved_on=D3)
        OrgUnit.objects.filter(pk=self.town_b.pk).update(org_established_on=D3)
        assert self.codes(OrgUnit.objects.org_established_on(D1)) == []
        assert self.codes(OrgUnit.objects.org_established_on(D2)) == ["431321101"]
        assert self.codes(OrgUnit.objects.org_established_on(D3)) == ["431321102"]  # 甲镇's dissolved that day
        assert self.codes(OrgUnit.objects.org_established_on(datetime.date(2021, 1, 1))) == ["431321102"]
        # The same rule in Python.
        units = list(OrgUnit.objects.filter(path__startswith=self.county.path))
        for on in (D1, D2, D3, datetime.date(2021, 1, 1)):
            assert [u.code for u in units if u.has_org_on(on)] == self.codes(OrgUnit.objects.org_established_on(on))
