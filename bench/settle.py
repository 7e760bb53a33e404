"""Between benchmark sections: vacuum and analyze what autovacuum would have, had it been on.

Bench servers may run with autovacuum off (CI's does), and sections leave dead rows behind: the form
changes section deletes its 496,000 rows, the unit import its 55,000 units. Unvacuumed, those rows
slowed every later section by 30-50%: TreeOn.of's test for a recorded form change walked 496,000 dead
index entries (11 ms instead of 1.7), so 活动统计 for a county took 25 ms in a full run and 12 ms alone.
A production server runs autovacuum, which would have cleaned up within a minute; so the bench does
the same, by autovacuum's own thresholds (read from the server's settings), and says what it did.
"""

import time

from django.db import connection

# Autovacuum's triggers (PostgreSQL 13+): dead rows, rows inserted since the last vacuum, and rows
# changed since the last analyze, each beyond a base threshold plus a fraction of the table's rows.
DUE_TABLES = """
SELECT s.schemaname, s.relname,
       s.n_dead_tup > {vacuum} OR s.n_ins_since_vacuum > {insert} AS vacuum_due
FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
WHERE s.n_dead_tup > {vacuum} OR s.n_ins_since_vacuum > {insert} OR s.n_mod_since_analyze > {analyze}
ORDER BY s.relname
"""


def _threshold(name: str) -> str:
    return (
        f"(current_setting('autovacuum_{name}_threshold')::float"
        f" + current_setting('autovacuum_{name}_scale_factor')::float * greatest(c.reltuples, 0))"
    )


def due_tables() -> list[tuple[str, str, bool]]:
    """(schema, table, whether a vacuum is due; else only an analyze) for what autovacuum would take."""
    with connection.cursor() as cursor:
        # This process's own counts reach pg_stat_user_tables only when it next goes idle.
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            DUE_TABLES.format(
                vacuum=_threshold("vacuum"), insert=_threshold("vacuum_insert"), analyze=_threshold("analyze")
            )
        )
        return cursor.fetchall()


def settle_tables() -> tuple[list[str], float]:
    """VACUUM (ANALYZE), or ANALYZE, each table autovacuum would take now; its names and the seconds."""
    if not connection.get_autocommit():  # VACUUM cannot run in a transaction
        return [], 0.0
    start = time.perf_counter()
    settled = []
    with connection.cursor() as cursor:
        for schema, table, vacuum_due in due_tables():
            command = "VACUUM (ANALYZE)" if vacuum_due else "ANALYZE"
            cursor.execute(f'{command} "{schema}"."{table}"')
            settled.append(table)
    return settled, time.perf_counter() - start


class Settler:
    """Settles the tables after each section and sums up what it did, for the results' preamble."""

    def __init__(self):
        self.tables: dict[str, int] = {}
        self.seconds = 0.0

    def __call__(self) -> None:
        settled, seconds = settle_tables()
        self.seconds += seconds
        for table in settled:
            self.tables[table] = self.tables.get(table, 0) + 1

    def summary(self) -> str:
        if not self.tables:
            return "各节之间没有表达到 autovacuum 的阈值。"
        names = "、".join(f"{table}（{count} 次）" for table, count in sorted(self.tables.items()))
        return (
            f"每节结束后按 autovacuum 的默认阈值 VACUUM (ANALYZE) 或 ANALYZE 需要的表"
            f"（共 {self.seconds:.1f} s，不计入结果），如同开着 autovacuum 的服务器：{names}。"
        )
