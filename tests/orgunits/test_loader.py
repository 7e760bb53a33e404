import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orgunits import errors
from orgunits.integrity import find_tree_problems
from orgunits.models import NATION_CODE, OrgUnit
from orgunits.services import unit_create
from tests.base import kind, unit

pytestmark = pytest.mark.django_db


def load(directory, *args):
    from io import StringIO

    out = StringIO()
    call_command("load_divisions", str(directory), *args, stdout=out)
    return out.getvalue()


def snapshot():
    return list(OrgUnit.objects.order_by("path").values_list("path", "code", "name", "kind__code", "numchild"))


def test_loads_the_five_levels_under_a_national_root(fixtures_dir):
    output = load(fixtures_dir / "divisions/small")
    assert "已新增13个单位" in output
    nation = OrgUnit.objects.get(depth=1)
    assert (nation.code, nation.kind.code) == (NATION_CODE, "nation")
    assert unit("431321").parent() == unit("4313")
    assert unit("431321101").kind.code == "township"
    assert unit("431321001").kind.code == "street"
    assert unit("431321001001").kind.code == "community"  # …社区居委会
    assert unit("431321101001").kind.code == "community"  # …社区
    assert unit("431321101202").kind.code == "village"
    assert unit("431321").numchild == 2
    assert not find_tree_problems()


def test_children_are_in_code_order(fixtures_dir):
    load(fixtures_dir / "divisions/small")
    children = list(OrgUnit.objects.children_of(unit("431321101")).values_list("code", flat=True))
    assert children == ["431321101001", "431321101202"]


def test_a_second_run_changes_nothing_and_says_so(fixtures_dir):
    load(fixtures_dir / "divisions/small")
    before = snapshot()
    assert load(fixtures_dir / "divisions/small") == "没有变化：文件中的12个单位都已在库中。\n"
    assert snapshot() == before


def test_bom_and_crlf_files_load_the_same(fixtures_dir):
    load(fixtures_dir / "divisions/bom_crlf")
    first = snapshot()
    assert "没有变化" in load(fixtures_dir / "divisions/small")
    assert snapshot() == first


def test_under_loads_one_county_with_its_ancestors(fixtures_dir):
    load(fixtures_dir / "divisions/small", "--under", "431381")
    assert set(OrgUnit.objects.values_list("code", flat=True)) == {
        NATION_CODE,
        "43",
        "4313",
        "431381",
        "431381001",
        "431381001001",
    }
    load(fixtures_dir / "divisions/small")
    assert OrgUnit.objects.count() == 13
    assert not find_tree_problems()


def test_new_divisions_go_after_units_added_by_hand(fixtures_dir):
    load(fixtures_dir / "divisions/small", "--under", "431381")
    county = unit("431381")
    agency = unit_create(parent=county, code="XH-COUNTY-AGENCY", name="县直机关", kind=kind("agency"))
    load(fixtures_dir / "divisions/small")
    assert agency.path in {u.path for u in OrgUnit.objects.children_of(unit("431381"))}
    assert not find_tree_problems()


def test_under_an_unknown_code_is_an_error(fixtures_dir):
    with pytest.raises(CommandError) as exc:
        load(fixtures_dir / "divisions/small", "--under", "999999")
    assert errors.CSV_UNDER_NOT_FOUND.format(code="999999") in str(exc.value)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "missing_column",
            errors.CSV_MISSING_COLUMNS.format(
                file="villages.csv",
                columns="streetCode",
                header="code,name,street,provinceCode,cityCode,areaCode",
            ),
        ),
        (
            "unknown_parent",
            errors.CSV_UNKNOWN_PARENT.format(file="villages.csv", line=7, column="streetCode", code="431321102"),
        ),
        ("bad_code", errors.CSV_BAD_CODE.format(file="streets.csv", line=5, column="code", code="43132110", length=9)),
        (
            "duplicate_code",
            errors.CSV_DUPLICATE_CODE.format(
                file="villages.csv", line=7, column="code", code="431321101202", first="villages.csv第4行"
            ),
        ),
        ("missing_file", "缺少文件villages.csv"),
    ],
)
def test_bad_files_are_refused_with_the_row_and_column_and_write_nothing(fixtures_dir, case, message):
    with pytest.raises(CommandError) as exc:
        load(fixtures_dir / f"divisions/{case}")
    assert message in str(exc.value)
    assert OrgUnit.objects.count() == 0


def test_conflicting_units_are_named_and_nothing_is_written(fixtures_dir):
    load(fixtures_dir / "divisions/small", "--under", "431321")
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        load(fixtures_dir / "divisions/renamed")
    expected = errors.LOAD_CONFLICT.format(
        code="431321101",
        db_name="荷叶镇",
        db_kind="乡镇",
        db_parent="431321",
        file_name="荷叶乡",
        file_kind="乡镇",
        file_parent="431321",
    )
    assert expected in str(exc.value)
    assert "库中已有1个代码相同但内容不同的单位" in str(exc.value)
    assert snapshot() == before  # 冷水江市 was not added either


def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="目录不存在"):
        load(tmp_path / "nope")


@pytest.mark.postgres
def test_a_large_load_puts_the_foreign_keys_back(fixtures_dir, monkeypatch):
    from django.db import connection

    from orgunits import loader

    def foreign_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'orgunits_orgunit'::regclass AND contype = 'f'"
            )
            return sorted(cursor.fetchall())

    before = foreign_keys()
    monkeypatch.setattr(loader, "RECHECK_FOREIGN_KEYS_AFTER_ROWS", 0)
    load(fixtures_dir / "divisions/small")
    assert before and foreign_keys() == before
    assert OrgUnit.objects.count() == 13
