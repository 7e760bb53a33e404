"""The demo's facilities (阵地) in 双峰县: 妇女之家, 儿童之家 and 巾帼书屋 in many villages and
communities, not all.

Planned from the county plan (registry.demo.organisations) and a seeded generator per village, never
from the database, and written through the facility import's checked bulk path, so a second run plans
the same and writes nothing (every row is 未变). 荷叶镇 has none: its clerk adds them from the sample
file tests/fixtures/facilities/facilities.csv (docs/demo.md). A village merged into its neighbour closed
its facilities on the day it closed.
"""

import datetime

from django.core.management.base import CommandError

from facilities.facility_import import COLUMNS, FacilityImporter
from imports.spreadsheets import Table
from registry.demo.dates import DEMO_TODAY, between, seeded
from registry.demo.organisations import CountyPlan

LEFT_FOR_THE_SAMPLE_FILE = "431321101"  # 荷叶镇
CONFLICT = "演示阵地与库中已有的阵地冲突，未载入：\n{errors}"
# (kind name, share of the villages and communities that have one, the years they opened in)
PLAN = (
    ("妇女之家", 0.8, (datetime.date(2012, 3, 8), datetime.date(2024, 12, 31))),
    ("儿童之家", 0.45, (datetime.date(2016, 6, 1), datetime.date(2026, 10, 31))),
    ("巾帼书屋", 0.25, (datetime.date(2018, 4, 23), datetime.date(2026, 10, 31))),
)
# A 妇女之家 moved to the new village office (旧址停用、新址启用) in a few villages.
MOVED_SHARE = 0.05


def facility_rows(plan: CountyPlan) -> list[dict]:
    """The facilities as rows of the import, village by village."""
    rows = []
    for village in plan.villages():
        if village.township == LEFT_FOR_THE_SAMPLE_FILE:
            continue
        rng = seeded("facilities", village.code)
        closed = plan.closed.get(village.code)
        for kind, share, (first, last) in PLAN:
            if rng.random() >= share:
                continue
            opened = between(rng, first, last)
            periods = _periods(rng, kind, opened)
            for index, (start, end) in enumerate(periods):
                if closed and start >= closed:
                    continue
                end = min(end, closed) if end and closed else end or closed
                name = f"{village.name}{kind}" if index == len(periods) - 1 else ""
                note = "旧址" if index < len(periods) - 1 else ""
                rows.append(_row(village.code, kind, name, start, end, note))
    return rows


def _periods(rng, kind: str, opened: datetime.date) -> list[tuple[datetime.date, datetime.date | None]]:
    if kind != "妇女之家" or rng.random() >= MOVED_SHARE or opened.year > 2022:
        return [(opened, None)]
    moved = between(rng, opened + datetime.timedelta(days=365), DEMO_TODAY)
    return [(opened, moved), (moved, None)]


def _row(code, kind, name, opened, closed, note) -> dict:
    return {
        "unit_code": code,
        "kind": kind,
        "name": name,
        "opened_on": opened,
        "closed_on": closed,
        "note": note,
    }


def apply_facilities(plan: CountyPlan) -> int:
    """Adds the facilities the database lacks; returns how many."""
    importer = FacilityImporter()
    columns = [column for column in COLUMNS if column.field != "unit_name"]
    checked = importer.plan(Table(1, columns, list(enumerate(facility_rows(plan), start=2))))
    if not checked.valid:
        raise CommandError(CONFLICT.format(errors="\n".join(checked.messages()[:20])))
    importer.write(checked)
    return len(checked.to_create)
