"""What only PostgreSQL gives, each tested directly, so that losing it fails a test:

- `appointment_no_overlap` (migration 0006), a GiST exclusion constraint: one person cannot hold one
  post in one unit twice over the same days, whoever writes the rows;
- `orgunit_name_trgm` (migration 0003), a trigram GIN index that the admin's name search
  (LIKE '%…%') uses, and the `varchar_pattern_ops` index Django adds on the unique path, used by
  LIKE 'path%' subtree filters;
- the ANALYZE that orgunits/loader.py runs after a load of ANALYZE_AFTER_ROWS units or more;
- the unique code, and the duplicate-code error the services make of it when two writers race;
- JIT switched off for the app's connections (registry/settings.py): compiling took much of a
  province's worklist time.
"""

import datetime
import threading
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

import pytest
from django.contrib.admin import site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import RequestFactory, TestCase, TransactionTestCase

from orgunits import errors, loader, services
from orgunits.integrity import find_tree_problems
from orgunits.models import OrgUnit
from orgunits.services import unit_create
from rosters import errors as roster_errors
from rosters import services as roster_services
from rosters.models import Appointment, Person, Post
from tests.base import TreeTestCase, day, ensure_kinds, kind, load_demo_divisions, unit
from tests.conftest import FIXTURES

pytestmark = pytest.mark.postgres


