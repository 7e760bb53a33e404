"""Benchmark section: coverage with organisation forms on a date (会改联, issue 18) on the whole country.

Every village and community with an organisation gets a recorded change 妇代会 → 妇联 (one row each,
written with one INSERT … SELECT, and each unit's summary of its changes with one UPDATE, as
org_forms.form_summary keeps it), then the county's and the nation's coverage are timed on a day after
the changes (the forms are today's, the conversions are counted from the units' rows) and on a day
before them (each unit's form then is the form before its first change, from its row), each beside the
same coverage with no change recorded, measured in the same run. The changes are removed afterwards,
so the other sections find the database as they left it.
"""

import statistics
from datetime import date

from django.db import connection

from orgunits.models import OrgFormChange, OrgUnit
from orgunits.org_forms import form_summary

REPEATS = 9
CHANGED_ON = date(2018, 3, 8)  # the day bench_coverage gives four in five units an organisation
AFTER, BEFORE = date(2024, 12, 31), date(2018, 3, 7)
COUNTY_BUDGET_MS, NATION_BUDGET_MS = 20, 500
COUNTY = "431321"
TABLE, UNIT_TABLE = OrgFormChange._meta.db_table, OrgUnit._meta.db_table


def record_conversions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (unit_id, changed_on, from_form, to_form, note) "
            f"SELECT u.id, %s, 'congress', 'federation', 'bench' FROM {UNIT_TABLE} u "
            "JOIN orgunits_unitkind k ON k.id = u.kind_id "
            "WHERE k.code IN ('village', 'community') AND u.org_established_on <= %s",
            [CHANGED_ON, CHANGED_ON],
        )
        count = cursor.rowcount
        bench_change = OrgFormChange(changed_on=CHANGED_ON, from_form="congress", to_form="federation")
        set_summaries(cursor, form_summary([bench_change]))
        cursor.execute(f"ANALYZE {TABLE}")
        # As autovacuum would after an update of half the units: the dead rows would slow every scan.
        cursor.execute(f"VACUUM (ANALYZE) {UNIT_TABLE}")
    return count


def forget_conversions() -> None:
    with connection.cursor() as cursor:
        set_summaries(cursor, form_summary([]))
        cursor.execute(f"DELETE FROM {TABLE} WHERE note = 'bench'")


def set_summaries(cursor, summary: dict) -> None:
    """The summary org_forms keeps on each unit, written on the units with the bench's changes."""
    columns = ", ".join(f"{name} = %s" for name in summary)
    cursor.execute(
        f"UPDATE {UNIT_TABLE} SET {columns} WHERE id IN (SELECT unit_id FROM {TABLE} WHERE note = 'bench')",
        list(summary.values()),
    )


def bench_forms(section, row_class, samples_ms, summary_ms, ms, times):
    from stats.conversion import conversions
    from stats.coverage import coverage

    county = OrgUnit.objects.select_related("kind").get(code=COUNTY)
    nation = OrgUnit.objects.select_related("kind").get(depth=1)
    units = ((f"{county.name}", county, COUNTY_BUDGET_MS), ("全国", nation, NATION_BUDGET_MS))
    plain = {unit.pk: statistics.median(samples_ms(lambda u=unit: coverage(u, AFTER), REPEATS)) for _, unit, _ in units}
    count = record_conversions()
    try:
        for label, unit, budget in units:
            for day, what in ((AFTER, "改建之后（计改建数）"), (BEFORE, "改建之前（按改建记录推算当日形式）")):
                taken = samples_ms(lambda u=unit, d=day: coverage(u, d), REPEATS)
                median = statistics.median(taken)
                section.rows.append(
                    row_class(
                        f"{label}组建率，{what}，{day}",
                        summary_ms(taken),
                        f"{ms(plain[unit.pk])}（同库、无形式变更记录时的组建率）",
                        times(median, plain[unit.pk]),
                        section.check(median <= budget, f"中位数 ≤ {budget} ms", f"{label}{what} {ms(median)}"),
                    )
                )
        rates = {c.kind.code: f"{c.converted}/{c.due}" for c in conversions(coverage(nation, AFTER))}
        section.notes.append(f"记录了 {count} 条 妇代会→妇联 变更（{CHANGED_ON}）；全国改建数/应改建：{rates}。")
    finally:
        forget_conversions()
    return section
