"""Rosters at national scale (issue 18), PostgreSQL only: a pg_trgm GIN index on the person's name, so
the admin's name search and the person autocomplete (LIKE '%…%') use an index. Other databases skip
this migration's SQL."""

from django.db import migrations

TRIGRAM_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON orgunits_person USING gin (name gin_trgm_ops)",
]
TRIGRAM_BACKWARD = ["DROP INDEX IF EXISTS person_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("rosters", "0005_duty_records")]
    operations = [
        migrations.RunPython(run(TRIGRAM_FORWARD), run(TRIGRAM_BACKWARD)),
    ]
