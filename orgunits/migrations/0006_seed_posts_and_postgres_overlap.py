"""Seed posts and concurrent roles; on PostgreSQL also refuse overlapping appointments in the database.

Seats follow the post-reform pattern (祁东县): a village or community 妇联 has 1 chair, 2 vice-chairs
and 15 executive members; township figures are larger but the default is per organisation.
"""

from django.db import migrations

AREA = ["nation", "province", "city", "county", "township", "street", "village", "community"]
VILLAGE = ["village", "community"]
HOSTS = ["agency", "institution", "enterprise", "social_org"]
# name, leadership, counts as chair, default seats, kinds
POSTS = [
    ("主席", True, True, 1, AREA),
    ("副主席", True, False, 2, AREA),
    ("执委", False, False, 15, AREA),
    ("妇女主任", True, True, 1, VILLAGE),
    ("妇代会主任", True, True, 1, VILLAGE),
    ("委员", False, False, 5, HOSTS),
]
ROLES = [
    ("village_party_committee", "村党组织委员"),
    ("village_committee", "村委会委员"),
    ("family_planning", "计育专干"),
    ("maternal_child_health", "妇幼保健员"),
]

OVERLAP_SQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE orgunits_appointment ADD CONSTRAINT appointment_no_overlap EXCLUDE USING gist "
    "(person_id WITH =, unit_id WITH =, post_id WITH =, daterange(start_on, end_on, '[]') WITH &&)",
]


def seed(apps, schema_editor):
    Post = apps.get_model("orgunits", "Post")
    ConcurrentRole = apps.get_model("orgunits", "ConcurrentRole")
    UnitKind = apps.get_model("orgunits", "UnitKind")
    for order, (name, leadership, chair, seats, kinds) in enumerate(POSTS, start=1):
        post, _ = Post.objects.update_or_create(
            name=name,
            defaults={
                "is_leadership": leadership,
                "counts_as_chair": chair,
                "default_seats": seats,
                "sort_order": order * 10,
            },
        )
        post.kinds.set(UnitKind.objects.filter(code__in=kinds))
    for code, name in ROLES:
        ConcurrentRole.objects.update_or_create(code=code, defaults={"name": name})
    if schema_editor.connection.vendor == "postgresql":
        for sql in OVERLAP_SQL:
            schema_editor.execute(sql)


def unseed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orgunits_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0005_rosters")]
    operations = [migrations.RunPython(seed, unseed)]
