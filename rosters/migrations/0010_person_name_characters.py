"""PostgreSQL only: the person's name searched through an index of its characters (a GIN index on
string_to_array(name, NULL)), in place of the trigram index of 0006.

Chinese names have two to four characters, and a search is usually one or two of them: pg_trgm finds
no trigram inside `LIKE '%张%'` or `'%张秀%'`, so those read the whole name index (300–900 ms for 山东's
1.1 million people). Each character of the term is a key of this index; the LIKE keeps the search
exact (rosters.name_search). Other databases skip this migration's SQL."""

from django.db import migrations

CHARACTERS_FORWARD = [
    "CREATE INDEX IF NOT EXISTS person_name_chars ON orgunits_person USING gin (string_to_array(name, NULL))",
    "DROP INDEX IF EXISTS person_name_trgm",
]
CHARACTERS_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON orgunits_person USING gin (name gin_trgm_ops)",
    "DROP INDEX IF EXISTS person_name_chars",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("rosters", "0009_roster_rollup_triggers")]
    operations = [
        migrations.RunPython(run(CHARACTERS_FORWARD), run(CHARACTERS_BACKWARD)),
    ]
