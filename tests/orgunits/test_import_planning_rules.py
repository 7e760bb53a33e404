"""Planning a unit import, rule by rule: codes, kinds, parents, cycles, moves, the services' rules,
scope, and the depth each row will have. Nothing is written: check_table only plans.

The tree, built here without migrations (so it runs in `make mutate`):

    全国 100000
    └─ 湖南省 43
       └─ 娄底市 4313
          ├─ 双峰县 431321            opened 2000-01-01
          │  ├─ 荷叶镇 431321101      opened 2000-01-01
          │  │  └─ 一村 431321101201  opened 2000-01-01
          │  └─ 井字镇 431321102      opened 2000-01-01
          │     └─ 二村 431321102201  opened 1990-01-01 (before its township: a rule broken in the data)
          └─ 涟源市 431382
             └─ 甲镇 431382101

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from access.scope import OUT_OF_SCOPE, Scope
from imports.spreadsheets import find_table
from orgunits import errors
from orgunits.import_tree import UnitLookups, parents_first
from orgunits.models import OrgUnit, UnitKind
from orgunits.unit_import import (
    CODE_TAKEN,
    COLUMNS,
    CYCLE,
    DUPLICATE_ROW,
    OWN_PARENT,
    PARENT_INVALID,
    PARENT_NEEDED,
    REQUIRED_VALUE,
    UNKNOWN_KIND,
    UNKNOWN_PARENT,
    check_table,
)
from tests.base import kind
from tests.small_tree import add, seed_kinds

CODE, NAME, KIND, PARENT = "代码", "名称", "类型", "上级代码"
OPENED, CLOSED, ORG_FORM, ELIGIBILITY = "成立日期", "撤销日期", "妇女组织形式", "纳入组建率统计"
HEADER = [CODE, NAME, KIND, PARENT]
KIND_NAMES = "全国、省、市、县、乡镇、街道、开发区等、村、社区、机关、事业单位、企业、社会组织"
Y2000 = datetime.date(2000, 1, 1)


def plan(*rows, header=HEADER, scope=None):
    return check_table(find_table([list(header), *[list(row) for row in rows]], COLUMNS), scope=scope)


def outcome(result) -> dict[int, tuple[str, dict]]:
    """Row number -> (kind, errors)."""
    return {row.number: (row.kind, dict(row.errors)) for row in result.rows}


def by_number(result, number: int):
    return next(row for row in result.rows if row.number == number)


class PlanningTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_kinds()
        cls.nation = add(None, "100000", "全国", "nation")
        cls.hunan = add(cls.nation, "43", "湖南省", "province")
        cls.loudi = add(cls.hunan, "4313", "娄底市", "city")
        cls.shuangfeng = add(cls.loudi, "431321", "双峰县", "county", opened_on=Y2000)
        cls.heye = add(cls.shuangfeng, "431321101", "荷叶镇", "township", opened_on=Y2000)
        cls.village1 = add(cls.heye, "431321101201", "一村", "village", opened_on=Y2000)
        cls.jingzi = add(cls.shuangfeng, "431321102", "井字镇", "township", opened_on=Y2000)
        add(cls.jingzi, "431321102201", "二村", "village", opened_on=datetime.date(1990, 1, 1))
        cls.lianyuan = add(cls.loudi, "431382", "涟源市", "county")
        cls.jia = add(cls.lianyuan, "431382101", "甲镇", "township")
        for unit in ("shuangfeng", "heye", "jingzi", "lianyuan", "loudi"):
            getattr(cls, unit).refresh_from_db()

    def county_scope(self, *, edit=True) -> Scope:
        paths = (self.shuangfeng.path,)
        return Scope(unrestricted=False, user_id=1, view_paths=paths, edit_paths=paths if edit else ())

    # New rows --------------------------------------------------------------------------------------

    def test_new_rows_in_any_order_with_their_depths(self):
        result = plan(
            ["431321103201", "新村", "村", "431321103"],  # before its parent row
            ["431321103", "新镇", "乡镇", "431321"],
            ["431321103202", "又一村", "village", "431321103"],  # a kind by its code
            ["431321103203", "三新村", "Village", "431321103"],  # in any case
        )
        assert outcome(result) == {2: ("new", {}), 3: ("new", {}), 4: ("new", {}), 5: ("new", {})}
        assert [(row.final_parent, row.final_depth) for row in result.rows] == [
            ("431321103", 6),
            ("431321", 5),
            ("431321103", 6),
            ("431321103", 6),
        ]
        assert [row.planned.kind.code for row in result.rows] == ["village", "township", "village", "village"]
        assert [row.planned.code for row in result.rows] == [row.code for row in result.rows]
        assert [row.planned.name for row in result.rows] == ["新村", "新镇", "又一村", "三新村"]
        assert result.valid
        assert (result.count("new"), result.count("update"), result.count("skip")) == (4, 0, 0)
        assert result.unknown_headers == []

    def test_unknown_headers_are_kept(self):
        result = plan(["431321103", "新镇", "乡镇", "431321", "x"], header=[*HEADER, "备注"])
        assert result.unknown_headers == ["备注"]

    def test_a_new_unit_needs_a_parent_unless_it_is_the_nation(self):
        result = plan(["431321103", "新镇", "乡镇", ""], ["100001", "另一个全国", "全国", ""])
        assert outcome(result) == {2: ("invalid", {PARENT: [PARENT_NEEDED]}), 3: ("new", {})}
        assert by_number(result, 3).final_depth == 1

    def test_a_new_unit_of_an_unknown_kind_without_a_parent_is_refused_for_its_kind_only(self):
        assert outcome(plan(["431321103", "新镇", "乡", ""])) == {
            2: ("invalid", {KIND: [UNKNOWN_KIND.format(choices=KIND_NAMES)]})
        }

    def test_a_kind_named_in_capitals_is_found_by_its_name(self):
        ngo = UnitKind.objects.create(code="ngo_branch", name="NGO分会", org_form="women_org")
        ngo.allowed_parents.set([kind("township")])
        result = plan(["N1", "某分会", "NGO分会", "431321101"], ["N2", "另一分会", "ngo_branch", "431321101"])
        assert outcome(result) == {2: ("new", {}), 3: ("new", {})}
        assert [row.planned.kind for row in result.rows] == [ngo, ngo]

    def test_the_number_of_queries_does_not_grow_with_the_rows(self):
        for number in range(2, 7):
            add(self.heye, f"43132110121{number}", f"旧{number}村", "village")

        def rows(count: int) -> list[list[str]]:
            existing = [[f"43132110121{n}", f"改{n}村", "村", ""] for n in range(2, 2 + count)]
            new = [[f"43132110122{n}", f"新{n}村", "村", "431321101"] for n in range(count)]
            return existing + new

        with CaptureQueriesContext(connection) as few:
            small = plan(*rows(1))
        with CaptureQueriesContext(connection) as many:
            large = plan(*rows(5))
        assert {row.kind for row in small.rows + large.rows} == {"new", "update"}
        assert len(many) == len(few)

    def test_a_new_code_is_checked(self):
        assert outcome(plan(["43132110", "错码", "乡镇", "431321"])) == {
            2: ("invalid", {CODE: [errors.CODE_ADMIN_LENGTH.format(code="43132110", length=8)]})
        }

    def test_blank_and_duplicate_codes(self):
        result = plan(
            ["", "无码", "村", "431321101"],
            ["431321101210", "甲", "村", "431321101"],
            ["431321101210", "乙", "村", "431321101"],
            ["", "又无码", "村", "431321101"],
            ["431321101211", "丙", "村", "431321101"],
            ["431321101211", "丁", "村", "431321101"],
        )
        assert outcome(result) == {
            2: ("invalid", {CODE: [REQUIRED_VALUE]}),
            3: ("new", {}),
            4: ("invalid", {CODE: [DUPLICATE_ROW.format(first=3)]}),
            5: ("invalid", {CODE: [REQUIRED_VALUE]}),
            6: ("new", {}),
            7: ("invalid", {CODE: [DUPLICATE_ROW.format(first=6)]}),
        }
        assert by_number(result, 3).planned.name == "甲"  # the first of the duplicates is the one planned

    def test_a_duplicate_of_an_existing_unit(self):
        result = plan(["431321101201", "一村", "村", "431321101"], ["431321101201", "一村", "村", "431321101"])
        assert outcome(result) == {2: ("skip", {}), 3: ("invalid", {CODE: [DUPLICATE_ROW.format(first=2)]})}

    # Parents ---------------------------------------------------------------------------------------

    def test_own_parent(self):
        result = plan(["431321103", "新镇", "乡镇", "431321103"])
        row = by_number(result, 2)
        assert row.kind == "invalid"
        assert row.errors[PARENT][0] == OWN_PARENT
        assert row.errors[PARENT][1:] == [CYCLE.format(chain="431321103 → 431321103", rows="2")]

    def test_unknown_parent(self):
        assert outcome(plan(["431321103", "新镇", "乡镇", "999"])) == {
            2: ("invalid", {PARENT: [UNKNOWN_PARENT.format(code="999")]})
        }

    def test_a_parent_given_as_a_row_that_is_refused(self):
        result = plan(
            ["431321103201", "新村", "村", "431321103"],
            ["431321103", "新镇", "乡", "431321"],
            ["431321103202", "二新村", "村", "431321103201"],
        )
        assert outcome(result) == {
            2: ("invalid", {PARENT: [PARENT_INVALID.format(code="431321103", row=3)]}),
            3: ("invalid", {KIND: [UNKNOWN_KIND.format(choices=KIND_NAMES)]}),
            4: ("invalid", {PARENT: [PARENT_INVALID.format(code="431321103201", row=2)]}),
        }

    def test_a_cycle_among_rows(self):
        result = plan(
            ["431321101", "荷叶镇", "乡镇", "431321102"],
            ["431321102", "井字镇", "乡镇", "431321101"],
            ["431321101299", "新村", "村", "431321101"],  # hangs off the loop
        )
        message = CYCLE.format(chain="431321101 → 431321102 → 431321101", rows="2、3")
        assert outcome(result) == {
            2: ("invalid", {PARENT: [message]}),
            3: ("invalid", {PARENT: [message]}),
            4: ("invalid", {PARENT: [PARENT_INVALID.format(code="431321101", row=2)]}),
        }

    def test_a_cycle_through_the_tree(self):
        # 双峰县 under its own township: the township is not in the file, its parent comes from the tree.
        result = plan(["431321", "双峰县", "县", "431321101"])
        message = CYCLE.format(chain="431321 → 431321101 → 431321", rows="2")
        assert outcome(result) == {2: ("invalid", {PARENT: [message]})}

    def test_a_cycle_listed_by_row_number(self):
        result = plan(
            ["431321102", "井字镇", "乡镇", "431321101"],
            ["431321101201", "一村", "村", "431321102"],
            ["431321101", "荷叶镇", "乡镇", "431321101201"],
        )
        message = CYCLE.format(chain="431321102 → 431321101 → 431321101201 → 431321102", rows="2、3、4")
        assert outcome(result) == {n: ("invalid", {PARENT: [message]}) for n in (2, 3, 4)}

    def test_a_long_chain_without_a_cycle(self):
        rows = [["431321103", "新镇", "乡镇", "431321"]]
        rows += [[f"C{i}", f"社{i}", "社区", "431321103" if i == 1 else f"C{i - 1}"] for i in range(1, 4)]
        result = plan(*reversed(rows))
        # Communities may not sit under communities: the rules refuse them, but no cycle is found.
        assert [row.final_depth for row in result.rows] == [8, 7, 6, 5]
        assert all(CYCLE[:8] not in str(row.errors) for row in result.rows)

    # Existing rows: updates, skips and moves -------------------------------------------------------

    def test_an_unchanged_row_is_skipped(self):
        result = plan(["431321101201", "一村", "村", "431321101"], ["431321101", "荷叶镇", "乡镇", ""])
        assert outcome(result) == {2: ("skip", {}), 3: ("skip", {})}
        assert [(row.final_parent, row.final_depth, row.changes) for row in result.rows] == [
            ("431321101", 6, {}),
            ("431321", 5, {}),  # no parent given: the one in the tree
        ]
        assert [row.existing for row in result.rows] == [self.village1, self.heye]

    def test_changes_are_recorded_before_and_after(self):
        header = [*HEADER, OPENED, CLOSED, ORG_FORM, ELIGIBILITY]
        result = plan(
            ["431321101201", "新一村", "社区", "431321101", "2001-02-03", "", "妇代会", "是"],
            ["431321101", "荷叶镇", "乡镇", "431321", "", "", "", "否"],
            ["431321102", "井字镇", "乡镇", "431321", "2000-01-01", "", "", ""],
            header=header,
        )
        assert outcome(result) == {2: ("update", {}), 3: ("update", {}), 4: ("skip", {})}
        assert by_number(result, 2).changes == {
            NAME: ("一村", "新一村"),
            KIND: ("村", "社区"),
            OPENED: ("2000-01-01", "2001-02-03"),
            ORG_FORM: ("", "妇代会"),
            ELIGIBILITY: ("按类型默认", "纳入统计"),
        }
        assert by_number(result, 3).changes == {OPENED: ("2000-01-01", ""), ELIGIBILITY: ("按类型默认", "不纳入统计")}
        planned = by_number(result, 2).planned
        assert (planned.pk, planned.path, planned.name, planned.kind.code) == (
            self.village1.pk,
            self.village1.path,
            "新一村",
            "community",
        )
        assert (planned.opened_on, planned.org_form, planned.eligibility) == (
            datetime.date(2001, 2, 3),
            "congress",
            "included",
        )
        assert by_number(result, 3).planned.opened_on is None
        assert not by_number(result, 2).moves

    def test_an_organisation_form_removed(self):
        OrgUnit.objects.filter(pk=self.village1.pk).update(org_form="congress", eligibility="excluded")
        result = plan(["431321101201", "一村", "村", "", "", ""], header=[*HEADER, ORG_FORM, ELIGIBILITY])
        assert by_number(result, 2).changes == {ORG_FORM: ("妇代会", ""), ELIGIBILITY: ("不纳入统计", "按类型默认")}

    def test_columns_left_out_are_kept_as_they_are(self):
        OrgUnit.objects.filter(pk=self.village1.pk).update(org_form="congress", closed_on=datetime.date(2030, 1, 1))
        result = plan(["431321101201", "改名村", "村"], header=[CODE, NAME, KIND])
        row = by_number(result, 2)
        assert (row.kind, row.changes, row.errors) == ("update", {NAME: ("一村", "改名村")}, {})
        assert row.final_parent == "431321101"
        assert (row.planned.org_form, row.planned.closed_on, row.planned.kind.code) == (
            "congress",
            datetime.date(2030, 1, 1),
            "village",
        )

    def test_an_unknown_kind_keeps_the_existing_one(self):
        result = plan(["431321101201", "一村", "乡", "431321101"])
        row = by_number(result, 2)
        assert row.errors == {KIND: [UNKNOWN_KIND.format(choices=KIND_NAMES)]}
        assert row.planned.kind.code == "village"
        assert row.changes == {}

    def test_a_move(self):
        result = plan(["431321101201", "一村", "村", "431321102"])
        row = by_number(result, 2)
        assert (row.kind, dict(row.errors)) == ("update", {})
        assert row.changes == {PARENT: ("431321101", "431321102")}
        assert row.moves
        assert (row.final_parent, row.final_depth) == ("431321102", 6)

    def test_moves_get_their_depth_in_the_tree_as_it_will_be(self):
        result = plan(
            ["431321101", "荷叶镇", "县", "4313"],  # up a level, and a county now
            ["431321101201", "一村", "村", "431321102"],
            ["431321102", "井字镇", "乡镇", "431321101"],  # under 荷叶镇, which moves up
        )
        assert outcome(result) == {2: ("update", {}), 3: ("update", {}), 4: ("update", {})}
        assert [(row.final_parent, row.final_depth) for row in result.rows] == [
            ("4313", 4),
            ("431321102", 6),
            ("431321101", 5),
        ]

    def test_the_nation_row_keeps_no_parent(self):
        result = plan(["100000", "全国", "全国", ""])
        assert outcome(result) == {2: ("skip", {})}
        assert (by_number(result, 2).final_parent, by_number(result, 2).final_depth) == ("", 1)

    # The services' rules ---------------------------------------------------------------------------

    def test_rules_between_a_row_and_its_parent_row(self):
        header = [*HEADER, OPENED]
        result = plan(
            ["431321103201", "新村", "村", "431321103", "2019-12-31"],
            ["431321103", "新镇", "乡镇", "431321", "2020-01-01"],
            ["431321103202", "同日村", "村", "431321103", "2020-01-01"],
            header=header,
        )
        opened = datetime.date(2019, 12, 31)
        message = errors.OPENED_BEFORE_PARENT.format(
            opened_on=opened, parent="新镇", parent_opened_on=datetime.date(2020, 1, 1)
        )
        assert outcome(result) == {2: ("invalid", {OPENED: [message]}), 3: ("new", {}), 4: ("new", {})}

    def test_rules_between_a_row_and_its_parent_in_the_tree(self):
        header = [*HEADER, OPENED]
        result = plan(["431321101299", "新村", "村", "431321101", "1999-12-31"], header=header)
        message = errors.OPENED_BEFORE_PARENT.format(
            opened_on=datetime.date(1999, 12, 31), parent="荷叶镇", parent_opened_on=Y2000
        )
        assert outcome(result) == {2: ("invalid", {OPENED: [message]})}

    def test_a_kind_that_may_not_sit_under_the_parent(self):
        result = plan(["431321103", "新镇", "乡镇", "4313"], ["431321199", "某村", "村", "431321"])
        assert outcome(result) == {
            2: ("invalid", {KIND: [errors.KIND_NOT_ALLOWED_UNDER.format(kind="乡镇", parent_kind="市", allowed="县")]}),
            3: (
                "invalid",
                {
                    KIND: [
                        errors.KIND_NOT_ALLOWED_UNDER.format(
                            kind="村", parent_kind="县", allowed="乡镇、街道、开发区等"
                        )
                    ]
                },
            ),
        }

    def test_a_kind_that_needs_a_parent_made_a_root(self):
        # An existing county given a blank parent keeps its parent; the nation row has none to keep.
        result = plan(["100000", "全国", "省", ""])
        assert outcome(result) == {
            2: (
                "invalid",
                {
                    PARENT: [errors.KIND_NEEDS_PARENT.format(kind="省", allowed="全国")],
                    KIND: [errors.KIND_CHANGE_ORPHANS_CHILDREN.format(kind="省", child="湖南省", child_kind="省")],
                },
            )
        }

    def test_date_rules_of_the_row_itself(self):
        header = [*HEADER, OPENED, CLOSED]
        result = plan(["431321101299", "新村", "村", "431321101", "2020-01-02", "2020-01-01"], header=header)
        assert outcome(result) == {2: ("invalid", {CLOSED: [errors.DATES_CLOSED_BEFORE_OPENED]})}

    def test_a_kind_change_that_orphans_the_children(self):
        result = plan(["431321101", "荷叶镇", "机关", "431321"])
        message = errors.KIND_CHANGE_ORPHANS_CHILDREN.format(kind="机关", child="一村", child_kind="村")
        assert outcome(result) == {2: ("invalid", {KIND: [message]})}

    def test_children_in_the_same_file_are_checked_as_they_will_be(self):
        # 一村 leaves 荷叶镇 in the same file, so 荷叶镇 may become an agency, which no village may sit under.
        result = plan(["431321101", "荷叶镇", "机关", "431321"], ["431321101201", "一村", "村", "431321102"])
        assert outcome(result) == {2: ("update", {}), 3: ("update", {})}

    def test_a_rename_does_not_check_the_children(self):
        # 二村 opened before 井字镇: a broken rule already in the data, which a rename leaves alone.
        result = plan(["431321102", "井字镇新", "乡镇", "431321"])
        assert outcome(result) == {2: ("update", {})}
        header = [*HEADER, OPENED]
        result = plan(["431321102", "井字镇", "乡镇", "431321", "2000-01-02"], header=header)
        message = errors.CHILD_OPENED_BEFORE.format(
            child="二村", child_opened_on=datetime.date(1990, 1, 1), opened_on=datetime.date(2000, 1, 2)
        )
        assert outcome(result) == {2: ("invalid", {OPENED: [message]})}

    def test_a_parent_row_checked_before_its_children(self):
        # The parent's refusal is known when the child row is checked, whatever the row order.
        header = [*HEADER, OPENED, CLOSED]
        result = plan(
            ["431321103201", "新村", "村", "431321103", "", ""],
            ["431321103", "新镇", "乡镇", "431321", "2020-01-02", "2020-01-01"],
            header=header,
        )
        assert outcome(result) == {
            2: ("invalid", {PARENT: [PARENT_INVALID.format(code="431321103", row=3)]}),
            3: ("invalid", {CLOSED: [errors.DATES_CLOSED_BEFORE_OPENED]}),
        }

    def test_parents_first_orders_by_depth_in_the_file_then_row(self):
        result = plan(
            ["C3", "社3", "社区", "C2"],
            ["C1", "社1", "社区", "431321101"],
            ["C2", "社2", "社区", "C1"],
            ["C0", "社0", "社区", "431321101"],
        )
        by_code = {row.code: row for row in result.rows}
        assert [row.code for row in parents_first(by_code)] == ["C1", "C0", "C2", "C3"]

    def test_parents_first_orders_by_the_true_depth_whichever_row_comes_first(self):
        # 社K hangs under the tree, 社N under 社K; 社M under 社L, which comes later in the file.
        result = plan(
            ["C1", "社K", "社区", "431321101"],
            ["C2", "社N", "社区", "C1"],
            ["C3", "社M", "社区", "C4"],
            ["C4", "社L", "社区", "431321101"],
        )
        by_code = {row.code: row for row in result.rows}
        assert [row.code for row in parents_first(by_code)] == ["C1", "C4", "C2", "C3"]

    def test_parents_first_survives_a_loop(self):
        result = plan(["C1", "社1", "社区", "C2"], ["C2", "社2", "社区", "C1"], ["C3", "社3", "社区", "431321101"])
        by_code = {row.code: row for row in result.rows}
        # C2 sits on C1 and C1 on C2: the loop is cut where it closes, C1 coming out deepest.
        assert [row.code for row in parents_first(by_code)] == ["C2", "C3", "C1"]

    # Scope -----------------------------------------------------------------------------------------

    def test_units_outside_her_scope_do_not_exist_for_her(self):
        result = plan(
            ["431382101", "甲镇", "乡镇", "431382"],  # outside: taken, without a name
            ["431382101201", "新村", "村", "431382101"],  # under a unit she cannot see
            scope=self.county_scope(),
        )
        assert outcome(result) == {
            2: ("invalid", {CODE: [CODE_TAKEN]}),
            3: ("invalid", {PARENT: [UNKNOWN_PARENT.format(code="431382101")]}),
        }

    def test_ancestors_of_her_units_are_known_but_not_hers(self):
        result = plan(
            ["4313", "娄底市", "市", "43"],
            ["431321101201", "一村", "村", "431321101"],
            scope=self.county_scope(),
        )
        assert outcome(result) == {2: ("invalid", {CODE: [OUT_OF_SCOPE.format(unit="娄底市")]}), 3: ("skip", {})}
        result = plan(["431383", "新县", "县", "4313"], scope=self.county_scope())
        assert outcome(result) == {2: ("invalid", {PARENT: [OUT_OF_SCOPE.format(unit="娄底市")]})}

    def test_moving_out_of_her_scope(self):
        # She sees all of 娄底市 but changes only 双峰县: 甲镇 is in sight, not hers.
        scope = Scope(unrestricted=False, user_id=1, view_paths=(self.loudi.path,), edit_paths=(self.shuangfeng.path,))
        result = plan(
            ["431321101201", "一村", "村", "431382101"], ["431321101202", "新村", "村", "431382101"], scope=scope
        )
        message = OUT_OF_SCOPE.format(unit="甲镇")
        assert outcome(result) == {2: ("invalid", {PARENT: [message]}), 3: ("invalid", {PARENT: [message]})}
        result = plan(["431321101201", "改名", "村", ""], scope=scope)  # not a move: hers to change
        assert outcome(result) == {2: ("update", {})}

    def test_inside_her_scope(self):
        result = plan(
            ["431321101201", "一村", "村", "431321102"],
            ["431321103", "新镇", "乡镇", "431321"],
            ["431321101", "荷叶镇新", "乡镇", ""],
            scope=self.county_scope(),
        )
        assert outcome(result) == {2: ("update", {}), 3: ("new", {}), 4: ("update", {})}

    def test_a_viewer_changes_nothing(self):
        result = plan(
            ["431321101", "荷叶镇", "乡镇", "431321"],  # even unchanged
            ["431321103", "新镇", "乡镇", "431321"],
            scope=self.county_scope(edit=False),
        )
        assert outcome(result) == {
            2: ("invalid", {CODE: [OUT_OF_SCOPE.format(unit="荷叶镇")]}),
            3: ("invalid", {PARENT: [OUT_OF_SCOPE.format(unit="双峰县")]}),
        }

    def test_a_refused_row_is_still_checked_for_scope(self):
        result = plan(["4313", "娄底市", "乡", "43"], scope=self.county_scope())
        assert outcome(result) == {
            2: (
                "invalid",
                {KIND: [UNKNOWN_KIND.format(choices=KIND_NAMES)], CODE: [OUT_OF_SCOPE.format(unit="娄底市")]},
            )
        }

    def test_an_unrestricted_scope_sees_everything(self):
        result = plan(["431382101", "甲镇", "乡镇", "431382"], scope=Scope(unrestricted=True))
        assert outcome(result) == {2: ("skip", {})}

    # Lookups ---------------------------------------------------------------------------------------

    def test_lookups_fetch_the_named_units_and_their_ancestors(self):
        rows = plan(["431321101201", "一村", "村", "431382101"]).rows
        lookups = UnitLookups(rows)
        assert sorted(lookups.units) == [
            "100000",
            "43",
            "4313",
            "431321",
            "431321101",
            "431321101201",
            "431382",
            "431382101",
        ]
        assert lookups.hidden_codes == set()
        assert lookups.db_parent_code(self.village1) == "431321101"
        assert lookups.db_parent_code(self.nation) == ""
        assert lookups.kind_by_text["village"] == lookups.kind_by_text["村"]
        assert lookups.kind_names == KIND_NAMES

    def test_lookups_hide_units_outside_the_scope(self):
        rows = plan(["431321101201", "一村", "村", "431382101"]).rows
        lookups = UnitLookups(rows, self.county_scope())
        assert sorted(lookups.units) == ["100000", "43", "4313", "431321", "431321101", "431321101201"]
        assert lookups.hidden_codes == {"431382101"}  # of the hidden, only the codes the file names
        assert lookups.code_of_path[self.loudi.path] == "4313"
