"""Concurrent writers on PostgreSQL: real threads, real connections, real commits."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import TransactionTestCase

from orgunits.integrity import find_tree_problems
from orgunits.models import OrgUnit
from orgunits.services import unit_create, unit_move
from tests.base import ensure_kinds, kind, load_demo_divisions, unit

THREADS = 8
INSERTS_PER_THREAD = 5


@pytest.mark.postgres
class ConcurrentWritersTests(TransactionTestCase):
    def setUp(self):
        ensure_kinds()
        load_demo_divisions()

    def run_threads(self, work) -> list[BaseException]:
        barrier = threading.Barrier(THREADS)
        failures: list[BaseException] = []

        def runner(index):
            try:
                barrier.wait()
                work(index)
            except BaseException as exc:  # collected and asserted on by the test
                failures.append(exc)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=runner, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return failures

    def test_many_clients_adding_children_to_one_parent_all_succeed(self):
        township = unit("431321101")
        before = township.numchild
        village = kind("village")

        def add(index):
            for n in range(INSERTS_PER_THREAD):
                unit_create(parent=township, code=f"T{index}-{n}", name=f"并发村{index}-{n}", kind=village)

        assert self.run_threads(add) == []
        township.refresh_from_db()
        assert township.numchild == before + THREADS * INSERTS_PER_THREAD
        assert OrgUnit.objects.children_of(township).count() == township.numchild
        assert not find_tree_problems()

    def test_adds_and_moves_at_the_same_time_leave_a_sound_tree(self):
        heye, yongfeng, xianghe = unit("431321101"), unit("431321001"), unit("131024")
        villages = list(OrgUnit.objects.children_of(heye)[:THREADS])
        village_kind, agency_kind = kind("village"), kind("agency")

        def work(index):
            if index % 2:
                unit_move(unit=villages[index], new_parent=yongfeng)
                unit_create(parent=xianghe, code=f"M{index}", name=f"并发机关{index}", kind=agency_kind)
            else:
                for n in range(INSERTS_PER_THREAD):
                    unit_create(parent=heye, code=f"A{index}-{n}", name=f"并发村{index}-{n}", kind=village_kind)

        assert self.run_threads(work) == []
        assert not find_tree_problems()
