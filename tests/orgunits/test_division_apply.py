"""Applying a new edition of the division codes (区划调整): what is written, and that each unit keeps its row.

娄星区 in two small editions (tests/fixtures/divisions/apply-2022 and apply-2023). On 2023-06-30:
方石村 becomes 方石社区 (类型变更+改代码), 大坪村 is renamed, 甄庄村 is removed, 茶园乡 is merged into 杉山镇
(its 上坪村 recoded under 杉山镇, with the brickworks under it) and 新华社区 is new.
"""

from django.test import TestCase

from orgunits import errors
from orgunits.division_apply import MergeEffect, divisions_apply
from orgunits.division_matching import MappingEntry
from orgunits.division_plan import DivisionPlanError
from orgunits.integrity import find_tree_problems
from orgunits.loader import Division, load_divisions, read_divisions
from orgunits.models import OrgUnit, UnitChange, UnitKind, UnitPastState
from orgunits.services import unit_create
from rosters.models import Appointment, Post, Term
from rosters.services import appointment_create, person_create, term_open
from stats.models import DataElement, DataValue
from tests.base import day, kind, unit
from tests.conftest import FIXTURES

EDITIONS = FIXTURES / "divisions"
ON = day("2023-06-30")
ESTABLISHED = day("2016-03-08")
COUNTY = "431302"  # 娄星区
STREET, SHANSHAN, CHAYUAN = "431302005", "431302101", "431302200"  # 大埠桥街道, 杉山镇, 茶园乡
FANGSHI, FANGSHI_NEW = "431302005210", "431302005012"  # 方石村 → 方石社区
DAPING, ZHENZHUANG = "431302101201", "431302101202"  # 大坪村 (renamed), 甄庄村 (removed)
SHANGPING, SHANGPING_NEW = "431302200201", "431302101230"  # 上坪村, from 茶园乡 to 杉山镇
XINHUA = "431302005013"  # 新华社区, new
BRICKWORKS = "QY-SP-01"  # 上坪砖厂, an enterprise under 上坪村


def edition(year: int) -> list[Division]:
    return read_divisions(EDITIONS / f"apply-{year}", under=COUNTY)


def apply(year=2023, on=ON, **options):
    return divisions_apply(divisions=edition(year), on=on, edition=str(year), under=unit(COUNTY), **options)


def load_2022() -> None:
    """The 2022 edition, every area unit of the county with an organisation since 2016."""
    load_divisions(read_divisions(EDITIONS / "apply-2022"))
    OrgUnit.objects.filter(code__startswith=COUNTY).update(org_established_on=ESTABLISHED)


def written() -> dict[str, int]:
    """Row counts of everything an apply writes."""
    models = (OrgUnit, UnitChange, UnitPastState, Term, Appointment)
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {f"history of {model.__name__}": model.history.count() for model in (OrgUnit, Term, Appointment)}
    return counts


def appoint(person_name: str, code: str, post: str, start: str, end: str | None = None) -> Appointment:
    person = person_create(name=person_name, sex="F", birth_date=day("1980-05-01"))
    return appointment_create(
        person=person,
        unit=unit(code),
        post=Post.objects.get(name=post),
        start_on=day(start),
        end_on=day(end) if end else None,
    ).appointment


