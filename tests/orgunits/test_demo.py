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
