"""Seeding for the `rosters` bench section: 山东's village-level 妇联 staffed after the 2021 re-election.

Every village and community of 山东 (code 37) gets an organisation (the ones bench_coverage left without
one are noted and given back afterwards), a term elected 2021-04-01, and its 18 seats: 1 主席, 2 副主席
and 15 执委, each held by a person of their own with a name, sex, birth date, education and political
status drawn from realistic distributions. Three in ten held the same post in the previous term (an
ended appointment, so they are not 新任), one village in 97 has lost its chair and one in 7 has only 12
执委, so every worklist has rows. Chairs sit on the village committees (进两委) and some are 三位一体.

All of it is written with INSERT … SELECT (no ORM objects, no history rows): about 1.1 million active
appointments in a few minutes. The ids written are recorded in `bench_roster_seed`, which is how
`remove_seed` finds exactly these rows again.
"""

from django.db import connection, transaction

PROVINCE_CODE = "37"
ELECTED_ON, DUE_ON, EARLIER_START, EARLIER_END = "2021-04-01", "2026-04-01", "2016-04-01", "2021-03-31"
MARKER = "bench_roster_seed"
SEATS = [(1, "主席")] + [(n, "副主席") for n in (2, 3)] + [(n, "执委") for n in range(4, 19)]
# The most frequent surnames, weighted roughly by their share (王 and 李 about 7% each).
SURNAMES = (
    "王" * 7
    + "李" * 7
    + "张" * 7
    + "刘" * 5
    + "陈" * 4
    + "杨" * 3
    + "黄" * 2
    + "赵" * 2
    + "吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "秀英华玉兰芳萍红娟敏静丽霞燕艳梅琳婷雪慧莉凤洁春桂珍云翠芬琴淑荣晶倩颖佳欣瑶"
EDUCATION = ["初中及以下"] * 3 + ["高中"] * 3 + ["中专"] * 2 + ["大学专科"] * 3 + ["大学本科"] * 2 + ["研究生", ""]
POLITICAL = ["中共党员"] * 5 + ["群众"] * 4 + ["共青团员", "中共预备党员", ""]


def _sql_array(values) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def _pick(values) -> str:
    """A random element of a literal array (random() is seeded, so every run draws the same)."""
    return f"({_sql_array(values)})[1 + floor(random() * {len(values)})::int]"


def execute(statement: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


SEATS_TABLE = f"""
CREATE TEMP TABLE roster_seats ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY u.id, s.ord) AS n, u.id AS unit_id, s.ord, p.id AS post_id
FROM orgunits_orgunit u
JOIN orgunits_unitkind k ON k.id = u.kind_id AND k.code IN ('village', 'community')
CROSS JOIN (VALUES {",".join(f"({n}, '{post}')" for n, post in SEATS)}) AS s(ord, post)
JOIN orgunits_post p ON p.name = s.post
WHERE u.path >= %(low)s AND u.path < %(high)s AND u.closed_on IS NULL
  AND NOT (s.ord = 1 AND u.id %% 97 = 0) AND NOT (s.ord > 15 AND u.id %% 7 = 0)
"""

PEOPLE = f"""
INSERT INTO orgunits_person (id, name, sex, birth_date, ethnicity, education, political_status, phone,
  id_number, registered_in_id, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT %(person_base)s + n,
  {_pick(SURNAMES)} || {_pick(GIVEN)} || CASE WHEN random() < 0.7 THEN {_pick(GIVEN)} ELSE '' END,
  CASE WHEN random() < 0.92 THEN 'F' ELSE 'M' END, DATE '1960-01-01' + floor(random() * 365 * 42)::int,
  CASE WHEN random() < 0.98 THEN '汉族' ELSE '回族' END, {_pick(EDUCATION)}, {_pick(POLITICAL)},
  '13' || lpad(n::text, 9, '0'), NULL, unit_id, now(), now()
FROM roster_seats ORDER BY n
"""

TERMS = f"""
INSERT INTO orgunits_term (id, unit_id, ordinal, elected_on, due_on, closed_on) OVERRIDING SYSTEM VALUE
SELECT %(term_base)s + row_number() OVER (ORDER BY unit_id), unit_id, 2, '{ELECTED_ON}', '{DUE_ON}', NULL
FROM (SELECT DISTINCT unit_id FROM roster_seats) AS units
"""

APPOINTMENTS = f"""
INSERT INTO orgunits_appointment (id, person_id, unit_id, post_id, term_id, start_on, end_on, mode, created_at)
OVERRIDING SYSTEM VALUE
SELECT %(appointment_base)s + s.n, %(person_base)s + s.n, s.unit_id, s.post_id, t.id, '{ELECTED_ON}', NULL,
  CASE WHEN s.ord = 1 AND random() < 0.3 THEN 'full' ELSE 'part' END, now()
FROM roster_seats s JOIN orgunits_term t ON t.unit_id = s.unit_id AND t.id > %(term_base)s
ORDER BY s.n
"""

# The previous term's appointment of three in ten holders: re-elected, so not 新任.
EARLIER = f"""
INSERT INTO orgunits_appointment (id, person_id, unit_id, post_id, term_id, start_on, end_on, mode, created_at)
OVERRIDING SYSTEM VALUE
SELECT %(earlier_base)s + n, %(person_base)s + n, unit_id, post_id, NULL,
  '{EARLIER_START}', '{EARLIER_END}', 'part', now()
FROM roster_seats WHERE n %% 10 < 3 ORDER BY n
"""

ROLES = """
INSERT INTO orgunits_appointment_concurrent_roles (appointment_id, concurrentrole_id)
SELECT %(appointment_base)s + s.n, r.id FROM roster_seats s
CROSS JOIN LATERAL (SELECT random() AS committee, random() AS three) AS draw
JOIN orgunits_concurrentrole r ON (r.code = 'village_party_committee' AND draw.committee < 0.85)
  OR (r.code = 'village_committee' AND draw.committee >= 0.3 AND draw.committee < 0.95)
  OR (r.code IN ('family_planning', 'maternal_child_health') AND draw.three < 0.35)
WHERE s.ord = 1
"""


def _next_id(table: str) -> int:
    return execute(f"SELECT coalesce(max(id), 0) FROM {table}")[0][0] + 1_000


def _bases() -> dict:
    people, appointments = _next_id("orgunits_person"), _next_id("orgunits_appointment")
    return {
        "person_base": people,
        "term_base": _next_id("orgunits_term"),
        "appointment_base": appointments,
        "earlier_base": appointments + 10_000_000,
    }


def _province_range() -> dict:
    [(path,)] = execute("SELECT path FROM orgunits_orgunit WHERE code = %s", [PROVINCE_CODE])
    return {"low": path, "high": path[:-1] + chr(ord(path[-1]) + 1)}


def _establish(bounds: dict) -> int:
    """Give the province's villages without an organisation one, remembering which (for remove_seed)."""
    execute(f"CREATE TABLE IF NOT EXISTS {MARKER}_established (unit_id bigint PRIMARY KEY)")
    execute(
        f"INSERT INTO {MARKER}_established SELECT u.id FROM orgunits_orgunit u JOIN orgunits_unitkind k "
        "ON k.id = u.kind_id AND k.code IN ('village', 'community') WHERE u.path >= %(low)s AND u.path < %(high)s "
        "AND u.org_established_on IS NULL",
        bounds,
    )
    execute(
        "UPDATE orgunits_orgunit SET org_established_on = '2018-03-08' "
        f"WHERE id IN (SELECT unit_id FROM {MARKER}_established)"
    )
    return execute(f"SELECT count(*) FROM {MARKER}_established")[0][0]


# In the order rows can be deleted: appointments refer to people and terms.
SEEDED_TABLES = {"appointment": "orgunits_appointment", "term": "orgunits_term", "person": "orgunits_person"}


def _advance_sequences() -> dict:
    """Move each identity past the ids written, so later inserts cannot collide; return the last ids."""
    last = {}
    for name, table in SEEDED_TABLES.items():
        last[f"{name}_last"] = execute(f"SELECT max(id) FROM {table}")[0][0]
        execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last[f"{name}_last"]])
    return last


