"""The triggers that keep the roster rollups exact (rosters.roster_rollups): whatever writes a row the
roster statistics count (the admin, an import, a revert, raw SQL), the cells it touches get a new
version, in the same transaction. Statement-level with transition tables on PostgreSQL, so that a
20,000-row import raises each cell once; row-level on SQLite.

A cell is the first 20 characters of a unit's path (rosters.roster_tally.CELL_PATH_LENGTH). Every
cell of the units there when this runs gets its first version; a new unit's cell gets one from its
trigger.
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
    # A new unit (every cell has a version from its first unit on, so a cell without any appointment is
    # still counted by the worklists); a unit's move (its path), kind (village chairs) or dates
    # (UNIT_COLUMNS); a deleted unit's path may be given again.
    "orgunits_orgunit": (
        ("INSERT", "UPDATE", "DELETE"),
        f"SELECT {CELL.format('r')} FROM {{rows}} r",
        f"SELECT {CELL.format('{row}')}",
    ),
}
# What every cell counts by: a post's name and chair flag, a concurrent role's code, a kind's code, the
# seats of the posts (the worklists of vacant seats and of 执委 below the norm).
GLOBAL_SOURCES = {
    "orgunits_post": ("UPDATE OF name, counts_as_chair", "DELETE"),
    "orgunits_concurrentrole": ("UPDATE OF code", "DELETE"),
    "orgunits_unitkind": ("UPDATE OF code", "DELETE"),
    "rosters_postseats": ("INSERT", "UPDATE", "DELETE"),
}
# The columns of a unit the statistics and worklists read: where it lies, its kind, when it was open,
# when its organisation existed.
UNIT_COLUMNS = ("path", "kind_id", "opened_on", "closed_on", "org_established_on", "org_dissolved_on")

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
ORGUNIT_CHANGED = (
    "(SELECT n.* FROM {this} n JOIN {other} o ON o.id = n.id WHERE "
    + " OR ".join(f"o.{column} IS DISTINCT FROM n.{column}" for column in UNIT_COLUMNS)
    + ")"
)
BACKFILL = "INSERT INTO rosters_rostercell (path, version) SELECT DISTINCT substr(path, 1, 20), 1 FROM orgunits_orgunit"


def pg_forward(table: str, events: tuple, cells: str) -> list[str]:
    def bump(rows: str) -> str:
        return f"PERFORM rosters_bump(ARRAY({cells.format(rows=rows)}));"

    if table == "orgunits_orgunit":
        on_update = bump(ORGUNIT_CHANGED.format(this="new_rows", other="old_rows"))
        on_update += bump(ORGUNIT_CHANGED.format(this="old_rows", other="new_rows"))
    else:
        on_update = bump("new_rows") + bump("old_rows")
    function = f"""
CREATE FUNCTION rosters_cells_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {bump("new_rows")}
    ELSIF TG_OP = 'UPDATE' THEN {on_update}
    ELSE {bump("old_rows")}
    END IF;
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
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in UNIT_COLUMNS)
        when = f" WHEN {changed}" if table == "orgunits_orgunit" and event == "UPDATE" else ""
        union = " UNION ".join(cells.format(row=row) for row in rows)
        statements.append(
            f"CREATE TRIGGER rosters_cells_{table}_{event.lower()} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN"
            f" INSERT INTO rosters_rostercell (path, version) SELECT DISTINCT c, 1 FROM ({union}) AS cells"
            " WHERE c IS NOT NULL ON CONFLICT (path) DO UPDATE SET version = version + 1; END"
        )
    return statements


def sqlite_global(table: str, events: tuple) -> list[str]:
    bump = (
        "INSERT INTO rosters_rostercell (path, version) VALUES ('', 1)"
        " ON CONFLICT (path) DO UPDATE SET version = version + 1;"
    )
    return [
        f"CREATE TRIGGER rosters_global_{table}_{n} AFTER {event} ON {table} FOR EACH ROW BEGIN {bump} END"
        for n, event in enumerate(events)
    ]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    statements = [PG_BUMP, PG_GLOBAL] if postgres else []
    for table, (events, pg_cells, sqlite_cells) in SOURCES.items():
        statements += pg_forward(table, events, pg_cells) if postgres else sqlite_forward(table, events, sqlite_cells)
    for table, events in GLOBAL_SOURCES.items():
        if postgres:
            statements.append(
                f"CREATE TRIGGER rosters_global AFTER {' OR '.join(events)} ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION rosters_bump_global()"
            )
        else:
            statements += sqlite_global(table, events)
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
    for table, events in GLOBAL_SOURCES.items():
        if postgres:
            statements.append(f"DROP TRIGGER IF EXISTS rosters_global ON {table}")
        else:
            statements += [f"DROP TRIGGER IF EXISTS rosters_global_{table}_{n}" for n in range(len(events))]
    if postgres:
        statements += ["DROP FUNCTION IF EXISTS rosters_bump_global()", "DROP FUNCTION IF EXISTS rosters_bump(text[])"]
    statements.append("DELETE FROM rosters_rostercell")
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("rosters", "0008_roster_rollups"), ("orgunits", "0017_form_change_chain")]
    operations = [migrations.RunPython(forward, backward)]
