from django.db import migrations

# code, name, the unit kinds where it is expected (应建)
KINDS = [
    ("women_home", "妇女之家", ["village", "community"]),
    ("children_home", "儿童之家", ["village", "community"]),
    ("book_house", "巾帼书屋", ["village", "community"]),
]


def seed(apps, schema_editor):
    FacilityKind = apps.get_model("facilities", "FacilityKind")
    UnitKind = apps.get_model("orgunits", "UnitKind")
    for order, (code, name, expected) in enumerate(KINDS, start=1):
        kind, _ = FacilityKind.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        kind.expected_in.set(UnitKind.objects.filter(code__in=expected))


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial"), ("orgunits", "0015_apply_divisionchange_permission")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