def seeded() -> dict | None:
    """The id bases of a seed still in the database, if any. Reloading the country (the load section's
    TRUNCATE … CASCADE) takes the seeded rows but leaves the marker, which then read as a seed of nothing
    and the bench measured empty lists: such a marker is dropped."""
    if not execute("SELECT to_regclass(%s)", [MARKER])[0][0]:
        return None
    bases = dict(execute(f"SELECT name, value FROM {MARKER}"))
    base = bases.get("appointment_base")
    # The seed's ids start one past each base (base + n, n from 1): look for its first appointment.
    if (
        base is not None
        and execute("SELECT EXISTS (SELECT 1 FROM orgunits_appointment WHERE id = %s)", [base + 1])[0][0]
    ):
        return bases
    execute(f"DROP TABLE IF EXISTS {MARKER}, {MARKER}_established")
    return None


def seed() -> dict:
    """Write the seed in one transaction and return its counts."""
    bounds, bases = _province_range(), _bases()
    params = {**bounds, **bases}
    with transaction.atomic():
        established = _establish(bounds)
        execute("SELECT setseed(0.2026)")
        for statement in (SEATS_TABLE, PEOPLE, TERMS, APPOINTMENTS, EARLIER, ROLES):
            execute(statement, params)
        bases.update(_advance_sequences())
        execute(f"CREATE TABLE {MARKER} (name text PRIMARY KEY, value bigint)")
        execute(f"INSERT INTO {MARKER} VALUES " + ",".join(f"('{k}', {v})" for k, v in bases.items()))
    for table in ("orgunits_person", "orgunits_term", "orgunits_appointment", "orgunits_appointment_concurrent_roles"):
        execute(f"VACUUM (ANALYZE) {table}")  # autovacuum may be off: plans need the new statistics
    return {**bases, "established": established}


def remove_seed() -> None:
    """Delete exactly the rows `seed` wrote, and take back the organisations it gave."""
    bases = seeded()
    if bases is None:
        return
    with transaction.atomic():
        execute(
            "DELETE FROM orgunits_appointment_concurrent_roles "
            "WHERE appointment_id BETWEEN %(appointment_base)s AND %(appointment_last)s",
            bases,
        )
        for name, table in SEEDED_TABLES.items():
            execute(f"DELETE FROM {table} WHERE id BETWEEN %({name}_base)s AND %({name}_last)s", bases)
        execute(
            "UPDATE orgunits_orgunit SET org_established_on = NULL "
            f"WHERE id IN (SELECT unit_id FROM {MARKER}_established)"
        )
        execute(f"DROP TABLE {MARKER}, {MARKER}_established")
    for table in ("orgunits_person", "orgunits_term", "orgunits_appointment"):
        execute(f"VACUUM (ANALYZE) {table}")
