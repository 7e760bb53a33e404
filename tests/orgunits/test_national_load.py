"""The real national division files (2023 edition), loaded once on PostgreSQL: kinds by code at scale.

The files are not in the repository (38 MB). NATIONAL_DIVISIONS_DIR says where they are; without
them the tests skip, unless NATIONAL_DATA_REQUIRED=1 (CI), where a skip would hide them.
"""

import os
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import Substr
from django.test import TestCase

from orgunits.loader import LEVELS
from orgunits.models import OrgUnit
from tests.base import unit
from tests.orgunits.test_kinds_by_code import migration, nation_history, run_migration, type_by_name_as_before

DEFAULT_DIR = "/work/shared/data/china-division"
# Seconds. The migration's set-based UPDATEs take a few seconds here; a loop over the rows in
# Python would take minutes, which this catches with a wide margin for slow machines.
MIGRATION_BUDGET_SECONDS = 60


def national_directory() -> Path:
    directory = Path(os.environ.get("NATIONAL_DIVISIONS_DIR", DEFAULT_DIR))
    missing = [level.file for level in LEVELS if not (directory / level.file).is_file()]
    if missing:
        reason = f"national division files missing in {directory}: {', '.join(missing)} (set NATIONAL_DIVISIONS_DIR)"
        if os.environ.get("NATIONAL_DATA_REQUIRED") == "1":
            pytest.fail(f"NATIONAL_DATA_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return directory


def by_tail(depth: int) -> Counter:
    """(kind, first of the code's last three digits) → units, at one depth of the tree."""
    length = {5: 9, 6: 12}[depth]
    rows = (
        OrgUnit.objects.filter(depth=depth)
        .annotate(tail=Substr("code", length - 2, 1))
        .values("kind__code", "tail")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({(row["kind__code"], row["tail"]): row["n"] for row in rows})


def kinds_with_tail(counts: Counter, digits: str) -> dict[str, int]:
    """Units per kind among those whose code's last three digits start with one of the digits."""
    found = Counter()
    for (kind, tail), n in counts.items():
        if tail in digits:
            found[kind] += n
    return dict(found)


@pytest.mark.postgres
class NationalLoadTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = national_directory()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        out = StringIO()
        call_command("load_divisions", str(cls.directory), stdout=out)
        cls.output = out.getvalue()

    def test_the_load_reports_its_counts_per_kind(self):
        assert self.output == (
            "已新增665277个单位（全国1个，省31个，市342个，县2978个，乡镇29575个，街道9067个，开发区等2710个，"
            "村487144个，社区133429个）；0个已在库中，未改动。\n"
        )

    def test_village_level_by_code_groups(self):
        counts = by_tail(6)
        assert kinds_with_tail(counts, "2367") == {"village": 487_144}
        assert kinds_with_tail(counts, "0145") == {"community": 133_429}  # 000–199 and 400–599
        assert sum(counts.values()) == 620_573

    def test_township_level_by_code_groups(self):
        counts = by_tail(5)
        assert kinds_with_tail(counts, "0") == {"street": 9_067}
        assert kinds_with_tail(counts, "1") == {"township": 21_377}
        assert kinds_with_tail(counts, "23") == {"township": 8_198}
        assert kinds_with_tail(counts, "45") == {"devzone": 2_710}
        assert sum(counts.values()) == 41_352

    def test_kinmen_placeholders_count_with_the_first_range(self):
        assert unit("350527000").kind.code == "street"
        assert unit("350527000000").kind.code == "community"

    def test_the_report_counties(self):
        for code, villages, communities in (("431321", 466, 57), ("131024", 300, 31)):
            counts = Counter(OrgUnit.objects.subtree(unit(code)).filter(depth=6).values_list("kind__code", flat=True))
            assert (counts["village"], counts["community"]) == (villages, communities), code

    def test_the_migration_retypes_the_nation_typed_by_name(self):
        type_by_name_as_before()
        assert OrgUnit.objects.filter(depth=6, kind__code="village").count() == 537_175  # as issue 13 saw it
        started = time.perf_counter()
        run_migration()
        seconds = time.perf_counter() - started
        assert seconds < MIGRATION_BUDGET_SECONDS
        assert kinds_with_tail(by_tail(6), "2367") == {"village": 487_144}
        assert kinds_with_tail(by_tail(6), "0145") == {"community": 133_429}
        township_level = by_tail(5)
        assert kinds_with_tail(township_level, "0") == {"street": 9_067}
        assert kinds_with_tail(township_level, "123") == {"township": 29_575}
        assert kinds_with_tail(township_level, "45") == {"devzone": 2_710}
        reason = nation_history()[-1]
        assert reason.startswith(f"{migration.SOURCE}：按区划代码改正单位类型") and "未改" not in reason
        again = StringIO()
        call_command("load_divisions", str(self.directory), stdout=again)
        assert again.getvalue() == "没有变化：文件中的665276个单位都已在库中。\n"
