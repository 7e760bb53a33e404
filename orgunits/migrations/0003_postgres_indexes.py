"""PostgreSQL-only indexes; other databases skip this migration's SQL.

- path with varchar_pattern_ops: subtree filters (path LIKE 'prefix%') use the index
  whatever the database collation is; kind and dates are included so coverage counts
  can be answered from the index alone.
- pg_trgm on name: the admin's name search (icontains) without a sequential scan.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS orgunit_path_prefix ON orgunits_orgunit (path varchar_pattern_ops) "
    "INCLUDE (kind_id, depth)",
    "CREATE INDEX IF NOT EXISTS orgunit_name_trgm ON orgunits_orgunit USING gin (name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS orgunit_name_trgm",
    "DROP INDEX IF EXISTS orgunit_path_prefix",
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
