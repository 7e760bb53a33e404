"""The unit tree's rules at their edges, with literal expected values.

- Dates: the same day is allowed and the day before (or after) is refused, for every date rule.
- GB 11643 identity numbers: the standard's own examples, and the same numbers wrong only in the check
  character; no expected value comes from rosters.identity.
- A cycle in an import that runs through units already in the tree, not only through the file.
- A staff user with no assignment sees nothing: through Scope and through the admin changelists.
- The move lock (PostgreSQL): unit_move waits for a transaction that holds its new parent.

scripts/check_six_mutants.py makes sure that the one-line changes of issue #14 fail here.
"""

import threading
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import SimpleTestCase, TransactionTestCase
from django.urls import reverse

from access.models import Assignment
from access.scope import Scope
from imports.spreadsheets import ROW_ERROR, find_table
from orgunits import errors
from orgunits.integrity import find_tree_problems
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import date_errors, unit_close, unit_create, unit_move
from orgunits.unit_import import COLUMNS, CYCLE, check_table, write
from rosters import errors as roster_errors
from rosters.identity import id_birth_date, id_sex, validate_id_number
from rosters.models import Appointment, Person, Post, Term
from rosters.selectors import people_for
from rosters.services import appointment_create, person_create, term_open
from stats.models import DataValue
from stats.services import datavalues_save
from tests.base import TreeTestCase, day, ensure_kinds, kind, load_demo_divisions, make_user, unit

# Dates -------------------------------------------------------------------------------------------


