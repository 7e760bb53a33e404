"""A database migrated from the single-app layout (orgunits + reports) upgrades in place to the apps
named after the domain: the tables, their rows, content types, permissions, group grants and the
admin log all stay, and a grant such as `view_personal_data` keeps working under its new label."""

import datetime

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from access.models import Assignment
from orgunits.models import OrgUnit
from rosters.models import Appointment, Person
from stats.models import DataValue

BEFORE_THE_SPLIT = [
    ("orgunits", "0012_org_outlives_unit_message"),
    ("reports", "0004_survey_reports"),
    ("access", None),
    ("rosters", None),
    ("stats", None),
]
MOVED = {
    "rosters": ["person", "historicalperson", "post", "term", "appointment", "historicalappointment"],
    "access": ["assignment", "historicalassignment", "accountorigin"],
    "stats": ["dataelement", "datavalue", "historicaldatavalue", "indicator", "eligibilityrule"],
}
OLD_APP = {"rosters": "orgunits", "access": "orgunits", "stats": "reports"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([node for node in targets if node[1]]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def old_world(old_apps):
    """Rows written through the models as they were before the split, content types included."""
    content_type = old_apps.get_model("contenttypes", "ContentType")
    permission = old_apps.get_model("auth", "Permission")
    # A TransactionTestCase may run after another has flushed what the migrations seeded.
    kind, _ = old_apps.get_model("orgunits", "UnitKind").objects.get_or_create(code="county", defaults={"name": "县"})
    unit = old_apps.get_model("orgunits", "OrgUnit").objects.create(
        path="0001", depth=1, numchild=0, code="431321", name="双峰县", kind=kind
    )
    person = old_apps.get_model("orgunits", "Person").objects.create(
        name="李梅", sex="F", birth_date=datetime.date(1980, 5, 1), id_number="11010519491231002X"
    )
    post, _ = old_apps.get_model("orgunits", "Post").objects.get_or_create(name="主席")
    old_apps.get_model("orgunits", "Appointment").objects.create(
        person=person, unit=unit, post=post, start_on=datetime.date(2021, 1, 1)
    )
    user_model = old_apps.get_model("auth", "User")
    clerk = user_model.objects.create(username="old-clerk", is_staff=True)
    old_apps.get_model("orgunits", "Assignment").objects.create(user=clerk, unit=unit, role="editor")
    element, _ = old_apps.get_model("reports", "DataElement").objects.get_or_create(
        code="population", defaults={"name": "总人口", "measure": "人", "has_female": True, "group": "population"}
    )
    old_apps.get_model("reports", "DataValue").objects.create(unit=unit, element=element, period="2023", total=1200)
    person_type = content_type.objects.get(app_label="orgunits", model="person")
    personal = permission.objects.get(content_type=person_type, codename="view_personal_data")
    group = old_apps.get_model("auth", "Group").objects.create(name="可看身份证号")
    group.permissions.add(personal)
    clerk.groups.add(group)
    return {"person_type": person_type.pk, "personal": personal.pk, "person": person.pk, "clerk": clerk.pk}


@pytest.mark.django_db(transaction=True)
class AppSplitUpgradeTests(TransactionTestCase):
    def tearDown(self):
        migrate(latest())
        super().tearDown()

    def test_an_old_database_upgrades_in_place(self):
        # Another TransactionTestCase's flush may have left no content types or permissions behind.
        for app in MOVED:
            create_contenttypes(apps.get_app_config(app), verbosity=0)
            create_permissions(apps.get_app_config(app), verbosity=0)
        old_apps = migrate(BEFORE_THE_SPLIT)
        for app, models in MOVED.items():
            old_labels = set(
                ContentType.objects.filter(app_label=OLD_APP[app], model__in=models).values_list("model", flat=True)
            )
            assert old_labels == set(models), app
        before = old_world(old_apps)
        LogEntry.objects.create(
            user_id=before["clerk"],
            content_type_id=before["person_type"],
            object_id=str(before["person"]),
            object_repr="李梅",
            action_flag=ADDITION,
        )

        migrate(latest())

        person_type = ContentType.objects.get_for_model(Person)
        assert (person_type.app_label, person_type.pk) == ("rosters", before["person_type"])
        for app, models in MOVED.items():
            assert not ContentType.objects.filter(app_label=OLD_APP[app], model__in=models).exists(), app
            assert ContentType.objects.filter(app_label=app, model__in=models).count() == len(models), app
        personal = Permission.objects.get(content_type=person_type, codename="view_personal_data")
        assert personal.pk == before["personal"]
        assert Group.objects.get(name="可看身份证号").permissions.get() == personal
        clerk = get_user_model().objects.get(pk=before["clerk"])
        assert clerk.has_perm("rosters.view_personal_data")
        assert LogEntry.objects.get(object_id=str(before["person"])).get_edited_object() == Person.objects.get()
        assert Person.objects.get().id_number == "11010519491231002X"
        assert Appointment.objects.get().unit == OrgUnit.objects.get(code="431321")
        assert Assignment.objects.get().user == clerk
        assert DataValue.objects.get().total == 1200
        assert Person._meta.db_table == "orgunits_person" and DataValue._meta.db_table == "reports_datavalue"

    def test_a_new_database_has_each_content_type_once_under_its_new_app(self):
        # Another TransactionTestCase may have flushed the content types before this one runs; asking
        # for each model's type recreates a missing one under the model's app, never under the old one.
        for app, models in MOVED.items():
            for model in models:
                assert ContentType.objects.get_for_model(apps.get_model(app, model)).app_label == app
            assert not ContentType.objects.filter(app_label=OLD_APP[app], model__in=models).exists(), app
