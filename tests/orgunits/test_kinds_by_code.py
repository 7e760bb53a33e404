"""Unit kinds come from the division code (issue 13, point 2), and a database typed by name is corrected."""

import datetime
import importlib
import shutil
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q

from orgunits import errors
from orgunits.loader import kind_for_code
from orgunits.models import OrgUnit
from orgunits.services import unit_create
from registry.management.commands.load_demo import DEMO_DIR
from rosters.models import PostSeats
from stats.coverage import coverage
from tests.base import kind, unit

pytestmark = pytest.mark.django_db

migration = importlib.import_module("orgunits.migrations.0011_kinds_by_code")


@pytest.mark.parametrize(
    ("tail", "township_level", "village_level"),
    [
        ("000", "street", "community"),  # 金门县's placeholders, counted with the first range
        ("001", "street", "community"),
        ("099", "street", "community"),
        ("100", "township", "community"),
        ("199", "township", "community"),
        ("200", "township", "village"),
        ("399", "township", "village"),
        ("400", "devzone", "community"),
        ("599", "devzone", "community"),
        ("600", None, "village"),
        ("799", None, "village"),
        ("800", None, None),
        ("999", None, None),
    ],
)
def test_the_last_three_digits_give_the_kind(tail, township_level, village_level):
    assert kind_for_code("431321" + tail) == township_level
    assert kind_for_code("431321101" + tail) == village_level


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("43", "province"),
        ("4313", "city"),
        ("4390", "city"),  # 省直辖县级行政区划 groups counties like a city does
        ("431321", "county"),
        ("110101", "county"),  # a 市辖区
        ("4313211", None),
        ("43132110100", None),
        ("XH-COUNTY-AGENCY", None),
        ("91431321MA4L0000X1", None),
    ],
)
def test_the_length_gives_the_upper_levels(code, expected):
    assert kind_for_code(code) == expected


def load(directory) -> str:
    out = StringIO()
    call_command("load_divisions", str(directory), stdout=out)
    return out.getvalue()


def kinds_under(code: str) -> Counter:
    return Counter(OrgUnit.objects.subtree(unit(code)).values_list("kind__code", flat=True))


def test_demo_counties_are_typed_by_code():
    output = load(DEMO_DIR / "divisions")
    assert (
        "已新增888个单位（全国1个，省2个，市2个，县2个，乡镇23个，街道2个，开发区等2个，村766个，社区88个）" in output
    )
    shuangfeng, xianghe = kinds_under("431321"), kinds_under("131024")
    assert (shuangfeng["village"], shuangfeng["community"]) == (466, 57)
    assert (shuangfeng["township"], shuangfeng["street"], shuangfeng["devzone"]) == (14, 2, 0)
    assert (xianghe["village"], xianghe["community"]) == (300, 31)
    assert (xianghe["township"], xianghe["street"], xianghe["devzone"]) == (9, 0, 2)
    # The 29 …社区居民委员会 that the names made villages, and the 2 类似居民委员会 of the 开发区.
    communities = OrgUnit.objects.subtree(unit("131024")).filter(kind__code="community")
    assert communities.filter(name__endswith="社区居民委员会").count() == 29
    assert communities.filter(Q(code__regex=r"^[0-9]{9}[45]")).count() == 2
    assert unit("131024500").kind.code == "devzone"  # 河北香河经济开发区