def refusal(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        unit_create(**kwargs)
    return exc.value.message_dict


class DateEdgeTests(TreeTestCase):
    """Under 双峰县 (no dates of its own): 界镇, opened 2020-01-01, holds the villages made here."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.town = unit_create(
            parent=cls.shuangfeng, code="431321190", name="界镇", kind=kind("township"), opened_on=day("2020-01-01")
        )

    def village(self, code: str, **dates):
        return dict(parent=self.town, code=f"431321190{code}", name=f"界村{code}", kind=kind("village"), **dates)

    def test_a_child_may_open_on_its_parents_opening_day_not_the_day_before(self):
        unit_create(**self.village("201", opened_on=day("2020-01-01")))
        assert refusal(**self.village("202", opened_on=day("2019-12-31"))) == {
            "opened_on": ["成立日期2019-12-31早于上级单位“界镇”的成立日期2020-01-01。"]
        }

    def test_a_unit_may_close_on_its_opening_day_not_the_day_before(self):
        unit_create(**self.village("201", opened_on=day("2021-05-01"), closed_on=day("2021-05-01")))
        assert refusal(**self.village("202", opened_on=day("2021-05-01"), closed_on=day("2021-04-30"))) == {
            "closed_on": [errors.DATES_CLOSED_BEFORE_OPENED]
        }

    def test_an_organisation_may_be_set_up_on_the_units_opening_day_not_the_day_before(self):
        unit_create(**self.village("201", opened_on=day("2021-05-01"), org_established_on=day("2021-05-01")))
        assert refusal(**self.village("202", opened_on=day("2021-05-01"), org_established_on=day("2021-04-30"))) == {
            "org_established_on": [errors.DATES_ORG_BEFORE_UNIT]
        }

    def test_an_organisation_may_be_dissolved_on_its_first_day_not_the_day_before(self):
        unit_create(**self.village("201", org_established_on=day("2022-03-08"), org_dissolved_on=day("2022-03-08")))
        assert refusal(
            **self.village("202", org_established_on=day("2022-03-08"), org_dissolved_on=day("2022-03-07"))
        ) == {"org_dissolved_on": [errors.DATES_ORG_DISSOLVED_BEFORE_ESTABLISHED]}

    def test_an_organisation_may_end_on_its_units_closing_day_not_the_day_after(self):
        dates = {"closed_on": day("2023-06-30"), "org_established_on": day("2022-03-08")}
        unit_create(**self.village("201", **dates, org_dissolved_on=day("2023-06-30")))
        assert refusal(**self.village("202", **dates, org_dissolved_on=day("2023-07-01"))) == {
            "org_dissolved_on": [errors.DATES_ORG_OUTLIVES_UNIT]
        }

    def test_the_database_draws_the_same_lines(self):
        """Past the service: the CheckConstraints take the same day and refuse the day before (or after)."""
        opened, established, closed = day("2021-05-01"), day("2022-03-08"), day("2023-06-30")
        cases = {
            "closed the day it opened": ({"opened_on": opened, "closed_on": opened}, True),
            "closed the day before": ({"opened_on": opened, "closed_on": day("2021-04-30")}, False),
            "set up the day it opened": ({"opened_on": opened, "org_established_on": opened}, True),
            "set up the day before": ({"opened_on": opened, "org_established_on": day("2021-04-30")}, False),
            "dissolved the day it was set up": (
                {"org_established_on": established, "org_dissolved_on": established},
                True,
            ),
            "dissolved the day before": (
                {"org_established_on": established, "org_dissolved_on": day("2022-03-07")},
                False,
            ),
            "dissolved the day it closed": (
                {"closed_on": closed, "org_established_on": established, "org_dissolved_on": closed},
                True,
            ),
            "dissolved the day after": (
                {"closed_on": closed, "org_established_on": established, "org_dissolved_on": day("2023-07-01")},
                False,
            ),
        }
        stored = {}
        for number, (case, (dates, _allowed)) in enumerate(cases.items(), start=301):
            village = OrgUnit(code=f"431321190{number}", name="库", kind=kind("village"), **dates)
            try:
                with transaction.atomic():
                    OrgUnit.objects.add_child(self.town, instance=village)
                    transaction.set_rollback(True)
                stored[case] = True
            except IntegrityError:
                stored[case] = False
        assert stored == {case: allowed for case, (_dates, allowed) in cases.items()}

    def test_a_child_of_a_closed_parent_may_close_with_it_not_a_day_later(self):
        old = unit_create(
            parent=self.shuangfeng,
            code="431321191",
            name="旧镇",
            kind=kind("township"),
            closed_on=day("2020-12-31"),
        )
        unit_create(parent=old, code="431321191201", name="旧村", kind=kind("village"), closed_on=day("2020-12-31"))
        message = errors.OPEN_AFTER_PARENT_CLOSED.format(parent="旧镇", parent_closed_on="2020-12-31")
        expected = {"closed_on": [message]}
        assert expected == {"closed_on": ["上级单位“旧镇”已于2020-12-31撤销，本单位不能在此之后仍存续。"]}
        late = refusal(parent=old, code="431321191202", name="晚村", kind=kind("village"), closed_on=day("2021-01-01"))
        assert late == expected
        assert refusal(parent=old, code="431321191203", name="存村", kind=kind("village")) == expected

    def test_closing_on_the_opening_day_works_the_day_before_does_not(self):
        village = unit_create(**self.village("201", opened_on=day("2021-05-01")))
        with pytest.raises(ValidationError) as exc:
            unit_close(unit=village, closed_on=day("2021-04-30"))
        assert exc.value.message_dict == {"closed_on": ["撤销日期2021-04-30早于成立日期2021-05-01。"]}
        assert unit_close(unit=village, closed_on=day("2021-05-01")) == 1

    def test_closing_on_the_day_a_child_opened_works_the_day_before_does_not(self):
        unit_create(**self.village("201", opened_on=day("2022-02-01")))
        with pytest.raises(ValidationError) as exc:
            unit_close(unit=self.town, closed_on=day("2022-01-31"))
        assert exc.value.message_dict == {
            "closed_on": ["下级单位“界村201”的成立日期2022-02-01晚于撤销日期2022-01-31，不能撤销。"]
        }
        assert unit_close(unit=self.town, closed_on=day("2022-02-01")) == 2

    def test_closing_on_the_day_an_organisation_was_set_up_works_the_day_before_does_not(self):
        unit_create(**self.village("201", org_established_on=day("2022-03-08")))
        with pytest.raises(ValidationError) as exc:
            unit_close(unit=self.town, closed_on=day("2022-03-07"))
        assert exc.value.message_dict == {
            "closed_on": ["单位“界村201”的妇女组织成立于2022-03-08，晚于撤销日期2022-03-07。"]
        }
        assert unit_close(unit=self.town, closed_on=day("2022-03-08")) == 2
        closed = unit("431321190201")
        assert (closed.closed_on, closed.org_dissolved_on) == (day("2022-03-08"), day("2022-03-08"))

    def test_a_closed_unit_can_be_closed_earlier_but_not_on_or_after_its_day(self):
        village = unit_create(**self.village("201", closed_on=day("2023-06-30")))
        for later in ("2023-06-30", "2023-07-01"):
            with pytest.raises(ValidationError) as exc:
                unit_close(unit=village, closed_on=day(later))
            assert exc.value.message_dict == {"closed_on": ["“界村201”已于2023-06-30撤销。"]}
        assert unit_close(unit=village, closed_on=day("2023-06-29")) == 1

    def test_open_from_the_opening_day_and_until_the_day_before_closing(self):
        village = unit_create(**self.village("201", opened_on=day("2021-05-01"), closed_on=day("2023-06-30")))
        expected = {"2021-04-30": False, "2021-05-01": True, "2023-06-29": True, "2023-06-30": False}
        assert {on: village.is_open_on(day(on)) for on in expected} == expected
        open_ones = {on: OrgUnit.objects.open_on(day(on)).filter(pk=village.pk).exists() for on in expected}
        assert open_ones == expected

    def test_an_organisation_stands_from_its_first_day_until_the_day_before_its_dissolution(self):
        village = unit_create(
            **self.village("201", org_established_on=day("2022-03-08"), org_dissolved_on=day("2024-05-01"))
        )
        expected = {"2022-03-07": False, "2022-03-08": True, "2024-04-30": True, "2024-05-01": False}
        standing = {on: OrgUnit.objects.org_established_on(day(on)).filter(pk=village.pk).exists() for on in expected}
        assert standing == expected

    def test_python_and_database_rules_agree_on_the_edges(self):
        """date_errors is the Python copy of the constraints: the same-day cases pass it too."""
        same_day = OrgUnit(
            code="X",
            name="同日",
            kind=kind("village"),
            opened_on=day("2021-05-01"),
            closed_on=day("2021-05-01"),
            org_established_on=day("2021-05-01"),
            org_dissolved_on=day("2021-05-01"),
        )
        assert date_errors(same_day) == {}


class AppointmentDateEdgeTests(TreeTestCase):
    """An officer of 界镇, whose 妇联 was set up on 2020-03-08 and dissolved on 2024-05-01."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.town = unit_create(
            parent=cls.shuangfeng,
            code="431321190",
            name="界镇",
            kind=kind("township"),
            opened_on=day("2020-01-01"),
            org_established_on=day("2020-03-08"),
            org_dissolved_on=day("2024-05-01"),
        )
        cls.person = person_create(name="边界", sex="F", birth_date=day("1980-01-01"))

    def appoint(self, start: str, end: str | None = None):
        return appointment_create(
            person=self.person,
            unit=self.town,
            post=Post.objects.get(name="执委"),
            start_on=day(start),
            end_on=day(end) if end else None,
        )

    def refused(self, start: str, end: str | None = None) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as exc:
            self.appoint(start, end)
        return exc.value.message_dict

    def test_from_the_day_the_organisation_was_set_up_not_the_day_before(self):
        assert self.refused("2020-03-07", "2020-12-31") == {
            "start_on": ["“界镇”在2020-03-07没有已建立的妇女组织，不能任职。"]
        }
        assert self.appoint("2020-03-08", "2020-12-31").warnings == []

    def test_no_start_on_the_dissolution_day_the_day_before_is_the_last(self):
        assert self.refused("2024-05-01", "2024-05-01") == {
            "start_on": ["“界镇”在2024-05-01没有已建立的妇女组织，不能任职。"]
        }
        assert self.appoint("2024-04-30", "2024-04-30").warnings == []

    def test_an_appointment_must_end_by_the_dissolution_day(self):
        assert self.refused("2021-01-01", "2024-05-02") == {
            "end_on": ["“界镇”的妇女组织已于2024-05-01撤销，任职必须在此之前结束。"]
        }
        assert self.refused("2021-01-01") == {"end_on": ["“界镇”的妇女组织已于2024-05-01撤销，任职必须在此之前结束。"]}
        self.appoint("2021-01-01", "2024-05-01")

    def test_an_appointment_may_end_on_its_first_day_not_the_day_before(self):
        assert self.refused("2021-01-01", "2020-12-31") == {
            "end_on": ["任职结束日期2020-12-31早于开始日期2021-01-01。"]
        }
        self.appoint("2021-01-01", "2021-01-01")

    def test_active_from_its_first_day_through_its_last(self):
        appointment = self.appoint("2021-01-01", "2021-12-31").appointment
        expected = {"2020-12-31": False, "2021-01-01": True, "2021-12-31": True, "2022-01-01": False}
        active = {on: Appointment.objects.active_on(day(on)).filter(pk=appointment.pk).exists() for on in expected}
        assert active == expected

    def test_the_next_appointment_may_start_the_day_after_the_last_one_ended_not_on_it(self):
        self.appoint("2021-01-01", "2021-12-31")
        assert self.refused("2021-12-31", "2022-06-30") == {
            "start_on": ["“边界”在“界镇”任“执委”已有2021-01-01至2021-12-31的任职，与本次任职时间重叠。"]
        }
        self.appoint("2022-01-01", "2022-06-30")


