"""PostgreSQL-only: pg_trgm on name, so the admin's name search (LIKE '%…%') uses an index.

Other databases skip this migration's SQL.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS orgunit_name_trgm ON orgunits_orgunit USING gin (name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS orgunit_name_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0002_seed_kinds")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