def test_a_code_outside_the_rules_is_refused_with_its_row(fixtures_dir, tmp_path):
    shutil.copytree(fixtures_dir / "divisions/small", tmp_path, dirs_exist_ok=True)
    streets = tmp_path / "streets.csv"
    streets.write_text(streets.read_text(encoding="utf-8") + '431321600,"六百镇",431321,43,4313\n', encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        load(tmp_path)
    expected = errors.CSV_CODE_OUTSIDE_RULES.format(
        file="streets.csv", line=5, column="code", code="431321600", tail="600", last="599"
    )
    assert expected in str(exc.value)
    assert OrgUnit.objects.count() == 0


def test_the_devzone_kind_is_placed_and_staffed_like_a_township():
    devzone, township = kind("devzone"), kind("township")
    assert (devzone.name, devzone.org_form, devzone.is_area, devzone.eligible_by_default) == (
        "开发区等",
        "federation",
        True,
        True,
    )
    assert set(devzone.allowed_parents.all()) == set(township.allowed_parents.all())
    for child in township.allowed_children.all():
        assert devzone in child.allowed_parents.all(), child.code

    def seats(kind):
        return set(PostSeats.objects.filter(kind=kind).values_list("post__name", "seats"))

    assert seats(devzone) == seats(township) == {("主席", 1), ("副主席", 3), ("执委", 25)}


def test_villages_and_agencies_can_be_added_under_a_devzone():
    load(DEMO_DIR / "divisions")
    zone = unit("131024500")
    village = unit_create(parent=zone, code="131024500201", name="开发区新村", kind=kind("village"))
    agency = unit_create(parent=zone, code="XH-ZONE-OFFICE", name="开发区管委会", kind=kind("agency"))
    assert village.parent() == zone and agency.parent() == zone


def test_the_coverage_table_has_a_devzone_column():
    load(DEMO_DIR / "divisions")
    table = coverage(unit("131024"), datetime.date(2025, 12, 31))
    assert [k.code for k in table.kinds] == ["county", "township", "devzone", "village", "community"]
    assert table.summary.tally(kind("devzone")).eligible == 2
    assert table.summary.tally(kind("township")).eligible == 9
    zone_row = next(row for row in table.rows if row.label == "河北香河经济开发区")
    assert zone_row.tally(kind("community")).eligible == 1


# ---------------------------------------------------------------- the migration


def type_by_name_as_before():
    """What the old loader did: 街道 by name, 社区/居委会 by name, everything else 乡镇 or 村."""
    area = OrgUnit.objects.filter(code__regex=r"^([0-9]{9}|[0-9]{12})$")
    nine, twelve = area.filter(code__regex=r"^[0-9]{9}$"), area.filter(code__regex=r"^[0-9]{12}$")
    street, township, community, village = kind("street"), kind("township"), kind("community"), kind("village")
    # Only the rows that change, so that a national tree is re-typed in seconds.
    nine.filter(name__endswith="街道").exclude(kind=street).update(kind=street)
    nine.exclude(name__endswith="街道").exclude(kind=township).update(kind=township)
    by_name = Q(name__endswith="社区") | Q(name__endswith="居委会")
    twelve.filter(by_name).exclude(kind=community).update(kind=community)
    twelve.exclude(by_name).exclude(kind=village).update(kind=village)


def run_migration():
    """The migration's function with the models as they stand before it, on this test's database."""
    apps = MigrationLoader(connection).project_state(("orgunits", "0010_account_origin")).apps
    migration.retype_by_code(apps, SimpleNamespace(connection=connection))


def kinds_by_code_are_right() -> bool:
    return all(
        kind_for_code(code) == kind_code
        for code, kind_code in OrgUnit.objects.filter(kind__is_area=True, depth__gt=1).values_list("code", "kind__code")
    )


def nation_history():
    return list(unit("100000").history.order_by("history_date").values_list("history_change_reason", flat=True))


def test_the_migration_retypes_a_database_typed_by_name():
    load(DEMO_DIR / "divisions")
    agency = unit_create(parent=unit("131024"), code="XH-COUNTY-AGENCY", name="县妇联", kind=kind("agency"))
    type_by_name_as_before()
    assert not kinds_by_code_are_right()
    assert kinds_under("131024")["village"] == 329  # the bug, as issue 13 saw it
    with pytest.raises(CommandError, match="库中已有"):  # a re-load before the fix: conflicts
        load(DEMO_DIR / "divisions")
    entries_before = len(nation_history())

    run_migration()

    assert kinds_by_code_are_right()
    assert (kinds_under("131024")["village"], kinds_under("131024")["community"]) == (300, 31)
    assert (kinds_under("431321")["village"], kinds_under("431321")["community"]) == (466, 57)
    assert unit("131024500").kind.code == unit("131024501").kind.code == "devzone"
    assert unit(agency.code).kind.code == "agency"
    history = nation_history()
    assert len(history) == entries_before + 1
    assert history[-1] == migration.SUMMARY.format(source=migration.SOURCE, total=31, detail="开发区等2、社区29")
    assert "没有变化" in load(DEMO_DIR / "divisions")  # no conflicts left to report


def test_the_migration_on_a_database_already_right_writes_nothing():
    load(DEMO_DIR / "divisions")
    before = nation_history()
    run_migration()
    assert nation_history() == before


def test_a_unit_whose_new_kind_would_not_fit_keeps_its_kind_and_is_counted(capsys):
    load(DEMO_DIR / "divisions")
    type_by_name_as_before()
    # An admin allowed social organisations under villages only; one sits in a …社区居民委员会.
    social_org = kind("social_org")
    social_org.allowed_parents.remove(kind("community"))
    host = OrgUnit.objects.filter(code__startswith="131024", name__endswith="社区居民委员会").order_by("code").first()
    assert host.kind.code == "village"
    unit_create(parent=host, code="XH-SOCIAL-ORG", name="巾帼志愿者协会", kind=social_org)

    run_migration()

    assert unit(host.code).kind.code == "village"
    assert kinds_under("131024")["community"] == 30
    expected_reason = migration.SUMMARY.format(
        source=migration.SOURCE, total=30, detail="开发区等2、社区28"
    ) + migration.SUMMARY_LEFT.format(count=1)
    assert nation_history()[-1] == expected_reason
    assert migration.LEFT_LIST.format(count=1, shown=1, codes=host.code) in capsys.readouterr().out


def test_the_migration_reversed_makes_devzones_townships_again():
    load(DEMO_DIR / "divisions")
    # The models as this test's database has them: since rosters 0004 a post's seats per kind are
    # PostSeats (deleted with the kind), no longer the table of a post's kinds.
    apps = MigrationLoader(connection).project_state(("rosters", "0004_post_seats")).apps
    migration.devzones_back_to_townships(apps, SimpleNamespace(connection=connection))
    assert unit("131024500").kind.code == unit("131024501").kind.code == "township"
    assert not OrgUnit.objects.filter(kind__code="devzone").exists()
    assert nation_history()[-1] == migration.REVERSE_SUMMARY.format(source=migration.SOURCE, count=2)