# Identity numbers (GB 11643-1999) ------------------------------------------------------------------

# The standard's own examples.
STANDARD_EXAMPLES = {
    # number: (birth date, sex)
    "11010519491231002X": ("1949-12-31", "F"),
    "440524188001010014": ("1880-01-01", "M"),
}
CHECK_CHARACTERS = "0123456789X"


def check_refusal(number: str) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    (message,) = exc.value.messages
    return message


class IdentityNumberTests(SimpleTestCase):
    def test_the_standards_examples_are_valid(self):
        for number, (born, sex) in STANDARD_EXAMPLES.items():
            validate_id_number(number)
            assert (id_birth_date(number), id_sex(number)) == (day(born), sex)

    def test_every_other_check_character_is_refused_and_the_right_one_named(self):
        for number in STANDARD_EXAMPLES:
            right = number[17]
            for wrong in CHECK_CHARACTERS.replace(right, ""):
                bad = number[:17] + wrong
                assert check_refusal(bad) == f"身份证号“{bad}”校验位错误：应为“{right}”，实为“{wrong}”。"

    def test_numbers_whose_check_character_depends_on_the_last_weight_being_2(self):
        """Σ(digit × weight) mod 11, by hand. 11010519491231002X: 167 mod 11 = 2 → X; with a last weight of
        1 it would be 165 mod 11 = 0 → 1. 440524188001010014: 195 mod 11 = 8 → 4; else 194 → 7 → 5."""
        assert check_refusal("110105194912310021") == "身份证号“110105194912310021”校验位错误：应为“X”，实为“1”。"
        assert check_refusal("440524188001010015") == "身份证号“440524188001010015”校验位错误：应为“4”，实为“5”。"

    def test_the_same_digits_with_a_zero_seventeenth_digit(self):
        """Where the 17th digit is 0 its weight does not matter: 110105194912310000 sums to 163,
        163 mod 11 = 9 → check character 3."""
        validate_id_number("110105194912310003")
        assert check_refusal("110105194912310001") == "身份证号“110105194912310001”校验位错误：应为“3”，实为“1”。"

    def test_shape_and_date(self):
        shape = "身份证号“{}”格式不对：应为18位，前17位是数字，最后一位是数字或X。"
        for number in ("11010519491231002", "11010519491231002XX", "11010519491231002x", "1101051949123100AX"):
            assert check_refusal(number) == shape.format(number)
        # 1949-02-29 does not exist; the check character is right (Σ = 190, 190 mod 11 = 3 → 9).
        assert check_refusal("110105194902290029") == "身份证号“110105194902290029”中的出生日期不存在。"


