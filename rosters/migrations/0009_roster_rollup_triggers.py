"""The triggers that keep the roster rollups exact (rosters.roster_rollups): whatever writes a row the
roster statistics count (the admin, an import, a revert, raw SQL), the cells it touches get a new
version, in the same transaction. Statement-level with transition tables on PostgreSQL, so that a
20,000-row import raises each cell once; row-level on SQLite.

A cell is the first 20 characters of a unit's path (rosters.roster_tally.CELL_PATH_LENGTH). The cells
that hold appointments when this runs get their first version.
"""

from django.db import migrations

CELL = "substr({}.path, 1, 20) AS c"
UNIT_CELL = f"SELECT {CELL.format('u')} FROM orgunits_orgunit u"

# table: (events, cells of the rows (PostgreSQL: `{rows}` a transition table), the same for one
# row (SQLite: `{row}` NEW or OLD))
SOURCES = {
    # Every appointment of the person: she is counted once across the cells she holds posts in.
    "orgunits_appointment": (
        ("INSERT", "UPDATE", "DELETE"),
        f"{UNIT_CELL} JOIN orgunits_appointment a ON a.unit_id = u.id"
        " WHERE a.person_id IN (SELECT person_id FROM {rows})"
        f" UNION {UNIT_CELL} JOIN {{rows}} r ON r.unit_id = u.id",
        f"{UNIT_CELL} JOIN orgunits_appointment a ON a.unit_id = u.id WHERE a.person_id = {{row}}.person_id"
        f" UNION {UNIT_CELL} WHERE u.id = {{row}}.unit_id",
    ),
    "orgunits_appointment_concurrent_roles": (
        ("INSERT", "UPDATE", "DELETE"),
        f"{UNIT_CELL} JOIN orgunits_appointment a ON a.unit_id = u.id JOIN {{rows}} r ON r.appointment_id = a.id",
        f"{UNIT_CELL} JOIN orgunits_appointment a ON a.unit_id = u.id WHERE a.id = {{row}}.appointment_id",
    ),
    "orgunits_person": (
        ("UPDATE",),
        f"{UNIT_CELL} JOIN orgunits_appointment a ON a.unit_id = u.id WHERE a.person_id IN (SELECT id FROM {{rows}})",
        f"{UNIT_CELL} JOIN orgunits_appointment a ON a.unit_id = u.id WHERE a.person_id = {{row}}.id",
    ),
    "orgunits_term": (
        ("INSERT", "UPDATE", "DELETE"),
        f"{UNIT_CELL} JOIN {{rows}} r ON r.unit_id = u.id",
        f"{UNIT_CELL} WHERE u.id = {{row}}.unit_id",
    ),
    # A unit's move (its path) or kind (village chairs); a deleted unit's path may be given again.
    "orgunits_orgunit": (
        ("UPDATE", "DELETE"),
        f"SELECT {CELL.format('r')} FROM {{rows}} r",
        f"SELECT {CELL.format('{row}')}",
    ),
}
# What every cell counts by: a post's name and chair flag, a concurrent role's code, a kind's code.
GLOBAL_SOURCES = {
    "orgunits_post": ("name", "counts_as_chair"),
    "orgunits_concurrentrole": ("code",),
    "orgunits_unitkind": ("code",),
}

PG_BUMP = """
CREATE FUNCTION rosters_bump(cells text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO rosters_rostercell (path, version)
    SELECT c, 1 FROM (SELECT DISTINCT c FROM unnest(cells) AS c WHERE c IS NOT NULL ORDER BY c) AS distinct_cells
    ON CONFLICT (path) DO UPDATE SET version = rosters_rostercell.version + 1
$$
"""
PG_GLOBAL = """
CREATE FUNCTION rosters_bump_global() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rosters_bump(ARRAY['']);
    RETURN NULL;
END $$
"""
ORGUNIT_MOVED = (
    "(SELECT n.* FROM {this} n JOIN {other} o ON o.id = n.id WHERE o.path <> n.path OR o.kind_id <> n.kind_id)"
)
BACKFILL = (
    "INSERT INTO rosters_rostercell (path, version) SELECT DISTINCT substr(u.path, 1, 20), 1"
    " FROM orgunits_orgunit u JOIN orgunits_appointment a ON a.unit_id = u.id"
)


