"""The activity types the seed survey reports speak of, with the counts each uses and their wording."""

from django.db import migrations

TYPES = [
    # code, name, {count: (phrase, measure word)}
    ("training", "培训", {"sessions": ("举办各类培训", "场次"), "participants": ("培训妇女", "人次")}),
    (
        "rights_week",
        "三八维权周",
        {"sessions": ("开展维权宣传活动", "场次"), "participants": ("参与群众", "人次"), "cases": ("接受法律咨询", "件次")},
    ),
    (
        "volunteers",
        "巾帼志愿服务",
        {"sessions": ("开展志愿服务活动", "场次"), "participants": ("志愿者参与", "人次"), "served": ("服务群众", "人")},
    ),
    ("families", "家庭创建", {"sessions": ("开展家庭创建活动", "场次"), "households": ("参与家庭", "户")}),
    ("screening", "两癌筛查", {"served": ("为妇女免费开展两癌筛查", "人"), "amount": ("投入筛查资金", "元")}),
    ("chunlei", "春蕾助学", {"served": ("资助春蕾女童", "人"), "amount": ("发放助学金", "元")}),
    ("hotline", "12338热线", {"cases": ("受理12338热线来电来访", "件次"), "served": ("接待群众", "人次")}),
    ("lectures", "宣讲", {"sessions": ("开展宣讲", "场次"), "participants": ("受众", "人次")}),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    for order, (code, name, measures) in enumerate(TYPES, start=1):
        fields = {}
        for count, (phrase, unit) in measures.items():
            fields[f"{count}_label"], fields[f"{count}_unit"] = phrase, unit
        ActivityType.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order * 10, **fields})


def unseed(apps, schema_editor):
    apps.get_model("activities", "ActivityType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