class IdentityNumberPersonTests(TreeTestCase):
    def test_the_standards_example_registers_with_its_birth_date_and_sex(self):
        person = person_create(name="标准", sex="F", birth_date=day("1949-12-31"), id_number="11010519491231002x")
        assert Person.objects.get(pk=person.pk).id_number == "11010519491231002X"

    def test_wrong_only_in_the_check_character_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            person_create(name="标准", sex="F", birth_date=day("1949-12-31"), id_number="110105194912310021")
        assert exc.value.message_dict == {
            "id_number": [roster_errors.ID_CHECK.format(value="110105194912310021", expected="X", actual="1")]
        }


# A cycle through units already in the tree ------------------------------------------------------

HEADER = ["代码", "名称", "类型", "上级代码"]


class ImportCycleThroughTreeTests(TreeTestCase):
    """In the tree: 双峰县 > B1 > B2 > B3, of a kind 分会 that may sit under a county or a 分会. A file that
    puts B1 under B3 (or under a new unit under B3) closes a loop the file alone does not show."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        branch = UnitKind.objects.create(code="branch", name="分会", org_form="women_org")
        branch.allowed_parents.set([kind("county"), branch])
        cls.b1 = unit_create(parent=cls.shuangfeng, code="B1", name="一分会", kind=branch)
        cls.b2 = unit_create(parent=cls.b1, code="B2", name="二分会", kind=branch)
        cls.b3 = unit_create(parent=cls.b2, code="B3", name="三分会", kind=branch)

    def plan(self, *rows):
        return check_table(find_table([HEADER, *rows], COLUMNS))

    def tree(self):
        return list(OrgUnit.objects.subtree(self.shuangfeng).values_list("code", "path", "numchild"))

    def test_a_unit_under_its_own_grandchild(self):
        before = self.tree()
        plan = self.plan(["B1", "一分会", "分会", "B3"])
        cycle = "上级关系形成循环：B1 → B3 → B2 → B1（涉及第2行）。"
        assert CYCLE.format(chain="B1 → B3 → B2 → B1", rows="2") == cycle
        assert plan.messages() == [ROW_ERROR.format(row=2, column="上级代码", value="B3", message=cycle)]
        assert not plan.valid
        assert self.tree() == before

    def test_a_unit_under_its_own_child(self):
        plan = self.plan(["B2", "二分会", "分会", "B3"])
        cycle = "上级关系形成循环：B2 → B3 → B2（涉及第2行）。"
        assert plan.messages() == [ROW_ERROR.format(row=2, column="上级代码", value="B3", message=cycle)]

    def test_a_loop_through_a_new_row_and_the_tree(self):
        plan = self.plan(["B1", "一分会", "分会", "NEW"], ["NEW", "新分会", "分会", "B3"])
        cycle = "上级关系形成循环：B1 → NEW → B3 → B2 → B1（涉及第2、3行）。"
        assert plan.messages() == [
            ROW_ERROR.format(row=2, column="上级代码", value="NEW", message=cycle),
            ROW_ERROR.format(row=3, column="上级代码", value="B3", message=cycle),
        ]
        assert not OrgUnit.objects.filter(code="NEW").exists()

    def test_the_same_rows_without_the_loop_are_written(self):
        """Just beside the edge: B3 leaves for the county in the same file, so B1 can go under it."""
        plan = self.plan(["B1", "一分会", "分会", "B3"], ["B3", "三分会", "分会", "431321"])
        assert plan.valid, plan.messages()
        write(plan)
        assert [unit(code).parent().code for code in ("B3", "B1", "B2")] == ["431321", "B3", "B1"]
        assert not find_tree_problems()


# A staff user with no assignment sees nothing ----------------------------------------------------


class NoAssignmentTests(TreeTestCase):
    """A staff user who may view every model but has no assignment: every scoped list is empty."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.unassigned = make_user("unassigned")
        cls.unassigned.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=day("2016-03-08"))
        person = person_create(name="荷叶的人", sex="F", birth_date=day("1980-01-01"))
        appointment_create(person=person, unit=cls.heye, post=Post.objects.get(name="主席"), start_on=day("2021-01-01"))
        term_open(unit=cls.heye, elected_on=day("2021-01-01"))
        datavalues_save(unit=cls.heye, period="2023", values={"cadres": (10, 3)})

    def test_her_scope_holds_nothing(self):
        scope = Scope.for_user(self.unassigned)
        assert (scope.unrestricted, scope.view_paths, scope.edit_paths, scope.manage_paths) == (False, (), (), ())
        assert OrgUnit.objects.count() > 800  # the demo divisions are there
        assert list(scope.units()) == []
        assert list(scope.units(editable=True)) == []
        assert list(scope.units(managed=True)) == []
        assert list(scope.filter(Appointment.objects.all(), "unit__")) == []
        assert list(scope.filter(Term.objects.all(), "unit__")) == []
        assert list(scope.filter(DataValue.objects.all(), "unit__")) == []
        assert list(people_for(scope)) == []
        assert [scope.can_view(u) for u in (self.nation, self.shuangfeng, self.heye)] == [False, False, False]
        assert scope.home() is None

    def test_every_scoped_changelist_is_empty(self):
        self.client.force_login(self.unassigned)
        # Every list the others would see rows in: units, officers, terms, people, figures, assignments.
        lists = {
            "orgunits_orgunit": OrgUnit,
            "rosters_appointment": Appointment,
            "rosters_term": Term,
            "rosters_person": Person,
            "stats_datavalue": DataValue,
            "access_assignment": Assignment,
        }
        shown = {}
        for name, model in lists.items():
            assert model.objects.exists(), name  # rows exist for the others
            response = self.client.get(reverse(f"admin:{name}_changelist"))
            shown[name] = (response.status_code, len(response.context["cl"].result_list))
        assert shown == dict.fromkeys(lists, (200, 0))

    def test_search_and_drill_down_find_nothing_either(self):
        self.client.force_login(self.unassigned)
        changelist = reverse("admin:orgunits_orgunit_changelist")
        found = {}
        for query in ("?q=荷叶", "?q=431321", f"?parent={self.shuangfeng.pk}"):
            response = self.client.get(changelist + query)
            found[query] = (response.status_code, len(response.context["cl"].result_list))
        assert found == dict.fromkeys(found, (200, 0))
        assert self.client.get(reverse("admin:orgunits_orgunit_change", args=[self.heye.pk])).status_code == 404


