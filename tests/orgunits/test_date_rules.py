"""The Python date rules (used by imports and the services) agree with the database's CheckConstraints."""

import datetime
import itertools

from django.db import IntegrityError, transaction

from orgunits.models import OrgUnit
from orgunits.services import date_errors
from tests.base import TreeTestCase, kind

DAYS = (None, datetime.date(2020, 1, 1), datetime.date(2021, 1, 1), datetime.date(2022, 1, 1))


class DateRulesTests(TreeTestCase):
    def test_python_rules_and_database_constraints_refuse_the_same_dates(self):
        village = kind("village")
        disagreements, refused = [], 0
        for number, (opened, closed, established, dissolved) in enumerate(itertools.product(DAYS, repeat=4)):
            unit = OrgUnit(
                code=f"X{number}",
                name="日期组合",
                kind=village,
                opened_on=opened,
                closed_on=closed,
                org_established_on=established,
                org_dissolved_on=dissolved,
            )
            python_refuses = bool(date_errors(unit))
            try:
                with transaction.atomic():
                    OrgUnit.objects.add_child(self.heye, instance=unit)
                    database_refuses = False
                    transaction.set_rollback(True)
            except IntegrityError:
                database_refuses = True
            refused += database_refuses
            if python_refuses != database_refuses:
                disagreements.append((opened, closed, established, dissolved, python_refuses))
        assert disagreements == []
        assert 0 < refused < len(DAYS) ** 4  # the grid holds both kinds
