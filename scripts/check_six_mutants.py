#!/usr/bin/env python3
"""Break each of the six rules of issue #14, one line at a time, and check that the tests notice.

For each change: copy the working tree's files (tracked ones, and new ones git does not ignore) to a
temporary directory, replace the one line (the text must be found exactly once, or the script stops),
and run the tests that should fail, with the project's .venv, on SQLite and, when DATABASE_URL is set,
on PostgreSQL. First the same tests run on an unchanged copy and must pass there.

    .venv/bin/python scripts/check_six_mutants.py                  # SQLite
    DATABASE_URL=postgres://… .venv/bin/python scripts/check_six_mutants.py   # SQLite and PostgreSQL
    … --only move_lock --database postgres --keep

Prints a table (change, database, killed/SURVIVED, the tests that failed, time) and exits 1 when a
change survives where it should fail, or when a run cannot be judged. The move lock is not checked on
SQLite: SQLite takes no row locks (select_for_update does nothing there), so removing it changes nothing.
"""

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
TEST_SECRET = "test-only-secret-key-not-for-production"
ORGUNITS = "tests/orgunits/test_boundaries.py"
REPORTS = "tests/reports/test_boundaries.py"


@dataclass(frozen=True)
class Mutant:
    name: str
    rule: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    on_sqlite: bool = True


MUTANTS = [
    Mutant(
        name="eligibility",
        rule="eligibility ≥ 6 women: __gte → __gt",
        path="stats/coverage.py",
        old='When(**{f"{alias}__gte": rule.minimum}, then=1)',
        new='When(**{f"{alias}__gt": rule.minimum}, then=1)',
        tests=(f"{REPORTS}::EligibilityAtSixTests",),
    ),
    Mutant(
        name="no_assignment",
        rule="no assignment: none() → queryset",
        path="access/scope.py",
        old="        if not paths:\n            return queryset.none()\n",
        new="        if not paths:\n            return queryset\n",
        tests=(f"{ORGUNITS}::NoAssignmentTests",),
    ),
    Mutant(
        name="established_only",
        rule="coverage: every unit established",
        path="stats/coverage.py",
        old='established=Sum(F("is_eligible") * F("is_established"))',
        new='established=Sum("is_eligible")',
        tests=(f"{REPORTS}::EstablishedOnlyTests",),
    ),
    Mutant(
        name="id_weights",
        rule="GB 11643: last weight 2 → 1",
        path="rosters/identity.py",
        old="ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)",
        new="ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 1)",
        tests=(f"{ORGUNITS}::IdentityNumberTests", f"{ORGUNITS}::IdentityNumberPersonTests"),
    ),
    Mutant(
        name="import_cycle",
        rule="import cycle: tree parents ignored",
        path="orgunits/unit_import.py",
        old='        return lookups.db_parent_code(unit) if unit else ""\n',
        new='        return ""\n',
        tests=(f"{ORGUNITS}::ImportCycleThroughTreeTests",),
    ),
    Mutant(
        name="move_lock",
        rule="move lock: no select_for_update()",
        path="orgunits/services.py",
        old='    list(locked.select_for_update().order_by("pk").values_list("pk", flat=True))\n',
        new='    list(locked.order_by("pk").values_list("pk", flat=True))\n',
        tests=(f"{ORGUNITS}::MoveLockTests",),
        on_sqlite=False,
    ),
]
SQLITE_SKIP = "SQLite takes no row locks: select_for_update() does nothing there"


@dataclass
class Outcome:
    change: str
    database: str
    verdict: str  # killed | SURVIVED | skipped | passed | FAILED | ERROR
    failed: list[str]
    ran: int
    seconds: float
    note: str = ""


def working_tree_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return sorted({name for name in listed.split("\0") if name and (REPO / name).is_file()})


def copy_tree(files: list[str], target: Path) -> None:
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, destination)


def apply(mutant: Mutant, root: Path) -> str:
    """Make the change in the copy; return it as a one-line diff. Stops the script if it cannot."""
    path = root / mutant.path
    text = path.read_text(encoding="utf-8")
    found = text.count(mutant.old)
    if found != 1:
        sys.exit(f"{mutant.name}: the text to replace is found {found} times in {mutant.path}, not once:\n{mutant.old}")
    changed = text.replace(mutant.old, mutant.new)
    before, after = text.splitlines(), changed.splitlines()
    differing = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
    if len(before) != len(after) or len(differing) != 1:
        sys.exit(f"{mutant.name}: the change in {mutant.path} is not one line")
    path.write_text(changed, encoding="utf-8")
    diff = difflib.unified_diff(before, after, mutant.path, mutant.path, n=0, lineterm="")
    return "\n".join(list(diff)[2:])


