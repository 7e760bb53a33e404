from django.db import migrations

# code, name, measure, has a female part, group
ELEMENTS = [
    ("population", "总人口", "人", True, "population"),
    ("cadres", "党政机关干部", "人", True, "cadres"),
    ("section_cadres", "科级干部", "人", True, "cadres"),
    ("township_leaders", "乡镇党政正职", "人", True, "cadres"),
    ("party_delegates", "党代会代表", "人", True, "politics"),
    ("npc_deputies", "人大代表", "人", True, "politics"),
    ("cppcc_members", "政协委员", "人", True, "politics"),
    ("party_members", "党员", "人", True, "politics"),
    ("village_party_committee", "村党组织委员", "人", True, "grassroots"),
    ("branch_secretaries", "村党组织书记", "人", True, "grassroots"),
    ("village_committee", "村委会委员", "人", True, "grassroots"),
    ("village_heads", "村委会主任", "人", True, "grassroots"),
    ("training_sessions", "培训班", "场次", False, "training"),
    ("trainees", "受训人次", "人次", True, "training"),
    ("complaints_received", "受理维权投诉", "件", False, "rights"),
    ("complaints_resolved", "办结维权投诉", "件", False, "rights"),
    ("staff", "干部职工", "人", True, "organisation"),
]

# name, left, operator, right
RULES = [
    ("办结投诉不超过受理投诉", "complaints_resolved", "<=", "complaints_received"),
    ("科级干部不超过党政机关干部", "section_cadres", "<=", "cadres"),
    ("村党组织书记不超过村党组织委员", "branch_secretaries", "<=", "village_party_committee"),
    ("村委会主任不超过村委会委员", "village_heads", "<=", "village_committee"),
]

# code, name, numerator, denominator
RATIOS = [
    ("female_population_share", "女性人口占比", "population.female", "population.total"),
    ("female_cadres_share", "党政机关女干部占比", "cadres.female", "cadres.total"),
    ("female_section_cadres_share", "女科级干部占干部总数比例", "section_cadres.female", "cadres.total"),
    ("female_party_delegates_share", "党代会代表中女性占比", "party_delegates.female", "party_delegates.total"),
    ("female_npc_share", "人大代表中女性占比", "npc_deputies.female", "npc_deputies.total"),
    ("female_cppcc_share", "政协委员中女性占比", "cppcc_members.female", "cppcc_members.total"),
    ("female_party_members_share", "女党员占比", "party_members.female", "party_members.total"),
    (
        "female_village_party_committee_share",
        "村党组织委员中女性占比",
        "village_party_committee.female",
        "village_party_committee.total",
    ),
    ("female_village_committee_share", "村委会委员中女性占比", "village_committee.female", "village_committee.total"),
    ("complaints_resolved_rate", "维权投诉办结率", "complaints_resolved", "complaints_received"),
]

COVERAGE_KINDS = ["township", "street", "village", "community", "agency", "institution", "enterprise", "social_org"]


def seed(apps, schema_editor):
    DataElement = apps.get_model("reports", "DataElement")
    ValidationRule = apps.get_model("reports", "ValidationRule")
    Indicator = apps.get_model("reports", "Indicator")
    UnitKind = apps.get_model("orgunits", "UnitKind")
    for order, (code, name, measure, has_female, group) in enumerate(ELEMENTS, start=1):
        DataElement.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "measure": measure,
                "has_female": has_female,
                "group": group,
                "sort_order": order * 10,
            },
        )
    for name, left, operator, right in RULES:
        ValidationRule.objects.update_or_create(name=name, defaults={"left": left, "operator": operator, "right": right})
    order = 0
    for order, (code, name, numerator, denominator) in enumerate(RATIOS, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={"name": name, "numerator": numerator, "denominator": denominator, "sort_order": order * 10},
        )
    for offset, kind_code in enumerate(COVERAGE_KINDS, start=order + 1):
        kind = UnitKind.objects.get(code=kind_code)
        Indicator.objects.update_or_create(
            code=f"coverage_{kind_code}",
            defaults={"name": f"{kind.name}妇女组织组建率", "coverage_kind": kind, "sort_order": offset * 10},
        )


def unseed(apps, schema_editor):
    apps.get_model("reports", "Indicator").objects.all().delete()
    apps.get_model("reports", "ValidationRule").objects.all().delete()
    apps.get_model("reports", "DataElement").objects.filter(code__in=[e[0] for e in ELEMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("orgunits", "0002_seed_kinds")]
    operations = [migrations.RunPython(seed, unseed)]
