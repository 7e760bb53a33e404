"""One county of 娄底 before and after a division change on 2023-06-30: 村改居, 乡 → 镇 with its villages
recoded, a village moved to another township, a new street. Built once per class."""

import datetime

from django.test import TestCase

from orgunits.division_apply import divisions_apply
from orgunits.division_matching import MappingEntry
from orgunits.loader import Division, load_divisions
from orgunits.models import OrgUnit
from tests.base import unit

CHANGED_ON = datetime.date(2023, 6, 30)
BEFORE = datetime.date(2023, 6, 29)
TOP = [
    Division("43", "湖南省", "province", None),
    Division("4313", "娄底市", "city", "43"),
    Division("431302", "娄星区", "county", "4313"),
]
EDITION_2022 = [
    *TOP,
    Division("431302101", "杉山镇", "township", "431302"),
    Division("431302101210", "方石村", "village", "431302101"),
    Division("431302101201", "大坪村", "village", "431302101"),
    Division("431302102", "茅塘乡", "township", "431302"),
    Division("431302102201", "甲村", "village", "431302102"),
    Division("431302102202", "乙村", "village", "431302102"),
]
EDITION_2023 = [
    *TOP,
    Division("431302101", "杉山镇", "township", "431302"),
    # 村改居: recoded and retyped.
    Division("431302101012", "方石社区", "community", "431302101"),
    # 乡 → 镇: renamed and recoded, its villages recoded under it.
    Division("431302106", "茅塘镇", "township", "431302"),
    Division("431302106201", "甲村", "village", "431302106"),
    Division("431302106202", "乙村", "village", "431302106"),
    # Moved to 茅塘镇 with a new code (the mapping says it is the same village).
    Division("431302106203", "大坪村", "village", "431302106"),
    # A new street with a new community.
    Division("431302007", "兴隆街道", "street", "431302"),
    Division("431302007001", "兴隆社区", "community", "431302007"),
]
MAPPING = [MappingEntry(2, "431302101201", "431302106203", "同一单位")]


class ChangedCountyTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_divisions([*EDITION_2022, Division("431321", "双峰县", "county", "4313")])
        OrgUnit.objects.update(org_established_on=datetime.date(2020, 1, 1))
        cls.fangshi, cls.daping = unit("431302101210"), unit("431302101201")
        divisions_apply(divisions=EDITION_2023, on=CHANGED_ON, edition="2023", under=unit("431302"), mapping=MAPPING)
        cls.county = OrgUnit.objects.select_related("kind").get(code="431302")
