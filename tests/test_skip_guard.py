"""tests/skip_guard.py: with CI_NO_SKIPS=1 a skip fails the run, except a `postgres` test on SQLite.

Each test runs pytest in a subprocess on a small test file, with the guard loaded as .ci/run loads it,
and this suite's own hook for the `postgres` marker (tests/conftest.py).
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.skip_guard import POSTGRES_SKIP

ROOT = Path(__file__).resolve().parent.parent
CONFTEST = """
from tests.conftest import pytest_collection_modifyitems  # noqa: F401


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL")
"""
# Never connected to: the tests below touch no database, the URL only makes the run "on PostgreSQL".
POSTGRES_URL = "postgres://nobody@127.0.0.1:1/none"


def run_pytest(folder: Path, source: str, *, guard: bool = True, database_url: str | None = None):
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_sample.py").write_text(textwrap.dedent(source))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key"),
        "PYTEST_ADDOPTS": "",
    }
    env.pop("CI_NO_SKIPS", None)
    env.pop("DATABASE_URL", None)
    if guard:
        env["CI_NO_SKIPS"] = "1"
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "pytest", "-p", "tests.skip_guard", "-p", "no:cacheprovider", "-ra"]
    return subprocess.run(
        [*command, "--rootdir", str(folder), "test_sample.py"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skip_fails_the_run_and_says_why(tmp_path):
    result = run_pytest(
        tmp_path,
        """
        import unittest

        import pytest


        def test_skipped_in_the_body():
            pytest.skip("Redis not reachable")


        @pytest.mark.skipif(True, reason="no Chinese font")
        def test_skipped_by_a_marker():
            pass


        class Legacy(unittest.TestCase):
            def test_skipped_the_unittest_way(self):
                self.skipTest("no LibreOffice")


        def test_that_runs():
            pass
        """,
    )
    assert result.returncode == 1, result.stdout
    for reason in ("Redis not reachable", "no Chinese font", "no LibreOffice"):
        assert f"CI_NO_SKIPS=1 but this test skipped: {reason}" in result.stdout
    assert "2 failed, 1 passed, 1 error" in result.stdout


def test_without_ci_no_skips_a_skip_is_only_a_skip(tmp_path):
    result = run_pytest(
        tmp_path, "import pytest\n\ndef test_skipped():\n    pytest.skip('Redis not reachable')\n", guard=False
    )
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout and "CI_NO_SKIPS" not in result.stdout


def test_a_module_that_skips_fails_the_run(tmp_path):
    result = run_pytest(tmp_path, "import pytest\n\npytest.importorskip('no_such_module')\n\ndef test_a():\n    pass\n")
    assert result.returncode != 0, result.stdout
    assert "CI_NO_SKIPS=1 but this module skipped: could not import 'no_such_module'" in result.stdout


POSTGRES_TEST = """
import pytest


@pytest.mark.postgres
def test_on_postgresql():
    pytest.skip({reason!r})
"""


def test_a_postgres_test_may_skip_on_sqlite_for_that_reason_only(tmp_path):
    result = run_pytest(tmp_path, POSTGRES_TEST.format(reason="PostgreSQL is busy"))
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout and POSTGRES_SKIP in result.stdout  # skipped by tests/conftest.py


def test_a_postgres_test_never_skips_on_postgresql(tmp_path):
    result = run_pytest(tmp_path, POSTGRES_TEST.format(reason=POSTGRES_SKIP), database_url=POSTGRES_URL)
    assert result.returncode == 1, result.stdout
    assert f"CI_NO_SKIPS=1 but this test skipped: {POSTGRES_SKIP}" in result.stdout
