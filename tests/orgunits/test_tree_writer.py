"""The tree's own API (orgunits/tree.py): the forest writer and the tree queries. On SQLite the
writer uses bulk_create, on PostgreSQL COPY; these tests run on both."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgunits.integrity import find_tree_problems
from orgunits.models import OrgUnit
from orgunits.services import unit_delete
from tests.base import TreeTestCase, day, kind, unit


@dataclass
class New:
    code: str
    name: str
    kind_id: int


def village(code: str, name: str = "") -> New:
    return New(code, name or f"村{code[-3:]}", kind("village").pk)


def codes(queryset) -> list[str]:
    return list(queryset.values_list("code", flat=True))


class ForestWriterTests(TreeTestCase):
    def test_new_units_go_after_the_last_child_and_their_parent_counts_them(self):
        before = codes(OrgUnit.objects.children_of(self.heye))
        last_before = OrgUnit.objects.children_of(self.heye).last()
        written = OrgUnit.objects.add_forest(
            [(self.heye.code, village("431321101901")), (self.heye.code, village("431321101900"))]
        )
        assert written == 2
        self.heye.refresh_from_db()
        assert self.heye.numchild == len(before) + 2
        # Siblings in code order, after the existing children.
        assert codes(OrgUnit.objects.children_of(self.heye)) == [*before, "431321101900", "431321101901"]
        new = unit("431321101900")
        assert new.path > last_before.path and new.depth == self.heye.depth + 1 and new.numchild == 0
        assert new.kind.code == "village" and new.org_form == "" and new.opened_on is None
        assert not find_tree_problems()

    def test_after_the_last_child_even_when_an_earlier_one_was_deleted(self):
        first = self.add_agency(self.heye, "ZZ0001", "甲局")
        last = self.add_agency(self.heye, "ZZ0002", "乙局")
        unit_delete(unit=first)  # numchild drops, the last child's step stays
        OrgUnit.objects.add_forest([(self.heye.code, village("431321101900"))])
        assert unit("431321101900").path > last.path
        assert not find_tree_problems()

    def test_a_forest_in_any_order_with_new_parents_among_it(self):
        agency = New("ZZ0100", "新局", kind("agency").pk)
        office = New("ZZ0101", "新局办公室", kind("agency").pk)
        # The child comes before its parent; the parent of both is in the tree.
        OrgUnit.objects.add_forest([(agency.code, office), (self.shuangfeng.code, agency)])
        made = unit("ZZ0100")
        assert made.numchild == 1 and made.parent() == self.shuangfeng
        assert unit("ZZ0101").parent() == made
        assert not find_tree_problems()

    def test_values_given_are_written_and_history_entries_only_when_asked(self):
        @dataclass
        class Dated(New):
            opened_on: object = None

        OrgUnit.objects.add_forest(
            [(self.heye.code, Dated("431321101900", "甲村", kind("village").pk, day("2020-01-01")))],
            fields=("name", "kind_id", "opened_on"),
            history=True,
        )
        OrgUnit.objects.add_forest([(self.heye.code, village("431321101901"))])
        made = unit("431321101900")
        assert made.opened_on == day("2020-01-01")
        entries = list(made.history.values_list("history_type", "name", "opened_on"))
        assert entries == [("+", "甲村", day("2020-01-01"))]
        assert not unit("431321101901").history.exists()

    def test_an_unknown_parent_or_a_cycle_is_refused_before_anything_is_written(self):
        count = OrgUnit.objects.count()
        with pytest.raises(ValueError, match="no parent"):
            OrgUnit.objects.add_forest([("NOPE", village("431321101900"))])
        with pytest.raises(ValueError, match="cycle"):
            OrgUnit.objects.add_forest(
                [(self.heye.code, village("431321101900")), ("ZZ2", New("ZZ1", "a", 1)), ("ZZ1", New("ZZ2", "b", 1))]
            )
        assert OrgUnit.objects.count() == count

    def test_the_number_of_queries_does_not_grow_with_the_number_of_parents(self):
        townships = list(OrgUnit.objects.children_of(self.shuangfeng).filter(kind__code="township"))
        assert len(townships) >= 4

        def queries(parents, tag: str) -> int:
            forest = [(parent.code, village(f"{parent.code}{tag}{i}")) for parent in parents for i in range(3)]
            with CaptureQueriesContext(connection) as counted:
                OrgUnit.objects.add_forest(forest, history=True)
            return len(counted)

        assert queries(townships[:1], "8") == queries(townships, "9")
        forest = [(t.code, village(f"{t.code}7{i}")) for t in townships for i in range(2)]
        with self.max_queries(5 if connection.vendor == "sqlite" else 3):
            OrgUnit.objects.add_forest(forest, history=True)
        for township in townships:
            township.refresh_from_db()
            assert township.numchild == OrgUnit.objects.children_of(township).count()
        assert not find_tree_problems()


class TreeQueryTests(TreeTestCase):
    def test_children_ancestors_subtree_and_parent(self):
        assert codes(OrgUnit.objects.ancestors_of(self.heye)) == [self.nation.code, "43", "4313", "431321"]
        assert not OrgUnit.objects.ancestors_of(self.nation).exists()
        children = OrgUnit.objects.children_of(self.shuangfeng)
        assert self.heye.code in codes(children) and all(c.depth == self.shuangfeng.depth + 1 for c in children)
        assert children.count() == self.shuangfeng.numchild
        subtree = codes(OrgUnit.objects.subtree(self.shuangfeng))
        assert subtree[0] == "431321" and set(codes(children)) < set(subtree)
        assert all(code.startswith("431321") for code in subtree)
        assert "431321" not in codes(OrgUnit.objects.subtree(self.shuangfeng, include_self=False))
        assert OrgUnit.objects.parent_of(self.heye).get() == self.shuangfeng
        assert not OrgUnit.objects.parent_of(self.nation).exists()

    def test_batch_lookups_read_once(self):
        villages = list(OrgUnit.objects.children_of(self.heye)[:3])
        with self.max_queries(1):
            chains = OrgUnit.objects.ancestor_chains(villages)
        assert [a.code for a in chains[villages[0].pk]] == [self.nation.code, "43", "4313", "431321", "431321101"]
        with self.max_queries(1):
            parents = OrgUnit.objects.parents_of([*villages, self.heye])
        assert parents[villages[0].pk] == self.heye and parents[self.heye.pk] == self.shuangfeng
        assert {a.code for a in OrgUnit.objects.missing_ancestors([self.heye, self.shuangfeng])} == {
            self.nation.code,
            "43",
            "4313",
        }
        rows = {code: parent for code, parent, _name in OrgUnit.objects.codes_with_parent_codes("name")}
        assert rows[self.heye.code] == "431321" and rows[self.nation.code] == ""

    def test_paths_are_asked_of_the_model(self):
        assert self.heye.in_subtree_of(self.shuangfeng) and self.heye.in_subtree_of(self.heye)
        assert not self.shuangfeng.in_subtree_of(self.heye)
        assert OrgUnit.path_within(self.heye.path, self.shuangfeng.path, strictly=True)
        assert not OrgUnit.path_within(self.heye.path, self.heye.path, strictly=True)
        assert OrgUnit.outermost_paths([self.heye.path, self.shuangfeng.path, self.xianghe.path]) == tuple(
            sorted([self.shuangfeng.path, self.xianghe.path])
        )
        assert self.heye.parent_position().path == self.shuangfeng.path
        assert self.nation.parent_position() is None
        assert OrgUnit.is_top_path(self.nation.path) and not OrgUnit.is_top_path(self.hunan.path)