class AppliedTests(TestCase):
    """The 2023 edition applied once, in setUpTestData; the tests read what it left."""

    @classmethod
    def setUpTestData(cls):
        load_2022()
        unit_create(parent=unit(SHANGPING), code=BRICKWORKS, name="上坪砖厂", kind=kind("enterprise"))
        cls.pks = {code: unit(code).pk for code in (FANGSHI, DAPING, ZHENZHUANG, CHAYUAN, SHANGPING, BRICKWORKS)}
        cls.paths = {code: unit(code).path for code in (FANGSHI, SHANGPING, BRICKWORKS)}
        cls.fangshi_chair = appoint("李秀英", FANGSHI, "妇女主任", "2021-01-01")
        cls.figure = DataValue.objects.create(
            unit=unit(FANGSHI), element=DataElement.objects.get(code="cadres"), period="2022", total=12, female=9
        )
        cls.zhenzhuang_term = term_open(unit=unit(ZHENZHUANG), elected_on=day("2021-01-05"))
        cls.running = appoint("王桂兰", ZHENZHUANG, "妇女主任", "2021-01-05")
        cls.ending_later = appoint("陈丽", ZHENZHUANG, "执委", "2021-01-05", "2024-01-04")
        cls.ended = appoint("赵敏", ZHENZHUANG, "执委", "2019-01-01", "2020-12-31")
        cls.chayuan_term = term_open(unit=unit(CHAYUAN), elected_on=day("2021-03-01"))
        cls.chayuan_chair = appoint("刘芳", CHAYUAN, "主席", "2021-03-01")
        cls.history_before = OrgUnit.history.count()
        cls.result = apply()

    def change(self, code: str) -> UnitChange:
        return UnitChange.objects.get(unit_id=self.pks[code])

    def test_the_summary_counts_every_kind_of_change(self):
        assert self.result.counts() == {
            "新增": 1,
            "撤销": 1,
            "并入": 1,
            "类型变更": 1,
            "更名": 1,
            "改代码": 2,
            "隶属变更": 1,
        }
        assert (self.result.closed, self.result.dissolved) == (2, 2)
        assert self.result.roster_counts == {"届次结束": 2, "任职结束": 3}

    def test_a_village_become_a_community_keeps_its_row_organisation_officers_and_figures(self):
        fangshi = OrgUnit.objects.get(pk=self.pks[FANGSHI])
        assert (fangshi.code, fangshi.name, fangshi.kind.code) == (FANGSHI_NEW, "方石社区居委会", "community")
        assert (fangshi.opened_on, fangshi.closed_on) == (None, None)
        assert (fangshi.org_established_on, fangshi.org_dissolved_on) == (ESTABLISHED, None)
        chair = Appointment.objects.get(pk=self.fangshi_chair.pk)
        assert (chair.unit_id, chair.end_on) == (fangshi.pk, None)
        assert DataValue.objects.get(pk=self.figure.pk).unit_id == fangshi.pk

    def test_a_renamed_and_a_moved_unit_keep_their_rows(self):
        assert unit(DAPING).pk == self.pks[DAPING] and unit(DAPING).name == "大坪新村村委会"
        moved = OrgUnit.objects.get(pk=self.pks[SHANGPING])
        assert (moved.code, OrgUnit.objects.parent_of(moved).get().code) == (SHANGPING_NEW, SHANSHAN)
        brickworks = unit(BRICKWORKS)  # came along under its village
        assert (brickworks.pk, OrgUnit.objects.parent_of(brickworks).get().pk) == (self.pks[BRICKWORKS], moved.pk)
        assert brickworks.path.startswith(moved.path)

    def test_the_past_state_holds_the_old_code_name_kind_and_place_until_the_date(self):
        states = {
            state.unit_id: (state.code, state.name, state.kind.code, state.path, state.valid_from, state.valid_until)
            for state in UnitPastState.objects.select_related("kind")
        }
        pks, paths = self.pks, self.paths
        assert states == {
            pks[FANGSHI]: (FANGSHI, "方石村委会", "village", paths[FANGSHI], None, ON),
            pks[DAPING]: (DAPING, "大坪村委会", "village", unit(DAPING).path, None, ON),
            pks[SHANGPING]: (SHANGPING, "上坪村委会", "village", paths[SHANGPING], None, ON),
            pks[BRICKWORKS]: (BRICKWORKS, "上坪砖厂", "enterprise", paths[BRICKWORKS], None, ON),
        }

    def test_one_dated_change_record_per_unit(self):
        def by_unit(*columns) -> dict[str, tuple]:
            return {
                record.unit.code: tuple(getattr(record, column) for column in columns)
                for record in UnitChange.objects.select_related("unit")
            }

        assert by_unit("change_type", "old_code", "new_code", "old_parent", "new_parent") == {
            FANGSHI_NEW: ("类型变更+改代码", FANGSHI, FANGSHI_NEW, STREET, STREET),
            DAPING: ("更名", DAPING, DAPING, SHANSHAN, SHANSHAN),
            SHANGPING_NEW: ("改代码+隶属变更", SHANGPING, SHANGPING_NEW, CHAYUAN, SHANSHAN),
            ZHENZHUANG: ("撤销", ZHENZHUANG, "", SHANSHAN, ""),
            CHAYUAN: ("并入", CHAYUAN, "", COUNTY, ""),
            XINHUA: ("新增", "", XINHUA, "", STREET),
        }
        assert by_unit("old_name", "new_name", "old_kind", "new_kind") == {
            FANGSHI_NEW: ("方石村委会", "方石社区居委会", "village", "community"),
            DAPING: ("大坪村委会", "大坪新村村委会", "village", "village"),
            SHANGPING_NEW: ("上坪村委会", "上坪村委会", "village", "village"),
            ZHENZHUANG: ("甄庄村委会", "", "village", ""),
            CHAYUAN: ("茶园乡", "", "township", ""),
            XINHUA: ("", "新华社区居委会", "", "community"),
        }
        assert set(UnitChange.objects.values_list("changed_on", "edition")) == {(ON, "2023")}

    def test_the_history_says_what_the_change_did(self):
        reasons = set(OrgUnit.history.filter(id=self.pks[FANGSHI]).values_list("history_change_reason", flat=True))
        assert any(
            errors.APPLY_CLOSED_REASON.format(edition="2023", change="更名、改代码或类型变更") in r for r in reasons
        )
        latest = OrgUnit.history.filter(id=self.pks[ZHENZHUANG]).latest("history_date")
        assert (latest.closed_on, latest.org_dissolved_on) == (ON, ON)
        moved = OrgUnit.history.filter(id=self.pks[SHANGPING]).latest("history_date")
        assert "隶属变更" in moved.history_change_reason and moved.code == SHANGPING_NEW
        assert OrgUnit.history.filter(code=XINHUA).exists()

    def test_a_removed_village_closes_with_its_organisation_term_and_running_appointments(self):
        gone = OrgUnit.objects.get(pk=self.pks[ZHENZHUANG])
        assert (gone.code, gone.closed_on, gone.org_established_on, gone.org_dissolved_on) == (
            ZHENZHUANG,
            ON,
            ESTABLISHED,
            ON,
        )
        assert Term.objects.get(pk=self.zhenzhuang_term.pk).closed_on == ON
        ends = dict(Appointment.objects.filter(unit=gone).values_list("pk", "end_on"))
        assert ends == {self.running.pk: ON, self.ending_later.pk: ON, self.ended.pk: day("2020-12-31")}
        assert not OrgUnit.objects.open_on(ON).filter(pk=gone.pk).exists()
        assert OrgUnit.objects.open_on(day("2023-06-29")).filter(pk=gone.pk).exists()

    def test_a_merged_township_reports_its_officers_and_names_its_successor(self):
        assert self.result.merges == [MergeEffect(CHAYUAN, "茶园乡", SHANSHAN, "杉山镇", had_org=True, officers=1)]
        chayuan = OrgUnit.objects.get(pk=self.pks[CHAYUAN])
        assert (chayuan.closed_on, chayuan.org_dissolved_on) == (ON, ON)
        assert self.change(CHAYUAN).successor == unit(SHANSHAN)
        assert Term.objects.get(pk=self.chayuan_term.pk).closed_on == ON
        assert Appointment.objects.get(pk=self.chayuan_chair.pk).end_on == ON

    def test_a_new_unit_opens_on_the_date(self):
        xinhua = unit(XINHUA)
        assert (xinhua.name, xinhua.kind.code, xinhua.opened_on, xinhua.closed_on) == (
            "新华社区居委会",
            "community",
            ON,
            None,
        )
        assert OrgUnit.objects.parent_of(xinhua).get().code == STREET
        assert UnitChange.objects.get(unit=xinhua).change_type == "新增"
        assert not OrgUnit.objects.open_on(day("2023-06-29")).filter(pk=xinhua.pk).exists()

    def test_the_tree_is_sound_afterwards(self):
        problems = find_tree_problems()
        assert (bool(problems), problems.lines()) == (False, [])
        assert problems.checked == OrgUnit.objects.count()

    def test_applying_the_same_edition_again_changes_nothing(self):
        before = written()
        again = apply()
        assert (again.counts(), again.hand_decisions, again.closed, again.merges) == ({}, [], 0, [])
        assert written() == before
        # A later date finds the same tree: still nothing to do.
        assert apply(on=day("2023-12-31")).counts() == {}
        assert written() == before

    def test_a_second_edition_the_same_day_keeps_the_state_before_the_first(self):
        renamed = [
            Division(d.code, "方石新社区居委会" if d.code == FANGSHI_NEW else d.name, d.kind, d.parent_code)
            for d in edition(2023)
        ]
        result = divisions_apply(divisions=renamed, on=ON, edition="2023修订", under=unit(COUNTY))
        assert result.counts() == {"更名": 1}
        assert unit(FANGSHI_NEW).name == "方石新社区居委会"
        (state,) = UnitPastState.objects.filter(unit_id=self.pks[FANGSHI])
        assert (state.code, state.name, state.valid_from, state.valid_until) == (FANGSHI, "方石村委会", None, ON)


class DryRunTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_2022()

    def test_a_dry_run_reports_the_changes_and_writes_nothing(self):
        before = written()
        codes = set(OrgUnit.objects.values_list("code", "name", "closed_on"))
        result = apply(dry_run=True)
        assert result.dry_run and result.counts()["改代码"] == 2
        assert (result.closed, [merge.code for merge in result.merges]) == (2, [CHAYUAN])
        assert written() == before
        assert set(OrgUnit.objects.values_list("code", "name", "closed_on")) == codes

    def test_a_later_real_apply_writes_what_the_dry_run_said(self):
        dry = apply(dry_run=True)
        assert apply().counts() == dry.counts()
        assert UnitChange.objects.count() == 6


class HandAddedTests(TestCase):
    """An agency under 茶园乡 and an enterprise under 甄庄村: both divisions go, so someone must decide."""

    @classmethod
    def setUpTestData(cls):
        load_2022()
        cls.agency = unit_create(parent=unit(CHAYUAN), code="JG-CY-01", name="茶园乡人民政府", kind=kind("agency"))
        cls.firm = unit_create(parent=unit(ZHENZHUANG), code="QY-ZZ-01", name="甄庄砖厂", kind=kind("enterprise"))

    def refused(self, mapping=()) -> list[str]:
        before = written()
        with self.assertRaises(DivisionPlanError) as refused:
            apply(mapping=mapping)
        assert written() == before
        return refused.exception.messages

    def test_apply_is_refused_until_each_is_decided(self):
        note = errors.PLAN_HAND_ADDED.format
        assert sorted(self.refused()) == [
            errors.APPLY_HAND_ADDED_UNDECIDED.format(
                name="甄庄砖厂", code="QY-ZZ-01", note=note(name="甄庄村委会", code=ZHENZHUANG)
            ),
            errors.APPLY_HAND_ADDED_UNDECIDED.format(
                name="茶园乡人民政府", code="JG-CY-01", note=note(name="茶园乡", code=CHAYUAN)
            ),
        ]
        (left,) = self.refused([MappingEntry(2, "JG-CY-01", SHANSHAN, "移至")])
        assert left.startswith("“甄庄砖厂”（QY-ZZ-01）")

    def test_moved_under_the_code_given_or_closed(self):
        result = apply(mapping=[MappingEntry(2, "JG-CY-01", SHANSHAN, "移至"), MappingEntry(3, "QY-ZZ-01", "", "撤销")])
        assert [(d.code, d.relation, d.target) for d in result.hand_decisions] == [
            ("JG-CY-01", "移至", SHANSHAN),
            ("QY-ZZ-01", "撤销", ""),
        ]
        agency, firm = unit("JG-CY-01"), unit("QY-ZZ-01")
        assert (agency.pk, agency.closed_on, OrgUnit.objects.parent_of(agency).get().code) == (
            self.agency.pk,
            None,
            SHANSHAN,
        )
        assert (firm.closed_on, result.closed) == (ON, 3)  # with 甄庄村 and 茶园乡
        records = {r.old_code: (r.change_type, r.old_parent, r.new_parent) for r in UnitChange.objects.all()}
        assert records["JG-CY-01"] == ("隶属变更", CHAYUAN, SHANSHAN)
        assert records["QY-ZZ-01"] == ("撤销", ZHENZHUANG, "")
        assert UnitPastState.objects.get(unit=agency).path == self.agency.path
        assert not find_tree_problems()

    def test_moved_under_a_unit_new_in_the_edition(self):
        apply(mapping=[MappingEntry(2, "JG-CY-01", STREET, "移至"), MappingEntry(3, "QY-ZZ-01", XINHUA, "移至")])
        assert OrgUnit.objects.parent_of(unit("QY-ZZ-01")).get().code == XINHUA
        assert unit("QY-ZZ-01").closed_on is None

    def row_error(self, row, column, value, message) -> str:
        return f"第{row}行，列“{column}”，值“{value}”：{message}"

    def test_moved_into_itself_or_to_an_unknown_code_is_refused(self):
        closing = MappingEntry(3, "QY-ZZ-01", "", "撤销")
        into_itself = [MappingEntry(2, "JG-CY-01", "JG-CY-01", "移至"), closing]
        message = errors.APPLY_MOVE_INTO_ITSELF.format(name="茶园乡人民政府")
        assert self.refused(into_itself) == [self.row_error(2, "新代码", "JG-CY-01", message)]
        # 茶园乡 is not in the new edition.
        unknown = [MappingEntry(2, "JG-CY-01", CHAYUAN, "移至"), closing]
        assert self.refused(unknown) == [self.row_error(2, "新代码", CHAYUAN, errors.APPLY_MOVE_TARGET_UNKNOWN)]
        to_closed = [MappingEntry(2, "QY-ZZ-01", "JG-CY-01", "移至"), MappingEntry(3, "JG-CY-01", "", "撤销")]
        message = errors.APPLY_MOVE_TARGET_CLOSED.format(name="茶园乡人民政府")
        assert self.refused(to_closed) == [self.row_error(2, "新代码", "JG-CY-01", message)]

    def test_moved_under_a_kind_it_may_not_sit_under_is_refused(self):
        mapping = [MappingEntry(2, "JG-CY-01", DAPING, "移至"), MappingEntry(3, "QY-ZZ-01", "", "撤销")]
        allowed = "、".join(kind("agency").allowed_parents.values_list("name", flat=True))
        message = errors.KIND_NOT_ALLOWED_UNDER.format(kind="机关", parent_kind="村", allowed=allowed)
        assert self.refused(mapping) == [self.row_error(2, "新代码", DAPING, message)]

    def test_a_unit_moved_out_from_under_a_closed_one_stays_open(self):
        # No standard kind sits under an agency; an administrator's kind may.
        office = UnitKind.objects.create(code="office", name="科室", org_form="committee")
        office.allowed_parents.set([kind("agency"), kind("township")])
        moved = unit_create(parent=self.agency, code="KS-CY-01", name="茶园乡计生办", kind=office)
        mapping = [
            MappingEntry(2, "JG-CY-01", "", "撤销"),
            MappingEntry(3, "KS-CY-01", SHANSHAN, "移至"),
            MappingEntry(4, "QY-ZZ-01", "", "撤销"),
        ]
        apply(mapping=mapping)
        assert (unit("JG-CY-01").closed_on, unit("KS-CY-01").closed_on) == (ON, None)
        assert OrgUnit.objects.parent_of(unit("KS-CY-01")).get().code == SHANSHAN
        assert UnitChange.objects.get(unit=moved).change_type == "隶属变更"
