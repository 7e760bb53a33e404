"""The tree as of a date (issue 17): coverage before a division change counts the units open then,
with the kind, name and parent they had then; after it, today's tree. One county, one change."""

import datetime

from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from stats.coverage import OWN_LEVEL_LABEL, coverage, coverage_with_previous_year
from stats.tables import NEW_LABEL, branch_table
from tests.base import unit
from tests.orgunits.changed_county import BEFORE, CHANGED_ON, ChangedCountyTestCase


def eligible(result, kind_code: str) -> int:
    return sum(tally.eligible for kind, tally in _by_code(result.summary).items() if kind == kind_code)


def _by_code(row) -> dict:
    from orgunits.models import UnitKind

    codes = dict(UnitKind.objects.values_list("pk", "code"))
    return {codes[kind_id]: tally for kind_id, tally in row.by_kind.items()}


def rows(result) -> list[tuple[str, dict]]:
    return [(row.label, {code: t.eligible for code, t in _by_code(row).items()}) for row in result.rows]


class TreeAsOfTests(ChangedCountyTestCase):
    def test_before_the_change_the_county_counts_the_units_as_they_were(self):
        result = coverage(self.county, BEFORE)
        assert rows(result) == [
            (OWN_LEVEL_LABEL, {"county": 1}),
            ("杉山镇", {"township": 1, "village": 2}),
            ("茅塘乡", {"township": 1, "village": 2}),
        ]
        assert (eligible(result, "village"), eligible(result, "community")) == (4, 0)

    def test_on_the_day_of_the_change_it_counts_todays_tree(self):
        result = coverage(self.county, CHANGED_ON)
        assert rows(result) == [
            (OWN_LEVEL_LABEL, {"county": 1}),
            ("杉山镇", {"township": 1, "community": 1}),
            ("茅塘镇", {"township": 1, "village": 3}),
            ("兴隆街道", {"street": 1, "community": 1}),
        ]
        # The new street and community have no organisation yet; every other unit kept its own.
        assert result.summary.total.established == 7

    def test_a_moved_unit_counts_where_it_stood_then(self):
        shanshan, maotang = unit("431302101"), unit("431302106")
        assert rows(coverage(shanshan, BEFORE))[1:] == [("大坪村", {"village": 1}), ("方石村", {"village": 1})]
        assert [label for label, _ in rows(coverage(maotang, BEFORE))] == [OWN_LEVEL_LABEL, "甲村", "乙村"]
        assert [label for label, _ in rows(coverage(maotang, CHANGED_ON))][1:] == ["甲村", "乙村", "大坪村"]

    def test_the_tree_then_gives_codes_names_and_kinds_then(self):
        tree = TreeOn.of(BEFORE)
        then = {u.pk: (u.then_code, u.then_name, u.then_kind_id) for u in tree.subtree(self.county)}
        fangshi = OrgUnit.objects.get(pk=self.fangshi.pk)
        assert then[fangshi.pk] == ("431302101210", "方石村", self.fangshi.kind_id)
        assert (fangshi.code, fangshi.name) == ("431302101012", "方石社区")
        assert unit("431302007").pk in then  # in the subtree, but opened on the day of the change
        assert not tree.subtree(self.county).open_on(BEFORE).filter(code="431302007").exists()

    def test_a_date_with_no_later_change_joins_nothing(self):
        assert TreeOn.of(CHANGED_ON).changed is False
        assert TreeOn.of(BEFORE).changed is True
        assert "unitpaststate" not in str(TreeOn.of(CHANGED_ON).subtree(self.county).query).lower()

    def test_year_over_year_keeps_units_by_identity_and_calls_new_ones_new(self):
        comparison = coverage_with_previous_year(self.county, datetime.date(2024, 1, 1))
        by_label = {row.label: row for row in comparison.current.rows}
        assert comparison.is_new(by_label["兴隆街道"])
        # 茅塘乡 a year earlier is 茅塘镇 now: the same unit, compared, not new.
        maotang = by_label["茅塘镇"]
        assert not comparison.is_new(maotang)
        assert comparison.row_change(maotang).before.eligible == 3  # 茅塘乡 with 甲村 and 乙村
        table = branch_table(comparison)
        cells = {row[0].text: [cell.text for cell in row] for row in table.rows}
        assert cells["兴隆街道"][-2:] == [NEW_LABEL, "—"]
        assert cells["茅塘镇"][-2] == "100%"
