"""PostgreSQL only: the trigger on units (migration 0009) finds the units whose place, kind or dates
changed with EXCEPT instead of joining the statement's old and new rows on id.

The planner knows nothing of a transition table's ids and took each for one of 200 values: an UPDATE of
532,222 units (marking organisations established across the country) ran for over 16 minutes in that
join, re-reading its spilled rows, and was cancelled. With EXCEPT it takes 18 s, against 10.5 s with no
trigger at all. A row whose columns did not change is in both sets and gives no cell, as before."""

from django.db import migrations

COLUMNS = "id, path, kind_id, opened_on, closed_on, org_established_on, org_dissolved_on"


def changed(this: str, other: str) -> str:
    return f"SELECT substr(r.path, 1, 20) FROM (SELECT {COLUMNS} FROM {this} EXCEPT SELECT {COLUMNS} FROM {other}) r"


def function(on_update: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION rosters_cells_orgunits_orgunit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN PERFORM rosters_bump(ARRAY(SELECT substr(r.path, 1, 20) AS c FROM new_rows r));
    ELSIF TG_OP = 'UPDATE' THEN {on_update}
    ELSE PERFORM rosters_bump(ARRAY(SELECT substr(r.path, 1, 20) AS c FROM old_rows r));
    END IF;
    RETURN NULL;
END $$
"""


WITH_EXCEPT = function(
    f"PERFORM rosters_bump(ARRAY({changed('new_rows', 'old_rows')} UNION {changed('old_rows', 'new_rows')}));"
)
DIFFERS = " OR ".join(
    f"o.{column} IS DISTINCT FROM n.{column}"
    for column in ("path", "kind_id", "opened_on", "closed_on", "org_established_on", "org_dissolved_on")
)
WITH_JOIN = function(
    "".join(
        f"PERFORM rosters_bump(ARRAY(SELECT substr(r.path, 1, 20) AS c FROM (SELECT n.* FROM {this} n"
        f" JOIN {other} o ON o.id = n.id WHERE {DIFFERS}) r));"
        for this, other in (("new_rows", "old_rows"), ("old_rows", "new_rows"))
    )
)


def run(sql: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("rosters", "0011_roster_tally_read_on")]
    operations = [migrations.RunPython(run(WITH_EXCEPT), run(WITH_JOIN))]