def sql(query: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def appointment(person, unit, post, start: str, end: str | None = None) -> Appointment:
    return Appointment(person=person, unit=unit, post=post, start_on=day(start), end_on=end and day(end))


class OverlapConstraintTests(TreeTestCase):
    """The rows are written past the services, as a bug, a script or a concurrent writer would."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.li = Person.objects.create(name="李秀英", birth_date=day("1985-03-12"))
        cls.wang = Person.objects.create(name="王桂兰", birth_date=day("1962-07-01"))
        cls.chair, cls.member = Post.objects.get(name="主席"), Post.objects.get(name="执委")

    def refused(self, *appointments: Appointment) -> str:
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            Appointment.objects.bulk_create(appointments)
        return str(caught.value)

    def test_overlapping_days_are_refused_by_the_exclusion_constraint(self):
        Appointment.objects.create(
            person=self.li, unit=self.heye, post=self.chair, start_on=day("2021-01-01"), end_on=day("2023-12-31")
        )
        for start, end in [
            ("2023-06-01", None),  # open-ended, starting inside
            ("2020-01-01", "2021-01-01"),  # ending on the first day: both ends of the range count
            ("2023-12-31", "2024-06-30"),  # starting on the last day
            ("2022-01-01", "2022-02-01"),  # inside
            ("2019-01-01", None),  # around
        ]:
            with self.subTest(start=start, end=end):
                message = self.refused(appointment(self.li, self.heye, self.chair, start, end))
                assert "appointment_no_overlap" in message
        assert Appointment.objects.count() == 1

    def test_two_overlapping_rows_in_one_insert_are_refused(self):
        message = self.refused(
            appointment(self.li, self.heye, self.chair, "2021-01-01"),
            appointment(self.li, self.heye, self.chair, "2024-01-01"),  # the first is still open
        )
        assert "appointment_no_overlap" in message
        assert not Appointment.objects.exists()

    def test_the_next_day_another_post_unit_or_person_is_accepted(self):
        Appointment.objects.bulk_create(
            [
                appointment(self.li, self.heye, self.chair, "2021-01-01", "2023-12-31"),
                appointment(self.li, self.heye, self.chair, "2024-01-01"),  # the day after the end
                appointment(self.li, self.heye, self.member, "2021-01-01"),
                appointment(self.li, self.yongfeng, self.chair, "2021-01-01"),
                appointment(self.wang, self.heye, self.chair, "2021-01-01"),
            ]
        )
        assert Appointment.objects.count() == 5


# A division directory of more than ANALYZE_AFTER_ROWS units: 1 province, 1 city, 2 counties, 40
# townships, and 255 communities and villages under each township: 10,245 with the national root.
COUNTIES, TOWNSHIPS, VILLAGES = 2, 20, 255
SYLLABLES = "青树坪石板桥荷叶井字杏子铺梓门甘棠花门走马街洪山殿三塘铺锁石沙塘印塘"
RARE_NAME = "月牙湖社区居委会"


def village_name(n: int) -> str:
    size = len(SYLLABLES)
    return f"{SYLLABLES[n % size]}{SYLLABLES[n // size % size]}{SYLLABLES[n // size // size % size]}村委会"


def write_divisions(directory: Path) -> int:
    """The five files; returns how many divisions they hold."""
    areas, streets, villages = [], [], []
    for c in range(1, COUNTIES + 1):
        area = f"4313{c:02d}"
        areas.append(f'{area},"第{c}县",4313,43')
        for t in range(101, 101 + TOWNSHIPS):
            street = f"{area}{t:03d}"
            streets.append(f'{street},"第{c}县{t}镇",{area},43,4313')
            for v in range(1, VILLAGES + 1):
                # 001–199 are communities, 200–399 villages.
                name = RARE_NAME if (c, t, v) == (2, 110, 7) else village_name(len(villages))
                villages.append(f'{street}{v:03d},"{name}",{street},43,4313,{area}')
    files = {
        "provinces.csv": ["code,name", '43,"湖南省"'],
        "cities.csv": ["code,name,provinceCode", '4313,"娄底市",43'],
        "areas.csv": ["code,name,cityCode,provinceCode", *areas],
        "streets.csv": ["code,name,areaCode,provinceCode,cityCode", *streets],
        "villages.csv": ["code,name,streetCode,provinceCode,cityCode,areaCode", *villages],
    }
    for name, lines in files.items():
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(lines) - 1 for lines in files.values())


def last_analyze():
    """When orgunits_orgunit was last ANALYZEd by hand (not by autovacuum); fresh, not the snapshot."""
    sql("SELECT pg_stat_clear_snapshot()")
    return sql("SELECT pg_stat_get_last_analyze_time('orgunits_orgunit'::regclass)")[0][0]


def reltuples() -> float:
    return sql("SELECT reltuples FROM pg_class WHERE oid = 'orgunits_orgunit'::regclass")[0][0]


class LargeLoadTests(TestCase):
    """One load of more than ANALYZE_AFTER_ROWS units, then what the planner makes of the table."""

    @classmethod
    def setUpTestData(cls):
        with TemporaryDirectory() as folder:
            cls.rows = write_divisions(Path(folder))
            assert cls.rows + 1 >= loader.ANALYZE_AFTER_ROWS
            cls.analyzed_before = last_analyze()
            cls.result = loader.load_divisions(loader.read_divisions(Path(folder)))
            cls.analyzed_after, cls.reltuples_after = last_analyze(), reltuples()

    def test_a_large_load_analyzes_the_table(self):
        assert self.result.created == self.rows + 1 == OrgUnit.objects.count()
        assert self.analyzed_after is not None
        assert self.analyzed_before is None or self.analyzed_after > self.analyzed_before
        # ANALYZE counted the rows of the load's own, still open, transaction.
        assert self.reltuples_after == OrgUnit.objects.count()

    def test_the_name_index_is_a_trigram_gin_index(self):
        [(definition,)] = sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'orgunit_name_trgm'")
        assert "USING gin (name gin_trgm_ops)" in definition

    def search(self, term: str):
        admin = site._registry[OrgUnit]
        request = RequestFactory().get("/", {"q": term})
        queryset, _duplicates = admin.get_search_results(request, OrgUnit.objects.order_by(), term)
        return queryset

    def test_the_admin_name_search_uses_the_trigram_index(self):
        results = self.search("月牙湖")
        assert [u.name for u in results] == [RARE_NAME]
        assert "LIKE %月牙湖%" in str(results.query)  # LIKE, not ILIKE: the index serves both
        # Right after the load: the loader merged the new names into the index (its pending list).
        assert "Bitmap Index Scan on orgunit_name_trgm" in results.explain()

    def test_subtree_filters_on_the_path_use_its_indexes(self):
        township = OrgUnit.objects.get(code="431302110")
        [(like_index,)] = sql(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'orgunits_orgunit' AND indexdef LIKE %s",
            "%(path varchar_pattern_ops)",
        )
        # LIKE 'path%', as treebeard's objects.get_descendants() and the unit import write it.
        descendants = OrgUnit.objects.get_descendants(township, include_self=True).order_by()
        assert "LIKE 0001" in str(descendants.query)
        assert descendants.count() == VILLAGES + 1
        assert like_index in descendants.explain()
        # A range, as OrgUnit.objects.subtree() writes it, uses the unique index.
        [(unique_index,)] = sql(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'orgunits_orgunit' AND indexdef LIKE %s",
            "CREATE UNIQUE INDEX % (path)",
        )
        assert unique_index in OrgUnit.objects.subtree(township).order_by().explain()


class AnalyzeThresholdTests(TestCase):
    SMALL = FIXTURES / "divisions" / "small"
    SMALL_UNITS = 13  # with the national root

    def load(self):
        before = last_analyze()
        result = loader.load_divisions(loader.read_divisions(self.SMALL))
        assert result.created == self.SMALL_UNITS
        return before, last_analyze()

    def test_a_load_under_the_threshold_does_not_analyze(self):
        before, after = self.load()
        assert after == before

    def test_a_load_of_exactly_the_threshold_analyzes(self):
        with mock.patch.object(loader, "ANALYZE_AFTER_ROWS", self.SMALL_UNITS):
            before, after = self.load()
        assert after is not None and (before is None or after > before)
        assert reltuples() == self.SMALL_UNITS

    def test_one_row_short_of_the_threshold_does_not(self):
        with mock.patch.object(loader, "ANALYZE_AFTER_ROWS", self.SMALL_UNITS + 1):
            before, after = self.load()
        assert after == before


class RaceTests(TransactionTestCase):
    """Two writers, real connections and commits, both past the checks before either writes.

    The services check for a duplicate before writing, so only a race gets past that check; a second
    barrier, after the check, makes the race happen every time.
    """

    def setUp(self):
        ensure_kinds()
        load_demo_divisions()

    def race(self, target, check_name: str, work) -> tuple[list, list[BaseException]]:
        start, checked = threading.Barrier(2), threading.Barrier(2)
        check = getattr(target, check_name)
        results, failures = [], []

        def check_then_wait(*args, **kwargs):
            found = check(*args, **kwargs)
            checked.wait(timeout=30)
            return found

        def runner(index):
            try:
                start.wait(timeout=30)
                results.append(work(index))
            except BaseException as exc:  # asserted on by the test
                failures.append(exc)
            finally:
                close_old_connections()
                connection.close()

        with mock.patch.object(target, check_name, check_then_wait):
            threads = [threading.Thread(target=runner, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        return results, failures

    def assert_one_unit_and_a_duplicate_error(self, results, failures, code):
        assert len(results) == 1 and len(failures) == 1, failures
        [winner], [failure] = results, failures
        assert isinstance(failure, ValidationError), repr(failure)
        assert failure.message_dict == {"code": [errors.CODE_DUPLICATE.format(code=code, name=winner.name)]}
        assert isinstance(failure.__cause__, IntegrityError)  # the database refused it, not the check
        assert list(OrgUnit.objects.filter(code=code)) == [winner]
        assert not find_tree_problems()

    def test_one_code_added_under_two_parents_at_once_is_written_once(self):
        parents = [unit("431321101"), unit("431321001")]
        before = [parent.numchild for parent in parents]

        def add(index):
            return unit_create(parent=parents[index], code="A-RACE", name=f"竞争机关{index}", kind=kind("agency"))

        results, failures = self.race(services, "unit_validate", add)
        self.assert_one_unit_and_a_duplicate_error(results, failures, "A-RACE")
        after = [OrgUnit.objects.get(pk=parent.pk).numchild for parent in parents]
        assert sorted(n - b for n, b in zip(after, before, strict=True)) == [0, 1]
        # add_child counts the child on the parent it is given, even when the insert then fails.
        assert [parent.numchild for parent in parents] == after

    def test_one_code_added_twice_under_one_parent_at_once_is_written_once(self):
        parent = unit("431321101")
        before = parent.numchild  # add_child counts the child on the instance it is given

        def add(index):
            return unit_create(parent=parent, code="B-RACE", name=f"竞争机关{index}", kind=kind("agency"))

        results, failures = self.race(services, "unit_validate", add)
        self.assert_one_unit_and_a_duplicate_error(results, failures, "B-RACE")
        assert OrgUnit.objects.get(pk=parent.pk).numchild == before + 1

    def test_two_overlapping_appointments_at_once_are_written_once(self):
        township = unit("431321101")
        OrgUnit.objects.filter(pk=township.pk).update(org_established_on=day("2016-03-08"))
        person = Person.objects.create(name="李秀英", birth_date=day("1985-03-12"))
        chair, _ = Post.objects.get_or_create(name="主席", defaults={"is_leadership": True, "counts_as_chair": True})
        starts = [datetime.date(2021, 1, 1), datetime.date(2022, 1, 1)]

        def appoint(index):
            return roster_services.appointment_create(person=person, unit=township, post=chair, start_on=starts[index])

        results, failures = self.race(roster_services, "appointment_errors", appoint)
        assert len(results) == 1 and len(failures) == 1, failures
        [failure] = failures
        assert isinstance(failure, ValidationError), repr(failure)
        [winner] = Appointment.objects.all()
        assert failure.message_dict == {
            "start_on": [
                roster_errors.APPOINTMENT_OVERLAP.format(
                    person="李秀英", unit=township.name, post="主席", start_on=winner.start_on, end_on="今"
                )
            ]
        }
        assert isinstance(failure.__cause__, IntegrityError)


def test_the_app_s_connections_run_without_jit(db):
    """Compiling the province worklists' queries cost as much as running them (docs/benchmarks.md, "JIT")."""
    assert sql("SHOW jit") == [("off",)]
