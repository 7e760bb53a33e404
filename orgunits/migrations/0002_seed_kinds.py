from django.db import migrations

# code, name, organisation form, area unit?, allowed parent kinds
KINDS = [
    ("nation", "全国", "federation", True, []),
    ("province", "省", "federation", True, ["nation"]),
    ("city", "市", "federation", True, ["province"]),
    ("county", "县", "federation", True, ["city", "province"]),
    ("township", "乡镇", "federation", True, ["county"]),
    ("street", "街道", "federation", True, ["county", "city"]),
    ("village", "村", "federation", True, ["township", "street"]),
    ("community", "社区", "federation", True, ["township", "street"]),
    ("agency", "机关", "committee", False, ["nation", "province", "city", "county", "township", "street"]),
    ("institution", "事业单位", "committee", False, ["nation", "province", "city", "county", "township", "street"]),
    (
        "enterprise",
        "企业",
        "women_org",
        False,
        ["province", "city", "county", "township", "street", "village", "community"],
    ),
    (
        "social_org",
        "社会组织",
        "women_org",
        False,
        ["province", "city", "county", "township", "street", "village", "community"],
    ),
]


def seed(apps, schema_editor):
    UnitKind = apps.get_model("orgunits", "UnitKind")
    by_code = {}
    for order, (code, name, form, is_area, _parents) in enumerate(KINDS, start=1):
        by_code[code], _ = UnitKind.objects.update_or_create(
            code=code, defaults={"name": name, "org_form": form, "is_area": is_area, "sort_order": order * 10}
        )
    for code, _name, _form, _is_area, parents in KINDS:
        by_code[code].allowed_parents.set([by_code[p] for p in parents])


def unseed(apps, schema_editor):
    apps.get_model("orgunits", "UnitKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
