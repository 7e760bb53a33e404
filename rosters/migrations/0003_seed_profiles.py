"""The national default profile sets: the four age bands the reports always used (labelled exactly as
before, so old reports read the same) and three education groups. Owner null: the whole country."""

from django.db import migrations

AGE_BANDS = [
    ("35岁及以下", None, 35),
    ("36–45岁", 36, 45),
    ("46–55岁", 46, 55),
    ("56岁及以上", 56, None),
]
EDUCATION_GROUPS = [
    ("大学以上", ["研究生", "大学本科", "大学专科"]),
    ("高中及中专", ["高中", "中专"]),
    ("初中及以下", ["初中及以下"]),
]


def seed(apps, schema_editor):
    AgeBandSet, AgeBand = apps.get_model("rosters", "AgeBandSet"), apps.get_model("rosters", "AgeBand")
    GroupSet, Group = apps.get_model("rosters", "EducationGroupSet"), apps.get_model("rosters", "EducationGroup")
    if not AgeBandSet.objects.filter(owner__isnull=True, is_default=True).exists():
        ages = AgeBandSet.objects.create(name="全国通用年龄段", is_default=True)
        for position, (label, lower, upper) in enumerate(AGE_BANDS):
            AgeBand.objects.create(set=ages, label=label, lower=lower, upper=upper, position=position)
    if not GroupSet.objects.filter(owner__isnull=True, is_default=True).exists():
        groups = GroupSet.objects.create(name="全国通用文化程度分组", is_default=True)
        for position, (label, levels) in enumerate(EDUCATION_GROUPS):
            Group.objects.create(set=groups, label=label, levels=levels, position=position)


def unseed(apps, schema_editor):
    for name in ("AgeBandSet", "EducationGroupSet"):
        apps.get_model("rosters", name).objects.filter(owner__isnull=True, is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rosters", "0002_profiles")]

    operations = [migrations.RunPython(seed, unseed)]
