"""Unit kinds by code, not by name (issue 13, point 2).

The loader used to take the kind from the name, so the …居民委员会 communities became villages and
the 开发区, 农场 and 林场 became 乡镇. This migration:

- adds the kind 开发区等 (devzone): the 类似乡级单位 of the coding rules (township codes 400–599).
  It sits where a 乡镇 may sit, hosts a 妇联 like one, counts for coverage, may hold what a 乡镇
  may hold, and takes the posts a 乡镇 takes;
- re-types the township- and village-level units by the last three digits of their code, with the
  rules of orgunits.loader (KIND_BY_TAIL): one UPDATE per target kind, whatever the tree's size;
- writes one summary history entry on the national root.

Only units of the kinds the old loader gave (乡镇 and 街道 for 9 digits, 村 and 社区 for 12) with an
all-digit code are touched: agencies, enterprises and units with codes of their own stay as they
are. A unit whose new kind would not fit its parent, or a child of its, keeps its kind and is
listed; a re-load then names it as a conflict.
"""

from django.db import connections, migrations
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

SOURCE = "迁移 0011_kinds_by_code"
DEVZONE = {
    "code": "devzone",
    "name": "开发区等",
    "org_form": "federation",
    "is_area": True,
    "eligible_by_default": True,
    "sort_order": 65,  # after 街道 (60), before 村 (70): the order of the code ranges
}
STEPLEN = 4
PATH_MAX_LENGTH = 255

# The rules as this migration applies them, frozen here so that a later change to the loader does
# not change what the migration did: (code length, first digit of the last three, new kind, the
# kinds the old loader could have given instead).
RETYPES = [
    (9, "0", "street", ("township",)),
    (9, "123", "township", ("street",)),
    (9, "45", "devzone", ("township", "street")),
    (12, "0145", "community", ("village",)),
    (12, "2367", "village", ("community",)),
]

SUMMARY = "{source}：按区划代码改正单位类型{total}个（{detail}）"
SUMMARY_LEFT = "；{count}个与上下级类型不合，未改"
LEFT_LIST = "以下{count}个单位按代码应改类型，但改后与上级或下级的类型不合，未改（列出前{shown}个）：{codes}"
REVERSE_SUMMARY = "{source}回退：开发区等{count}个改回乡镇"


def _candidates(OrgUnit, using, kinds, length, digits, sources):
    # Separate filters keep this order in the SQL: the cheap tests first, the regular expression
    # (all digits: an administrative code, not a code of the user's own) only on what is left.
    return (
        OrgUnit.objects.using(using)
        .filter(kind_id__in=[kinds[code] for code in sources])
        .alias(tail=Substr("code", length - 2, 1))
        .filter(tail__in=list(digits))
        .filter(code__regex=f"^[0-9]{{{length}}}$")
    )


def _fits(OrgUnit, using, parent_kinds, child_kinds):
    """The unit's parent is of a kind in parent_kinds, and each child's kind is in child_kinds."""
    units = OrgUnit.objects.using(using)
    parent = units.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - STEPLEN), kind_id__in=parent_kinds
    )
    # A range on path, as OrgUnit.subtree_range, so the unique path index finds the children.
    misfit_child = units.filter(
        path__gt=OuterRef("path"),
        path__lte=Concat(OuterRef("path"), Value("Z" * PATH_MAX_LENGTH)),
        depth=OuterRef("depth") + 1,
    ).exclude(kind_id__in=child_kinds)
    return Exists(parent) & (Q(numchild=0) | ~Exists(misfit_child))


