"""The change plan on the real editions, 2022 and 2023: names, the national plan, and cities loaded in the test DB.

The files are not in the repository. NATIONAL_DIVISIONS_DIR names the 2023 folder and
NATIONAL_DIVISIONS_2022_DIR the 2022 one (by default its sibling china-division-2022); without
them the tests skip, unless NATIONAL_DATA_REQUIRED=1 (CI).
"""

import datetime
import os
from functools import cache
from pathlib import Path

import pytest
from django.test import TestCase

from orgunits.division_names import level_of, stripped_name
from orgunits.division_plan import plan_changes
from orgunits.loader import LEVELS, Division, load_divisions, read_divisions
from orgunits.models import OrgUnit
from orgunits.selectors import open_divisions
from orgunits.services import unit_create
from tests.base import kind
from tests.orgunits.test_national_load import DEFAULT_DIR

ON = datetime.date(2023, 6, 30)


def edition_directory(year: int) -> Path:
    current = Path(os.environ.get("NATIONAL_DIVISIONS_DIR", DEFAULT_DIR))
    directory = current if year == 2023 else current.parent / "china-division-2022"
    directory = Path(os.environ.get("NATIONAL_DIVISIONS_2022_DIR", directory)) if year == 2022 else directory
    missing = [level.file for level in LEVELS if not (directory / level.file).is_file()]
    if missing:
        reason = f"division files of {year} missing in {directory}: {', '.join(missing)}"
        if os.environ.get("NATIONAL_DATA_REQUIRED") == "1":
            pytest.fail(f"NATIONAL_DATA_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return directory


@cache
def edition(year: int) -> tuple[Division, ...]:
    return tuple(read_divisions(edition_directory(year)))


def part(year: int, under: str) -> list[Division]:
    """read_divisions(…, under=…) without reading the files again: NBS codes nest by prefix."""
    return [d for d in edition(year) if d.code.startswith(under) or under.startswith(d.code)]


# Names ----------------------------------------------------------------------------------------


def test_the_known_examples_strip_to_one_name():
    assert stripped_name("甄庄村村民委员会", "village") == stripped_name("甄庄村民委员会", "village") == "甄庄"
    assert stripped_name("南牛乡", "township") == stripped_name("南牛镇", "township") == "南牛"
    assert stripped_name("方石村", "village") == stripped_name("方石社区", "village") == "方石"
    assert stripped_name("米林县", "county") == stripped_name("米林市", "county") == "米林"
    assert stripped_name("社区居委会", "village") == "社区"  # all suffixes: the last one stays


@pytest.mark.parametrize("year", [2022, 2023])
def test_no_name_of_an_edition_strips_to_nothing(year):
    empty = [d.code for d in edition(year) if not stripped_name(d.name, level_of(d.kind))]
    assert empty == []
    by_code = {d.code: d for d in edition(year)}
    assert stripped_name(by_code["130123200" if year == 2022 else "130123106"].name, "township") == "南牛"
    assert stripped_name(by_code["110105400" if year == 2022 else "110105020"].name, "township") == "首都机场"


def test_the_national_plan_from_2022_to_2023():
    plan = plan_changes(list(edition(2022)), list(edition(2023)))
    assert plan.counts() == {
        "新增": 3057,
        "撤销": 1927,
        "并入": 12,
        "更名": 13892,
        "改代码": 4975,
        "类型变更": 557,
        "隶属变更": 612,
        "待定": 53,
    }
    assert len(plan.ambiguous) == 53
    changes = {c.old_code: (c.kind, c.new_code) for c in plan.changes if c.old_code}
    assert changes["130123200"] == ("更名+改代码", "130123106")
    assert changes["110105400"] == ("类型变更+改代码", "110105020")  # a 400 code is 开发区等, a 020 a 街道
    assert changes["320571"] == ("改代码", "320576")
    assert changes["431302005210"] == ("类型变更+改代码", "431302005012")


# Cities loaded into the test database ---------------------------------------------------------


class CityPlan(TestCase):
    """A city of the 2022 edition loaded into the test database, planned against the 2023 edition."""

    under = ""

    @classmethod
    def setUpTestData(cls):
        load_divisions(part(2022, cls.under))

    def plan(self, **options):
        old, hand_added = open_divisions(ON, under=OrgUnit.objects.get(code=self.under))
        return plan_changes(old, part(2023, self.under), hand_added=hand_added, **options)

    def changes(self, plan) -> dict[str, tuple]:
        return {c.old_code: (c.kind, c.new_code, c.new_parent) for c in plan.changes if c.old_code}


class LoudiTests(CityPlan):
    under = "4313"

    def test_the_four_villages_that_became_communities_are_the_same_units(self):
        plan = self.plan()
        retyped = {c.old_code: (c.kind, c.new_code, c.new_kind) for c in plan.changes if "类型变更" in c.types}
        assert retyped == {
            "431302005210": ("类型变更+改代码", "431302005012", "community"),  # 方石村 → 方石社区
            "431302101224": ("类型变更+改代码", "431302101001", "community"),
            "431382106202": ("类型变更+改代码", "431382106001", "community"),
            "431382106223": ("类型变更+改代码", "431382106002", "community"),
        }
        assert plan.counts() == {"新增": 1, "类型变更": 4, "改代码": 4}
        assert (plan.ambiguous, plan.hand_added) == ((), ())

    def test_the_units_are_read_in_one_query(self):
        county = OrgUnit.objects.get(code="431302")
        with self.assertNumQueries(1):
            old, hand_added = open_divisions(ON, under=county)
        assert (len(old), hand_added) == (len(part(2022, "431302")), [])

    def test_only_the_units_open_on_the_date_are_compared(self):
        OrgUnit.objects.filter(code="431302003001").update(closed_on=datetime.date(2023, 1, 1))
        added = [c.new_code for c in self.plan().changes if c.kind == "新增"]
        assert added == ["431302003001", "431302003015"]


class ShijiazhuangTests(CityPlan):
    under = "1301"

    def test_nanniu_became_a_zhen_with_its_villages_recoded_under_it(self):
        plan = self.plan()
        changes = self.changes(plan)
        assert changes["130123200"] == ("更名+改代码", "130123106", "130123")  # 南牛乡 → 南牛镇
        villages = [change for code, change in changes.items() if code.startswith("130123200") and len(code) == 12]
        assert len(villages) == 16
        assert {(kind, new[:9], parent) for kind, new, parent in villages} == {("改代码", "130123106", "130123106")}
        assert plan.counts() == {"新增": 25, "更名": 17, "改代码": 153, "隶属变更": 2}


class SuzhouTests(CityPlan):
    under = "3205"

    def test_the_industrial_park_is_recoded_with_its_streets(self):
        plan = self.plan()
        changes = self.changes(plan)
        assert changes["320571"] == ("改代码", "320576", "3205")  # 苏州工业园区
        assert changes["320571050"] == ("改代码", "320576050", "320576")
        assert plan.counts() == {"新增": 36, "撤销": 9, "更名": 13, "类型变更": 6, "改代码": 169}

    def test_a_hand_added_unit_under_a_removed_division_needs_a_decision(self):
        devzone = OrgUnit.objects.get(code="320581406")  # 常熟昆承湖管理委员会, gone in 2023
        unit_create(parent=devzone, code="QY-KCH-01", name="昆承湖物业公司", kind=kind("enterprise"))
        kept = OrgUnit.objects.get(code="320581005")
        unit_create(parent=kept, code="QY-KCH-02", name="别处公司", kind=kind("enterprise"))
        (needs,) = self.plan().hand_added
        assert (needs.kind, needs.old_code, needs.old_parent) == ("需处理", "QY-KCH-01", "320581406")
