"""Applying an edition again with the mapping that completed it the first time changes nothing (a
clerk re-running after an interruption), where the mapping's old codes are gone from the tree."""

import datetime

from orgunits.division_apply import divisions_apply
from orgunits.division_plan import DivisionPlanError
from orgunits.models import OrgUnit, UnitChange, UnitPastState
from tests.base import unit
from tests.orgunits.changed_county import CHANGED_ON, EDITION_2023, MAPPING, ChangedCountyTestCase


class ReapplyTests(ChangedCountyTestCase):
    def apply(self, **kwargs):
        return divisions_apply(divisions=EDITION_2023, edition="2023", under=unit("431302"), mapping=MAPPING, **kwargs)

    def test_the_same_mapping_again_finds_nothing_to_change(self):
        before = (UnitChange.objects.count(), UnitPastState.objects.count(), OrgUnit.history.count())
        result = self.apply(on=CHANGED_ON)
        assert not result.counts() and not result.hand_decisions
        assert (UnitChange.objects.count(), UnitPastState.objects.count(), OrgUnit.history.count()) == before

    def test_a_mapping_row_already_carried_out_on_another_date_is_still_refused(self):
        try:
            self.apply(on=CHANGED_ON + datetime.timedelta(days=1))
        except DivisionPlanError as exc:
            assert any("431302101201" in message for message in exc.messages)
        else:
            raise AssertionError("a row naming a code gone since an earlier change must be refused")