# The move lock (PostgreSQL) ---------------------------------------------------------------------

WAIT_SECONDS = 30


@pytest.mark.postgres
class MoveLockTests(TransactionTestCase):
    """unit_move locks the new parent before it reads where the unit will go.

    Not a race left to chance: a first transaction adds a village under 永丰街道 and stays open; a
    move of a village of 荷叶镇 under 永丰街道 starts, and only once it is seen waiting for a lock is
    the first transaction committed. With the lock the move waited before reading the children and
    lands after the new village; without it, it read the children without the new one, picked the
    same path and fails on the unique path when the first transaction commits.
    """

    def setUp(self):
        ensure_kinds()
        load_demo_divisions()

    def waiting_for_a_lock(self, pid: int) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
            return cursor.fetchone()[0] > 0

    def test_a_move_waits_for_an_insert_under_its_new_parent(self):
        heye, yongfeng = unit("431321101"), unit("431321001")
        village = OrgUnit.objects.children_of(heye).first()
        inserted, release, started = threading.Event(), threading.Event(), threading.Event()
        mover_pid: list[int] = []
        failures: dict[str, BaseException] = {}

        def insert():
            try:
                with transaction.atomic():
                    unit_create(parent=yongfeng, code="431321001299", name="并发新村", kind=kind("village"))
                    inserted.set()
                    release.wait(WAIT_SECONDS)
            except BaseException as exc:  # asserted on below
                failures["insert"] = exc
            finally:
                inserted.set()
                connection.close()

        def move():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    mover_pid.append(cursor.fetchone()[0])
                started.set()
                unit_move(unit=village, new_parent=yongfeng)
            except BaseException as exc:  # asserted on below
                failures["move"] = exc
            finally:
                started.set()
                connection.close()

        inserter = threading.Thread(target=insert)
        mover = threading.Thread(target=move)
        try:
            inserter.start()
            assert inserted.wait(WAIT_SECONDS)
            mover.start()
            assert started.wait(WAIT_SECONDS)
            deadline = time.monotonic() + WAIT_SECONDS
            while mover.is_alive() and not self.waiting_for_a_lock(mover_pid[0]):
                assert time.monotonic() < deadline, "the move neither finished nor waited for a lock"
                time.sleep(0.02)
        finally:
            release.set()
            inserter.join(WAIT_SECONDS)
            mover.join(WAIT_SECONDS)
        assert not inserter.is_alive() and not mover.is_alive()
        assert failures == {}
        children = list(OrgUnit.objects.children_of(yongfeng).values_list("code", flat=True))
        assert children[-2:] == ["431321001299", village.code]
        assert OrgUnit.objects.get(pk=village.pk).parent() == yongfeng
        assert not find_tree_problems()
