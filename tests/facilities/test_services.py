"""facility_create, facility_update, facility_close: the rules, their messages, and the constraints in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from facilities import errors
from facilities.models import Facility
from facilities.services import facility_close, facility_create, facility_update
from orgunits.services import unit_create
from tests.base import TreeTestCase, day, kind
from tests.facilities.small_tree import facility_kind


def messages(exc_info) -> dict:
    return exc_info.value.message_dict


class FacilityRuleTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.village = unit_create(
            parent=cls.heye,
            code="431321101299",
            name="规则村",
            kind=kind("village"),
            opened_on=day("2010-01-01"),
            closed_on=day("2024-12-31"),
        )
        cls.women = facility_kind("women_home")

    def create(self, **fields):
        return facility_create(**{"unit": self.village, "kind": self.women, "opened_on": day("2015-01-01"), **fields})

    def test_a_facility_is_created_with_its_history(self):
        facility = self.create(name=" 规则村妇女之家 ", closed_on=day("2024-12-31"))
        assert facility.name == "规则村妇女之家"
        assert facility.history.count() == 1

    def test_closed_before_opened(self):
        with pytest.raises(ValidationError) as exc:
            self.create(closed_on=day("2014-12-31"))
        expected = errors.CLOSED_BEFORE_OPENED.format(closed_on=day("2014-12-31"), opened_on=day("2015-01-01"))
        assert messages(exc) == {"closed_on": [expected]}

    def test_opened_before_the_unit(self):
        with pytest.raises(ValidationError) as exc:
            self.create(opened_on=day("2009-12-31"), closed_on=day("2020-01-01"))
        assert messages(exc)["opened_on"] == [
            errors.OPENED_BEFORE_UNIT.format(
                opened_on=day("2009-12-31"), unit="规则村", unit_opened_on=day("2010-01-01")
            )
        ]

    def test_it_must_close_by_the_day_the_unit_closed(self):
        with pytest.raises(ValidationError) as exc:
            self.create()
        assert messages(exc) == {
            "closed_on": [errors.OUTLIVES_UNIT.format(unit="规则村", unit_closed_on=day("2024-12-31"))]
        }

    def test_not_opened_once_the_unit_closed(self):
        with pytest.raises(ValidationError) as exc:
            self.create(opened_on=day("2024-12-31"), closed_on=day("2025-01-01"))
        assert (
            errors.OPENED_AFTER_UNIT_CLOSED.format(
                unit="规则村", unit_closed_on=day("2024-12-31"), opened_on=day("2024-12-31")
            )
            in messages(exc)["opened_on"]
        )

    def test_one_facility_of_a_kind_at_a_time(self):
        self.create(closed_on=day("2020-01-01"))
        with pytest.raises(ValidationError) as exc:
            self.create(opened_on=day("2019-06-01"), closed_on=day("2024-01-01"))
        overlap = errors.OVERLAP.format(
            unit="规则村", opened_on=day("2015-01-01"), closed_on=day("2020-01-01"), kind="妇女之家"
        )
        assert messages(exc) == {"opened_on": [overlap]}
        # The day one closes, the next may open; another kind is another matter.
        self.create(opened_on=day("2020-01-01"), closed_on=day("2024-01-01"))
        self.create(kind=facility_kind("book_house"), closed_on=day("2024-01-01"))
        assert Facility.objects.filter(unit=self.village).count() == 3

    def test_update_and_close(self):
        facility = facility_create(unit=self.heye, kind=self.women, opened_on=day("2016-03-08"))
        facility_update(facility=facility, name="荷叶镇妇女之家", note="镇政府二楼")
        facility_close(facility=facility, closed_on=day("2025-01-01"))
        facility.refresh_from_db()
        assert (facility.name, facility.note, facility.closed_on) == ("荷叶镇妇女之家", "镇政府二楼", day("2025-01-01"))
        assert facility.history.count() == 3
        with pytest.raises(ValidationError) as exc:
            facility_close(facility=facility, closed_on=day("2025-02-01"))
        assert messages(exc) == {"closed_on": [errors.ALREADY_CLOSED.format(closed_on=day("2025-01-01"))]}

    def test_update_checks_the_rules_against_the_others(self):
        first = facility_create(
            unit=self.heye, kind=self.women, opened_on=day("2016-03-08"), closed_on=day("2018-01-01")
        )
        second = facility_create(unit=self.heye, kind=self.women, opened_on=day("2019-01-01"))
        facility_update(facility=second, note="改")  # itself is no clash
        with pytest.raises(ValidationError):
            facility_update(facility=first, closed_on=None)

    def test_update_refuses_unknown_fields(self):
        facility = facility_create(unit=self.heye, kind=self.women, opened_on=day("2016-03-08"))
        with pytest.raises(TypeError):
            facility_update(facility=facility, colour="红")

    def test_the_database_keeps_the_dates_in_order(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Facility.objects.create(
                unit=self.heye, kind=self.women, opened_on=day("2020-01-01"), closed_on=day("2019-01-01")
            )

    def test_the_database_keeps_one_open_facility_of_a_kind(self):
        Facility.objects.create(unit=self.heye, kind=self.women, opened_on=day("2020-01-01"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Facility.objects.create(unit=self.heye, kind=self.women, opened_on=day("2021-01-01"))
        Facility.objects.create(unit=self.heye, kind=facility_kind("children_home"), opened_on=day("2021-01-01"))

    def test_the_seeded_kinds(self):
        from facilities.models import FacilityKind

        seeded = {k.name: sorted(k.expected_in.values_list("code", flat=True)) for k in FacilityKind.objects.all()}
        assert seeded == {n: ["community", "village"] for n in ("妇女之家", "儿童之家", "巾帼书屋")}
