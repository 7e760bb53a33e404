"""Out of scope must not be told from missing by the clock either.

For each page that takes an id, the editor of 永丰街道 asks it 20 times with an id outside her scope
(荷叶镇's, next door) and 20 times with an id that does not exist, interleaved, after a warm-up. The
medians must be within 20% of each other. The missing id is the baseline, measured in the same run.

    SECRET_KEY=... .venv/bin/python bench/scope_timing.py    (make bench runs it)

The database is BENCH_DATABASE_URL when set, else SQLite; either way a fresh test database is
created and dropped, with the demo divisions and the security tests' world in it.
"""

# ruff: noqa: E402 -- Django reads its settings from the environment, set up before it is imported.

import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 20
WARM_UP = 5
TOLERANCE = 1.20

sys.path.insert(0, str(REPO_ROOT))
warnings.filterwarnings("ignore", message="No directory at: .*staticfiles")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.update({"DEBUG": "0", "ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "registry.settings"})
os.environ.update({"SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"})
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")

import django

django.setup()

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
from django.urls import reverse

MISSING = 987654321


def pages(world) -> list[tuple[str, str, int]]:
    """(label, URL template, foreign id)."""
    from rosters.models import Term

    heye, person = world.heye, world.heye_person
    appointment = world.appointments[heye.pk]
    record = appointment.history.order_by("history_id").first()
    return [
        ("单位修改页", reverse("admin:orgunits_orgunit_change", args=["ID"]).replace("ID", "{}"), heye.pk),
        ("单位历史页", reverse("admin:orgunits_orgunit_history", args=["ID"]).replace("ID", "{}"), heye.pk),
        ("人员修改页", reverse("admin:rosters_person_change", args=["ID"]).replace("ID", "{}"), person.pk),
        ("人员历史页", reverse("admin:rosters_person_history", args=["ID"]).replace("ID", "{}"), person.pk),
        ("任职恢复页", f"/admin/rosters/appointment/{{}}/history/{record.history_id}/", appointment.pk),
        ("移动页", reverse("admin:orgunits_orgunit_move", args=["ID"]).replace("ID", "{}"), heye.pk),
        ("组建率", reverse("stats_coverage") + "?unit={}&on=2024-01-01", heye.pk),
        ("指标", reverse("stats_indicators") + "?unit={}&year=2023", heye.pk),
        ("数据填报", reverse("stats_entry") + "?unit={}&year=2023", heye.pk),
        ("无负责人清单", reverse("rosters_worklist", args=["without-chair"]) + "?unit={}", heye.pk),
        ("新增下级 ?parent=", reverse("admin:orgunits_orgunit_add") + "?parent={}", heye.pk),
        ("任职列表 ?subtree=", reverse("admin:rosters_appointment_changelist") + "?subtree={}", heye.pk),
        ("新增任职 ?person=", reverse("admin:rosters_appointment_add") + "?person={}", person.pk),
        ("新增任职 ?term=", reverse("admin:rosters_appointment_add") + "?term={}", Term.objects.get(unit=heye).pk),
    ]


def timed(client, url) -> tuple[float, int]:
    started = time.perf_counter()
    status = client.get(url).status_code
    return time.perf_counter() - started, status


def medians(client, foreign, missing):
    for _ in range(WARM_UP):
        timed(client, foreign), timed(client, missing)
    samples = {"foreign": [], "missing": []}
    statuses = set()
    for _ in range(REQUESTS):
        for kind, url in (("foreign", foreign), ("missing", missing)):
            seconds, status = timed(client, url)
            samples[kind].append(seconds)
            statuses.add((kind, status))
    return statistics.median(samples["foreign"]), statistics.median(samples["missing"]), statuses


def main() -> int:
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 404s are the point here
    # DEBUG=0 wants collectstatic's manifest; the pages' static links are not what is timed.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain_static):
        return measure()


def measure() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.security.world import SecurityWorld

        SecurityWorld.setUpTestData()
        client = Client()
        client.force_login(SecurityWorld.township_clerk)
        print(f"# Out of scope and missing, timed ({connection.vendor}, {REQUESTS} requests each, medians)\n")
        print("| page | foreign id | missing id (baseline) | ratio | status |")
        print("|---|---|---|---|---|")
        worst = 1.0
        for label, template, foreign_id in pages(SecurityWorld):
            foreign, missing = template.format(foreign_id), template.format(MISSING)
            a, b, statuses = medians(client, foreign, missing)
            if not 1 / TOLERANCE <= a / b <= TOLERANCE:  # a busy machine: measure once more before judging
                a, b, statuses = medians(client, foreign, missing)
            ratio = a / b
            worst = max(worst, ratio, 1 / ratio)
            shown = "/".join(str(status) for _kind, status in sorted(statuses))
            print(f"| {label} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {ratio:.2f} | {shown} |")
        ok = worst <= TOLERANCE
        print(f"\nworst ratio {worst:.2f} (budget {TOLERANCE:.2f}): {'ok' if ok else 'MISSED'}")
        return 0 if ok else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
