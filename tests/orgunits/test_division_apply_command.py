"""apply_divisions as a clerk types it, in a process of its own against a migrated database of its own
(tests/test_commands.py's `database`: a fresh SQLite file, or a throwaway PostgreSQL database)."""

import pytest

from orgunits import errors
from orgunits.management.commands import apply_divisions, check_tree
from tests.orgunits.test_division_apply import CHAYUAN, COUNTY, EDITIONS, FANGSHI_NEW, SHANSHAN
from tests.test_commands import assert_refused, database  # noqa: F401 (the fixture)

ARGS = (EDITIONS / "apply-2023", "--on", "2023-06-30", "--edition", "2023", "--under", COUNTY)
COUNTS = "新增1个，撤销1个，并入1个，类型变更1个，更名1个，改代码2个，隶属变更1个"


def changes(database) -> int:  # noqa: F811 (the fixture)
    return database.value("SELECT count(*) FROM orgunits_unitchange")


@pytest.fixture(scope="module")
def applied(database):  # noqa: F811 (the fixture)
    loaded = database.manage("load_divisions", EDITIONS / "apply-2022")
    assert loaded.returncode == 0, loaded.stderr
    dry = database.manage("apply_divisions", *ARGS, "--dry-run")
    after_dry_run = changes(database)
    return dry, after_dry_run, database.manage("apply_divisions", *ARGS)


def report(closing: str) -> list[str]:
    summary = apply_divisions.SUMMARY.format(edition="2023", date="2023-06-30", counts=COUNTS)
    closed = apply_divisions.CLOSED_LINE.format(closed=2, dissolved=0, terms=0, appointments=0)
    merge = apply_divisions.MERGE_LINE.format(
        org="", name="茶园乡", code=CHAYUAN, successor_name="杉山镇", successor_code=SHANSHAN, officers=0
    )
    return [summary, closed, merge, closing]


def test_a_dry_run_reports_and_writes_nothing(applied):
    dry, after_dry_run, _run = applied
    assert (dry.returncode, dry.stderr) == (0, "")
    assert dry.stdout.splitlines() == report(apply_divisions.DRY_RUN)
    assert after_dry_run == 0


def test_apply_divisions_writes_the_change(database, applied):  # noqa: F811 (the fixture)
    _dry, _after, run = applied
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.splitlines() == report(apply_divisions.DONE)
    assert changes(database) == 6
    assert database.value("SELECT closed_on FROM orgunits_orgunit WHERE code = %s", CHAYUAN) is not None
    assert database.value("SELECT name FROM orgunits_orgunit WHERE code = %s", FANGSHI_NEW) == "方石社区居委会"
    sound = database.manage("check_tree")
    total = database.value("SELECT count(*) FROM orgunits_orgunit")
    assert (sound.returncode, sound.stdout) == (0, check_tree.TREE_SOUND.format(count=total) + "\n")


def test_apply_divisions_again_says_nothing_was_written(database, applied):  # noqa: F811 (the fixture)
    again = database.manage("apply_divisions", *ARGS)
    assert (again.returncode, again.stderr) == (0, "")
    summary = apply_divisions.SUMMARY.format(edition="2023", date="2023-06-30", counts="没有变化")
    assert again.stdout.splitlines() == [summary, apply_divisions.NOTHING_TO_DO]
    assert changes(database) == 6


def test_a_date_before_the_last_change_is_one_chinese_line(database, applied):  # noqa: F811 (the fixture)
    argv = (EDITIONS / "apply-2023", "--on", "2023-01-01", "--edition", "2023", "--under", COUNTY)
    problem = errors.APPLY_BEFORE_LAST.format(on="2023-01-01", last="2023-06-30")
    assert_refused(database.manage("apply_divisions", *argv), apply_divisions.APPLY_FAILED.format(errors=problem))
    assert changes(database) == 6
