"""Division changes (区划调整) that must be refused whole: every problem listed, nothing written."""

import shutil

import pytest
from django.test import TestCase

from imports.errors import format_row_error
from orgunits import errors
from orgunits.division_matching import MappingEntry
from orgunits.division_plan import DivisionPlanError
from orgunits.loader import DivisionLoadError, read_divisions
from orgunits.models import OrgUnit
from orgunits.services import unit_create
from rosters import errors as roster_errors
from rosters.services import term_open
from tests.base import day, kind, unit
from tests.orgunits.test_division_apply import (
    CHAYUAN,
    EDITIONS,
    FANGSHI,
    ON,
    SHANGPING_NEW,
    STREET,
    XINHUA,
    ZHENZHUANG,
    apply,
    appoint,
    load_2022,
    written,
)


class RefusedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_2022()

    def refused(self, **options) -> list[str]:
        before = written()
        with self.assertRaises(DivisionPlanError) as refused:
            apply(**options)
        assert written() == before
        return refused.exception.messages

    def test_a_mapping_to_a_code_not_in_the_edition(self):
        mapping = [MappingEntry(2, FANGSHI, "431302005999", "同一单位")]
        assert self.refused(mapping=mapping) == [
            format_row_error(2, "新代码", "431302005999", errors.MAPPING_UNKNOWN_NEW)
        ]

    def test_a_mapping_from_a_code_not_open_on_the_date(self):
        mapping = [MappingEntry(4, "431302101299", XINHUA, "同一单位")]
        assert self.refused(mapping=mapping) == [
            format_row_error(4, "原代码", "431302101299", errors.MAPPING_UNKNOWN_OLD)
        ]

    def test_a_merge_into_the_units_own_descendant(self):
        # 上坪村 (431302101230 in the new edition) lies under 茶园乡 until the change.
        mapping = [MappingEntry(2, CHAYUAN, SHANGPING_NEW, "并入")]
        message = errors.MAPPING_INTO_DESCENDANT.format(name="茶园乡", target="上坪村委会")
        assert self.refused(mapping=mapping) == [format_row_error(2, "新代码", SHANGPING_NEW, message)]

    def test_a_new_code_held_by_a_unit_closed_earlier(self):
        unit_create(
            parent=unit(STREET),
            code=XINHUA,
            name="新华村委会",
            kind=kind("village"),
            opened_on=day("2005-01-01"),
            closed_on=day("2020-12-31"),
        )
        assert self.refused() == [
            errors.APPLY_CODE_TAKEN.format(code=XINHUA, name="新华社区居委会", old_name="新华村委会")
        ]

    def test_a_term_or_an_appointment_that_starts_after_the_closing(self):
        term_open(unit=unit(ZHENZHUANG), elected_on=day("2023-07-01"))
        appoint("王桂兰", ZHENZHUANG, "妇女主任", "2023-07-01")
        on = {"unit": "甄庄村委会", "on": ON}
        assert self.refused() == [
            roster_errors.CLOSE_TERM_AFTER.format(ordinal=1, elected_on=day("2023-07-01"), **on),
            roster_errors.CLOSE_APPOINTMENT_AFTER.format(
                person="王桂兰", post="妇女主任", start_on=day("2023-07-01"), **on
            ),
        ]

    def test_an_organisation_established_after_the_closing(self):
        OrgUnit.objects.filter(code=ZHENZHUANG).update(org_established_on=day("2023-09-01"))
        assert self.refused() == [
            errors.APPLY_ORG_AFTER.format(name="甄庄村委会", code=ZHENZHUANG, established_on=day("2023-09-01"), on=ON)
        ]

    def test_a_dry_run_refuses_the_same(self):
        mapping = [MappingEntry(2, FANGSHI, "431302005999", "同一单位")]
        assert self.refused(mapping=mapping, dry_run=True) == self.refused(mapping=mapping)


class AfterAnApplyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_2022()
        apply()

    def test_a_date_before_the_last_change_in_the_area(self):
        before = written()
        with self.assertRaises(DivisionPlanError) as refused:
            apply(on=day("2023-01-01"))
        assert refused.exception.messages == [errors.APPLY_BEFORE_LAST.format(on=day("2023-01-01"), last=ON)]
        assert written() == before


# Wrong editions are the loader's to refuse, before anything is compared.


@pytest.fixture
def edition_2023(tmp_path):
    directory = tmp_path / "2023"
    shutil.copytree(EDITIONS / "apply-2023", directory)
    return directory


def append(directory, file: str, line: str) -> None:
    path = directory / file
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def load_problems(directory) -> list[str]:
    with pytest.raises(DivisionLoadError) as refused:
        read_divisions(directory, under="431302")
    return refused.value.messages


def test_an_edition_with_a_code_in_two_places(edition_2023):
    append(edition_2023, "villages.csv", '431302005012,"方石村委会",431302101,43,4313,431302')
    assert load_problems(edition_2023) == [
        errors.CSV_DUPLICATE_CODE.format(
            file="villages.csv", line=7, column="code", code="431302005012", first="villages.csv第3行"
        )
    ]


def test_an_edition_with_a_missing_parent(edition_2023):
    append(edition_2023, "villages.csv", '431302300201,"上坪村委会",431302300,43,4313,431302')
    assert load_problems(edition_2023) == [
        errors.CSV_UNKNOWN_PARENT.format(file="villages.csv", line=7, column="streetCode", code="431302300")
    ]


def test_an_edition_with_a_cycle_names_the_parent_not_seen_yet(edition_2023):
    # A parent must come before its children: a unit that is its own parent, or its child's child,
    # names one not seen yet, and everything below it is refused with it.
    append(edition_2023, "streets.csv", '431302102,"双江乡",431302102,43,4313')
    assert load_problems(edition_2023) == [
        errors.CSV_UNKNOWN_PARENT.format(file="streets.csv", line=4, column="areaCode", code="431302102")
    ]
    areas = edition_2023 / "areas.csv"
    areas.write_text('code,name,cityCode,provinceCode\n431302,"娄星区",431302005,43\n', encoding="utf-8")
    problems = load_problems(edition_2023)
    assert problems[0] == errors.CSV_UNKNOWN_PARENT.format(
        file="areas.csv", line=2, column="cityCode", code="431302005"
    )
    assert problems[1] == errors.CSV_UNKNOWN_PARENT.format(file="streets.csv", line=2, column="areaCode", code="431302")
