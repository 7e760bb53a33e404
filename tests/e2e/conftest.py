"""Browser tests: Playwright drives Debian's Chromium against a live Django server on 127.0.0.1.

Each flow gets the real demo data (`load_demo --superuser --personas`), a fresh browser that
refuses and reports every request to another host, and console-error capture. A flow ends with
`browser.screenshot("<flow>")`, written to tests/e2e/screenshots/<flow>.png.

Playwright's sync API runs an asyncio loop in the test's thread, and Django refuses ORM calls from
a thread with a running loop. So all database work (loading the demo, looking up ids) happens in
the `demo` fixture before the browser starts, and the browser is closed before the database is
flushed. A test body talks to the app only through the browser.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from registry.management.commands.load_demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
SERVER_HOST = "127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No other host resolves, so a request that slips past the request log cannot leave the machine.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {SERVER_HOST}",
]
# .ci/run points each of its two concurrent passes at a folder of its own.
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS_DIR") or Path(__file__).parent / "screenshots")
TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 860}

COUNTY_CLERK = "shuangfeng"  # manager of 双峰县
TOWNSHIP_EDITOR = "yongfeng"  # editor of 永丰街道


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not installed at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright not installed (pip install -r requirements.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_unavailable()
    if reason is None:
        return
    if os.environ.get("E2E_REQUIRED") == "1":  # set by .ci/run, where skipping would hide the flows
        raise pytest.UsageError(f"E2E_REQUIRED=1 but the browser tests cannot run: {reason}")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, on 127.0.0.1 rather than "localhost": every request the page makes
    must go to exactly this host."""
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    # Plain HTTP, as tests/conftest.py sets per test; SecurityMiddleware reads this once, when the
    # server thread builds its handler, so it must hold while the server starts.
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(SERVER_HOST)
    yield server
    server.stop()


@dataclass(frozen=True)
class Demo:
    """The demo data as the browser sees it: the server's address and unit ids by code."""

    url: str
    unit_ids: dict[str, int]

    def unit_id(self, code: str) -> int:
        return self.unit_ids[code]


@pytest.fixture
def demo(live_server, django_db_serialized_rollback) -> Demo:
    """The demo data with its personas, committed so the server thread sees it.

    The live server needs a transactional database, which is flushed after each test; the serialized
    rollback puts back what the migrations seeded (unit kinds, data elements, rules, permissions)."""
    from django.core.management import call_command

    from orgunits.models import OrgUnit

    call_command("load_demo", "--superuser", "--personas", stdout=StringIO())
    return Demo(url=live_server.url, unit_ids=dict(OrgUnit.objects.values_list("code", "pk")))


@dataclass
class PageWatch:
    """What the page did that a flow must not: requests to other hosts (any scheme but data:, blob:
    and about:) and console errors."""

    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    expected_errors: list[re.Pattern] = field(default_factory=list)

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(p.search(e) for p in self.expected_errors)]

    def problems(self) -> list[str]:
        return [f"request to another host: {url}" for url in self.foreign_requests] + [
            f"console error: {text}" for text in self.unexpected_errors()
        ]


class Browser:
    """A logged-out Chromium tab on the live server, with the helpers the flows share."""

    def __init__(self, page, demo: Demo, watch: PageWatch):
        self.page = page
        self.demo = demo
        self.watch = watch

    def goto(self, path: str):
        """Open a path on the live server; returns the response, for its status."""
        return self.page.goto(self.demo.url + path)

    def login(self, username: str, password: str = DEMO_PASSWORD):
        from playwright.sync_api import expect

        self.goto("/admin/login/?next=/admin/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.locator("#user-tools")).to_contain_text(username)

    def choose_unit(self, field_id: str, term: str, option: str):
        """Pick a unit in an admin autocomplete (select2): type a term, click the option whose text starts
        with `option` (the text goes on with the unit's location)."""
        from playwright.sync_api import expect

        self.open_autocomplete(field_id, term)
        self.page.locator(".select2-results__option", has_text=re.compile("^" + re.escape(option))).first.click()
        expect(self.page.locator(f"#select2-{field_id}-container")).to_contain_text(option)

    def open_autocomplete(self, field_id: str, term: str):
        self.page.locator(f"#{field_id} + .select2 .select2-selection").click()
        self.page.locator(".select2-search__field").fill(term)

    def row(self, name: str, table: str = "#result_list"):
        """The table row whose first cell links to (or reads) exactly `name`."""
        rows = self.page.locator(f"{table} tbody tr")
        first_cell = self.page.locator("th:first-child, td:first-child")
        return rows.filter(has=first_cell.get_by_text(name, exact=True))

    def expect_console_error(self, pattern: str):
        """A console error the flow provokes on purpose, e.g. the 404 of a refused page."""
        self.watch.expected_errors.append(re.compile(pattern))

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """The flow's evidence; also the point where a flow is checked for foreign requests and console
        errors, so they fail the test itself rather than its teardown."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        assert self.watch.problems() == []
        return path


def _watch_page(context, watch: PageWatch):
    def on_request(request):
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob", "about") and url.hostname != SERVER_HOST:
            watch.foreign_requests.append(request.url)

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            watch.console_errors.append(f"{message.text} ({location.get('url', '')})")

    context.on("request", on_request)
    context.on("console", on_console)
    context.on("weberror", lambda error: watch.console_errors.append(f"uncaught: {error.error}"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed  # read by the browser fixture, for a screenshot of the failure
    return report


@pytest.fixture
def browser(demo, request) -> Iterator[Browser]:
    """A fresh headless Chromium per test: no cookies, no cache, nothing carried over."""
    from playwright.sync_api import expect, sync_playwright

    watch = PageWatch()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = chromium.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport=VIEWPORT, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        _watch_page(context, watch)
        page = context.new_page()
        try:
            yield Browser(page, demo, watch)
            if getattr(request.node, "call_failed", False):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)
        finally:
            context.close()
            chromium.close()
    assert watch.problems() == []


@pytest.fixture
def downloads(tmp_path) -> Path:
    path = tmp_path / "downloads"
    path.mkdir()
    return path
