"""PostgreSQL-only: statistics on the "which child branch" expression that subtree reports group by.

Without them the planner guesses one group per row for GROUP BY substring(path, 1, n), plans a
single-process sort or hash, and a nation-wide coverage count takes twice as long. With them it
knows there are a few hundred groups and aggregates in parallel workers. Lengths 8, 12 and 16
are the children of the nation, of a province and of a city; smaller subtrees do not need them.
"""

from django.db import migrations

LENGTHS = (8, 12, 16)
FORWARD = [
    f"CREATE STATISTICS IF NOT EXISTS orgunit_branch_{n} ON (substring(path, 1, {n})), kind_id FROM orgunits_orgunit"
    for n in LENGTHS
] + ["ANALYZE orgunits_orgunit"]
BACKWARD = [f"DROP STATISTICS IF EXISTS orgunit_branch_{n}" for n in LENGTHS]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0003_postgres_indexes")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