def add_devzone(apps, using):
    UnitKind = apps.get_model("orgunits", "UnitKind")
    Post = apps.get_model("orgunits", "Post")
    kinds = UnitKind.objects.using(using)
    township = kinds.get(code="township")
    devzone, created = kinds.update_or_create(code=DEVZONE["code"], defaults=DEVZONE)
    devzone.allowed_parents.set(township.allowed_parents.all())
    for child in kinds.filter(allowed_parents=township):
        child.allowed_parents.add(devzone)
    # Since rosters 0004 a post's seats per kind (PostSeats) replace this table, and that migration
    # gives the devzone a township's seats; a database already past it has no table to write.
    post_kinds = getattr(Post, "kinds", None)  # gone from the models of today (tests/base.py ensure_kinds)
    if post_kinds is not None and post_kinds.through._meta.db_table in connections[using].introspection.table_names():
        for post in Post.objects.using(using).filter(kinds=township):
            post.kinds.add(devzone)
    if created:
        apps.get_model("orgunits", "HistoricalUnitKind").objects.using(using).create(
            id=devzone.pk,
            **{field: getattr(devzone, field) for field in DEVZONE},
            history_date=timezone.now(),
            history_type="+",
            history_change_reason=SOURCE,
        )


def _record(apps, using, reason):
    """One history entry on each root (the national root, in a loaded tree), like the loader's."""
    OrgUnit = apps.get_model("orgunits", "OrgUnit")
    HistoricalOrgUnit = apps.get_model("orgunits", "HistoricalOrgUnit")
    copied = [
        field.attname
        for field in HistoricalOrgUnit._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    now = timezone.now()
    for root in OrgUnit.objects.using(using).filter(depth=1):
        HistoricalOrgUnit.objects.using(using).create(
            **{name: getattr(root, name) for name in copied},
            history_date=now,
            history_type="~",
            history_change_reason=reason[:100],
        )


def retype_by_code(apps, schema_editor):
    using = schema_editor.connection.alias
    if schema_editor.connection.vendor == "postgresql":
        # Compiling these few scans with JIT costs more (about 0.6 s each) than it saves.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    add_devzone(apps, using)
    UnitKind = apps.get_model("orgunits", "UnitKind")
    OrgUnit = apps.get_model("orgunits", "OrgUnit")
    kinds = dict(UnitKind.objects.using(using).values_list("code", "pk"))
    names = dict(UnitKind.objects.using(using).values_list("code", "name"))
    through = UnitKind.allowed_parents.through.objects.using(using)
    now = timezone.now()
    changed = {}
    # Townships first, so that a village's parent is judged by its new kind.
    for length, digits, target, sources in RETYPES:
        parent_kinds = through.filter(from_unitkind_id=kinds[target]).values("to_unitkind_id")
        child_kinds = through.filter(to_unitkind_id=kinds[target]).values("from_unitkind_id")
        changed[target] = (
            _candidates(OrgUnit, using, kinds, length, digits, sources)
            .filter(_fits(OrgUnit, using, parent_kinds, child_kinds))
            .update(kind_id=kinds[target], updated_at=now)
        )
    left = OrgUnit.objects.none()
    for length, digits, _target, sources in RETYPES:
        left |= _candidates(OrgUnit, using, kinds, length, digits, sources)
    left_count = left.count()
    if left_count:
        shown = list(left.order_by("code").values_list("code", flat=True)[:30])
        print(LEFT_LIST.format(count=left_count, shown=len(shown), codes="、".join(shown)))
    total = sum(changed.values())
    if not total and not left_count:
        return
    detail = "、".join(f"{names[code]}{count}" for code, count in changed.items() if count)
    reason = SUMMARY.format(source=SOURCE, total=total, detail=detail or "无")
    if left_count:
        reason += SUMMARY_LEFT.format(count=left_count)
    _record(apps, using, reason)


def devzones_back_to_townships(apps, schema_editor):
    """Before this migration there was no 开发区等: they become 乡镇 again, as the old loader had them.
    The other kinds keep their corrected values, which the old code accepts as well."""
    using = schema_editor.connection.alias
    UnitKind = apps.get_model("orgunits", "UnitKind")
    OrgUnit = apps.get_model("orgunits", "OrgUnit")
    devzone = UnitKind.objects.using(using).filter(code=DEVZONE["code"]).first()
    if devzone is None:
        return
    township = UnitKind.objects.using(using).get(code="township")
    count = OrgUnit.objects.using(using).filter(kind=devzone).update(kind=township, updated_at=timezone.now())
    devzone.delete()
    if count:
        _record(apps, using, REVERSE_SUMMARY.format(source=SOURCE, count=count))


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0010_account_origin")]
    operations = [migrations.RunPython(retype_by_code, devzones_back_to_townships)]
