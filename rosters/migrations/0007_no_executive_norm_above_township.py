"""执委 seats of the nation, provinces, cities and counties, left from the one default every kind once had
(15, the village norm), are removed: the post-reform norms (../shared/DOMAIN.md) are a village's and a
township's; a county's 执委 are as many as its congress elects, so 执委配备 had measured a county 妇联
against a village's norm (本级 24 in post of 15, 160%). Seats an administrator set to another number
stay; the history of the removed rows keeps them."""

from django.db import migrations

UPPER_KINDS = ("nation", "province", "city", "county")
EXECUTIVE = "执委"
OLD_DEFAULT = 15


def remove_village_norm_above_township(apps, schema_editor):
    PostSeats = apps.get_model("rosters", "PostSeats")
    PostSeats.objects.filter(post__name=EXECUTIVE, kind__code__in=UPPER_KINDS, seats=OLD_DEFAULT).delete()


def restore(apps, schema_editor):
    PostSeats, Post = apps.get_model("rosters", "PostSeats"), apps.get_model("rosters", "Post")
    UnitKind = apps.get_model("orgunits", "UnitKind")
    post = Post.objects.filter(name=EXECUTIVE).first()
    if post is None:
        return
    for kind in UnitKind.objects.filter(code__in=UPPER_KINDS):
        PostSeats.objects.get_or_create(post=post, kind=kind, defaults={"seats": OLD_DEFAULT})


class Migration(migrations.Migration):
    dependencies = [("rosters", "0006_person_name_trigram")]

    operations = [migrations.RunPython(remove_village_norm_above_township, restore)]
