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