def _pg_rows(table: str, this: str, other: str) -> str:
    if table == "orgunits_orgunit" and other:
        return ORGUNIT_MOVED.format(this=this, other=other)
    return this


def pg_forward(table: str, events: tuple, cells: str) -> list[str]:
    new = f"PERFORM rosters_bump(ARRAY({cells.format(rows=_pg_rows(table, 'new_rows', 'old_rows'))}));"
    old = f"PERFORM rosters_bump(ARRAY({cells.format(rows=_pg_rows(table, 'old_rows', 'new_rows'))}));"
    function = f"""
CREATE FUNCTION rosters_cells_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN {new} END IF;
    IF TG_OP <> 'INSERT' THEN {old} END IF;
    RETURN NULL;
END $$
"""
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }
    triggers = [
        f"CREATE TRIGGER rosters_cells_{event.lower()} AFTER {event} ON {table} REFERENCING {referencing[event]}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION rosters_cells_{table}()"
        for event in events
    ]
    return [function, *triggers]


def sqlite_forward(table: str, events: tuple, cells: str) -> list[str]:
    statements = []
    for event in events:
        rows = [] if event == "INSERT" else ["OLD"]
        rows += [] if event == "DELETE" else ["NEW"]
        moved = table == "orgunits_orgunit" and event == "UPDATE"
        when = " WHEN OLD.path <> NEW.path OR OLD.kind_id IS NOT NEW.kind_id" if moved else ""
        union = " UNION ".join(cells.format(row=row) for row in rows)
        statements.append(
            f"CREATE TRIGGER rosters_cells_{table}_{event.lower()} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN"
            f" INSERT INTO rosters_rostercell (path, version) SELECT DISTINCT c, 1 FROM ({union}) AS cells"
            " WHERE c IS NOT NULL ON CONFLICT (path) DO UPDATE SET version = version + 1; END"
        )
    return statements


def sqlite_global(table: str, columns: tuple) -> list[str]:
    bump = (
        "INSERT INTO rosters_rostercell (path, version) VALUES ('', 1)"
        " ON CONFLICT (path) DO UPDATE SET version = version + 1;"
    )
    return [
        f"CREATE TRIGGER rosters_global_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table}"
        f" FOR EACH ROW BEGIN {bump} END",
        f"CREATE TRIGGER rosters_global_{table}_delete AFTER DELETE ON {table} FOR EACH ROW BEGIN {bump} END",
    ]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    statements = [PG_BUMP, PG_GLOBAL] if postgres else []
    for table, (events, pg_cells, sqlite_cells) in SOURCES.items():
        statements += pg_forward(table, events, pg_cells) if postgres else sqlite_forward(table, events, sqlite_cells)
    for table, columns in GLOBAL_SOURCES.items():
        if postgres:
            statements.append(
                f"CREATE TRIGGER rosters_global AFTER UPDATE OF {', '.join(columns)} OR DELETE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION rosters_bump_global()"
            )
        else:
            statements += sqlite_global(table, columns)
    statements.append(BACKFILL)
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    statements = []
    for table, (events, _pg, _sqlite) in SOURCES.items():
        for event in events:
            name = f"rosters_cells_{event.lower()}"
            statements.append(
                f"DROP TRIGGER IF EXISTS {name} ON {table}"
                if postgres
                else f"DROP TRIGGER IF EXISTS rosters_cells_{table}_{event.lower()}"
            )
        if postgres:
            statements.append(f"DROP FUNCTION IF EXISTS rosters_cells_{table}()")
    for table in GLOBAL_SOURCES:
        if postgres:
            statements.append(f"DROP TRIGGER IF EXISTS rosters_global ON {table}")
        else:
            statements += [f"DROP TRIGGER IF EXISTS rosters_global_{table}_{e}" for e in ("update", "delete")]
    if postgres:
        statements += ["DROP FUNCTION IF EXISTS rosters_bump_global()", "DROP FUNCTION IF EXISTS rosters_bump(text[])"]
    statements.append("DELETE FROM rosters_rostercell")
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("rosters", "0008_roster_rollups"), ("orgunits", "0017_form_change_chain")]
    operations = [migrations.RunPython(forward, backward)]
