"""CI_NO_SKIPS=1 (set by .ci/run): a skipped test fails the run instead of hiding it.

CI provides everything the suite can skip for (PostgreSQL, Redis, Chromium, a Chinese font,
LibreOffice), so only one skip is expected there: a `postgres` test on SQLite, which runs in the
PostgreSQL pass. Any other skip, a `postgres` test skipping in the PostgreSQL pass included, is
reported as a failure with its reason. A module that skips as a whole is a collection error.

A plugin, not a conftest hook, so that only CI loads it: `PYTEST_ADDOPTS="-p tests.skip_guard"`.
"""

import os

import pytest

# The reason tests/conftest.py gives the `postgres` tests on SQLite.
POSTGRES_SKIP = "needs PostgreSQL (set DATABASE_URL)"
REFUSED = "CI_NO_SKIPS=1 but this test skipped: {reason}"
REFUSED_MODULE = "CI_NO_SKIPS=1 but this module skipped: {reason}"


def guarding() -> bool:
    return os.environ.get("CI_NO_SKIPS") == "1"


def on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # (path, line, "Skipped: reason")
        return longrepr[2].removeprefix("Skipped: ")
    return str(longrepr)


def expected(item, reason: str) -> bool:
    return reason == POSTGRES_SKIP and "postgres" in item.keywords and not on_postgres()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if not (guarding() and report.skipped) or hasattr(report, "wasxfail"):
        return report
    reason = skip_reason(report)
    if expected(item, reason):
        return report
    message = REFUSED.format(reason=reason)
    failed = pytest.TestReport.from_item_and_call(
        item, pytest.CallInfo.from_call(lambda: pytest.fail(message, pytrace=False), when=report.when)
    )
    failed.sections = report.sections
    return failed


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    if not (guarding() and report.skipped):
        return report
    message = REFUSED_MODULE.format(reason=skip_reason(report))
    return pytest.CollectReport(report.nodeid, "failed", message, [], report.sections)
