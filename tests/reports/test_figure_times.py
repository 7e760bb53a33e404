"""A figure changed in bulk (the entry page, the import) records when it changed."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from stats.models import DataValue
from stats.services import datavalues_save
from tests.base import TreeTestCase
from tests.conftest import FIXTURES

LONG_AGO = timezone.make_aware(datetime.datetime(2001, 1, 1))


class FigureChangeTimeTests(TreeTestCase):
    def age_everything(self):
        DataValue.objects.update(updated_at=LONG_AGO)

    def test_the_entry_page_service_stamps_the_figures_it_changes_only(self):
        datavalues_save(unit=self.heye, period="2025", values={"cadres": (20, 7), "party_members": (50, 10)})
        self.age_everything()
        datavalues_save(unit=self.heye, period="2025", values={"cadres": (21, 7), "party_members": (50, 10)})
        stamped = dict(DataValue.objects.values_list("element__code", "updated_at"))
        assert stamped["party_members"] == LONG_AGO
        assert stamped["cadres"] > LONG_AGO

    def test_an_import_stamps_the_figures_it_changes(self):
        call_command("import_stats", str(FIXTURES / "stats" / "long_gbk.csv"), stdout=StringIO())
        self.age_everything()
        DataValue.objects.filter(element__code="cadres").update(total=119)
        call_command("import_stats", str(FIXTURES / "stats" / "long_gbk.csv"), stdout=StringIO())
        stamped = dict(DataValue.objects.values_list("element__code", "updated_at"))
        assert stamped.pop("cadres") > LONG_AGO
        assert set(stamped.values()) == {LONG_AGO}
