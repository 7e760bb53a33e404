"""Activities across a division change (区划调整 on 2023-06-30 in 娄星区): an old code in the import means
the unit it meant on the start date, and totals for a span before the change are rowed by the areas as
they stood then."""

import datetime

from activities.activity_import import ActivityImporter
from activities.totals import activity_totals
from imports.errors import format_row_error
from orgunits.models import OrgUnit
from orgunits.old_codes import OLD_CODE_RECODED
from tests.activities.helpers import activity_type, training
from tests.activities.test_import import table
from tests.base import unit
from tests.orgunits.changed_county import CHANGED_ON, ChangedCountyTestCase

FANGSHI_BEFORE, FANGSHI_NOW = "431302101210", "431302101012"


class DivisionChangeTests(ChangedCountyTestCase):
    def test_an_old_code_is_mapped_and_said_so(self):
        importer = ActivityImporter()
        cells = table([FANGSHI_BEFORE, "", "培训", "方石培训", "2023-09-01", "", "2", "40"])
        plan = importer.plan(importer.read(cells))
        assert plan.valid, plan.messages()
        fangshi = unit(FANGSHI_NOW)
        note = OLD_CODE_RECODED.format(old=FANGSHI_BEFORE, on=CHANGED_ON, new=FANGSHI_NOW, name=fangshi.name)
        assert plan.notes() == [format_row_error(2, "单位代码", FANGSHI_BEFORE, note)]
        importer.write(plan)
        assert fangshi.activities.get().title == "方石培训"

    def test_totals_before_the_change_are_rowed_by_the_areas_then(self):
        jia = unit("431302106201")  # 甲村, under 茅塘乡 until the change, 茅塘镇 since
        training(jia, "2023-03-01", 5, 50)
        training(jia, "2023-09-01", 7, 70)
        before = activity_totals(self.county, datetime.date(2023, 1, 1), datetime.date(2023, 6, 29))
        after = activity_totals(self.county, datetime.date(2023, 7, 1), datetime.date(2023, 12, 31))
        kind = activity_type("training")
        assert {row.label: row.counts(kind).sessions for row in before.rows if row.by_type} == {"茅塘乡": 5}
        assert {row.label: row.counts(kind).sessions for row in after.rows if row.by_type} == {"茅塘镇": 7}

    def test_the_year_before_is_summed_over_the_tree_as_it_stood_then(self):
        """A span after the change against 上年同期 before it: two trees, so two grouped queries."""
        jia = unit("431302106201")
        training(jia, "2023-03-01", 5, 50)
        training(jia, "2024-03-01", 6, 60)
        township = OrgUnit.objects.get_parent(jia)  # 茅塘镇, which was 茅塘乡 on the earlier day
        for area in (self.county, township):
            totals = activity_totals(area, datetime.date(2024, 1, 1), datetime.date(2024, 6, 29))
            kind = activity_type("training")
            assert (totals.counts(kind).sessions, totals.previous_counts(kind).sessions) == (6, 5), area.name
