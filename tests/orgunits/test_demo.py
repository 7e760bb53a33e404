import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from orgunits.models import OrgUnit
from reports.coverage import coverage
from reports.models import DataValue


@pytest.mark.django_db
def test_the_demo_loads_twice_without_changes_and_has_something_to_show():
    call_command("load_demo", "--superuser", stdout=StringIO())
    before = (OrgUnit.objects.count(), DataValue.objects.count())
    out = StringIO()
    call_command("load_demo", "--superuser", stdout=out)
    assert "新增区划0个、机关企事业单位0个" in out.getvalue()
    assert (OrgUnit.objects.count(), DataValue.objects.count()) == before == (907, 22)
    villages = coverage(OrgUnit.objects.get(code="431321"), datetime.date(2025, 12, 31)).summary
    village = villages.by_kind[OrgUnit.objects.filter(code__endswith="201").first().kind_id]
    assert 0 < village.established < village.eligible  # gaps to show, on purpose


@pytest.mark.django_db
def test_the_demo_loads_again_after_users_added_units_of_their_own():
    from orgunits.models import UnitKind
    from orgunits.services import unit_create

    call_command("load_demo", stdout=StringIO())
    township = OrgUnit.objects.get(code="431321101")
    added = unit_create(
        parent=township,
        code="431321101999",
        name="新建村",
        kind=UnitKind.objects.get(code="village"),
        opened_on=datetime.date(2025, 3, 1),
    )
    call_command("load_demo", stdout=StringIO())  # used to fail: organisation dated before the unit opened
    added.refresh_from_db()
    assert added.org_established_on is None


@pytest.mark.django_db
def test_the_demo_personas_are_created_once_and_see_only_their_own_units():
    from django.contrib.auth import get_user_model

    from orgunits.models import Assignment
    from orgunits.scope import Scope

    call_command("load_demo", "--personas", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", "--personas", stdout=out)
    assert "演示账号已存在：用户名 shuangfeng" in out.getvalue()
    assert Assignment.objects.count() == 2
    users = get_user_model().objects
    county_clerk, township_clerk = users.get(username="shuangfeng"), users.get(username="yongfeng")
    assert county_clerk.check_password("fulian-demo-2026") and county_clerk.is_staff
    assert not county_clerk.is_superuser and not township_clerk.is_superuser
    assert county_clerk.has_perms(["orgunits.add_orgunit", "orgunits.add_assignment", "reports.change_datavalue"])
    assert township_clerk.has_perms(["orgunits.add_orgunit", "reports.change_datavalue"])
    assert not township_clerk.has_perm("orgunits.add_assignment")
    heye = OrgUnit.objects.get(code="431321101")
    assert Scope.for_user(county_clerk).can_edit(heye)
    assert not Scope.for_user(township_clerk).can_view(heye)
