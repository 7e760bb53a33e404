"""A division change that closes a unit closes its facilities on the same day (facilities/closures.py),
or is refused, writing nothing, when one opened on or after that day."""

import pytest
from django.test import TestCase

from facilities import errors
from facilities.closures import FACILITIES_CLOSED
from facilities.models import Facility
from facilities.services import facility_create
from orgunits.division_plan import DivisionPlanError
from tests.base import day, unit
from tests.facilities.small_tree import facility_kind
from tests.orgunits.test_division_apply import ON, ZHENZHUANG, apply, load_2022


class ClosedUnitFacilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_2022()
        village = unit(ZHENZHUANG)  # 甄庄村, removed on 2023-06-30
        cls.open = facility_create(unit=village, kind=facility_kind("women_home"), opened_on=day("2019-03-08"))
        cls.closing_later = facility_create(
            unit=village, kind=facility_kind("book_house"), opened_on=day("2020-01-01"), closed_on=day("2024-01-01")
        )
        cls.closed_before = facility_create(
            unit=village, kind=facility_kind("children_home"), opened_on=day("2018-01-01"), closed_on=day("2020-01-01")
        )

    def test_the_removed_villages_facilities_close_on_the_day(self):
        result = apply()
        closed = dict(Facility.objects.filter(unit__code=ZHENZHUANG).values_list("kind__code", "closed_on"))
        assert closed == {"women_home": ON, "book_house": ON, "children_home": day("2020-01-01")}
        assert result.roster_counts[FACILITIES_CLOSED] == 2
        record = Facility.history.filter(id=self.open.pk).latest("history_date")
        assert record.history_change_reason.endswith("单位因区划调整撤销")

    def test_a_facility_opened_after_the_day_refuses_the_change(self):
        late = facility_create(unit=unit(ZHENZHUANG), kind=facility_kind("children_home"), opened_on=day("2023-07-01"))
        with pytest.raises(DivisionPlanError) as exc:
            apply()
        message = errors.CLOSE_FACILITY_AFTER.format(
            unit="甄庄村委会", kind="儿童之家", opened_on=late.opened_on, on=ON
        )
        assert message in exc.value.messages
        assert unit(ZHENZHUANG).closed_on is None
        assert Facility.objects.get(pk=self.open.pk).closed_on is None