def run_tests(root: Path, tests: tuple[str, ...], database_url: str | None) -> tuple[int, list[str], int, float, str]:
    """(pytest's exit code, the failed tests, how many ran, seconds, the output's tail)."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTEST_ADDOPTS", "CI_NO_SKIPS")}
    env.setdefault("SECRET_KEY", TEST_SECRET)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    report = root / "junit.xml"
    report.unlink(missing_ok=True)
    started = time.monotonic()
    child = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *tests],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    failed, ran = [], 0
    if report.exists():
        for case in ET.parse(report).iter("testcase"):
            if case.find("skipped") is not None:
                continue
            ran += 1
            if case.find("failure") is not None or case.find("error") is not None:
                failed.append(f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}")
    tail = "\n".join((child.stdout + child.stderr).strip().splitlines()[-25:])
    return child.returncode, failed, ran, seconds, tail


def judge(mutant: Mutant | None, code: int, failed: list[str], ran: int) -> tuple[str, str]:
    if mutant is None:  # the unchanged copy
        if code == 0 and ran:
            return "passed", ""
        return "FAILED", "the unchanged code must pass these tests"
    if code == 1 and failed:
        return "killed", ""
    if code == 0:
        return "SURVIVED", "every test passed"
    return "ERROR", f"pytest exited {code}"


def print_table(outcomes: list[Outcome]) -> None:
    rows = [("change", "database", "result", "tests failed", "time")]
    for outcome in outcomes:
        failed = f"{len(outcome.failed)} of {outcome.ran}" if outcome.ran else outcome.note or "—"
        rows.append((outcome.change, outcome.database, outcome.verdict, failed, f"{outcome.seconds:.0f}s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=[m.name for m in MUTANTS], help="one change (repeatable)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args()
    if not PYTHON.exists():
        sys.exit(f"{PYTHON} is missing: run `make install` first")

    mutants = [m for m in MUTANTS if not args.only or m.name in args.only]
    databases: list[tuple[str, str | None]] = []
    if args.database in ("sqlite", "both"):
        databases.append(("sqlite", None))
    if args.database in ("postgres", "both"):
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            databases.append(("postgres", url))
        elif args.database == "postgres":
            sys.exit("--database postgres needs DATABASE_URL pointing to PostgreSQL")
        else:
            print("PostgreSQL: not checked (DATABASE_URL is not set)\n")

    files = working_tree_files()
    workspace = Path(tempfile.mkdtemp(prefix="six-mutants-"))
    outcomes: list[Outcome] = []
    try:
        copies = {}
        for mutant in [None, *mutants]:
            name = mutant.name if mutant else "unchanged"
            root = workspace / name
            copy_tree(files, root)
            if mutant:
                print(f"{mutant.name}: {mutant.rule}\n{apply(mutant, root)}\n")
            copies[name] = root
        for database, url in databases:
            baseline_tests = tuple(
                dict.fromkeys(t for m in mutants if database != "sqlite" or m.on_sqlite for t in m.tests)
            )
            if not baseline_tests:
                continue
            code, failed, ran, seconds, tail = run_tests(copies["unchanged"], baseline_tests, url)
            verdict, note = judge(None, code, failed, ran)
            outcomes.append(Outcome("(unchanged code)", database, verdict, failed, ran, seconds, note))
            if verdict != "passed":
                print(f"The unchanged code fails on {database}:\n{tail}\n")
                continue
            for mutant in mutants:
                if database == "sqlite" and not mutant.on_sqlite:
                    outcomes.append(Outcome(mutant.rule, database, "skipped", [], 0, 0, SQLITE_SKIP))
                    continue
                code, failed, ran, seconds, tail = run_tests(copies[mutant.name], mutant.tests, url)
                verdict, note = judge(mutant, code, failed, ran)
                outcomes.append(Outcome(mutant.rule, database, verdict, failed, ran, seconds, note))
                if verdict not in ("killed",):
                    print(f"{mutant.name} on {database}: {verdict}\n{tail}\n")
    finally:
        if args.keep:
            print(f"copies kept in {workspace}")
        else:
            shutil.rmtree(workspace, ignore_errors=True)

    print_table(outcomes)
    print()
    for outcome in outcomes:
        if outcome.failed:
            print(f"failed: {outcome.change} ({outcome.database})")
            for name in outcome.failed:
                print(f"    {name}")
    bad = [o for o in outcomes if o.verdict not in ("killed", "skipped", "passed")]
    checked = sum(1 for o in outcomes if o.verdict == "killed")
    summary = f"{checked} killed, {len(bad)} not"
    if bad:
        summary += ": " + "; ".join(f"{o.change} on {o.database} ({o.verdict})" for o in bad)
    print(f"\n{summary}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
