"""Every command as a clerk types it: `python manage.py …` in a process of its own.

call_command skips what only the command line does: the system checks (which once crashed the three import
commands before they opened the file), argparse's usage errors and Django's printing of CommandError. So
each command runs here once as typed, against a database of this module's own: a fresh SQLite file, or on
PostgreSQL (DATABASE_URL) a throwaway database created here and dropped after. It is migrated once, then the
commands run in the order a county would: divisions, the demo county, its units, officers and figures, the
coverage table and the survey report, and check_tree last. What they wrote is read back directly.

Mistakes (a wrong argument, a missing file, an unknown code or user) must end in one Chinese line on stderr
and a non-zero status: no traceback, no English usage dump.
"""

import datetime
import errno
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import ConnectionHandler

from access.scope import OUT_OF_SCOPE
from imports import commands, import_command
from imports import errors as imports_errors
from orgunits import errors as unit_errors
from orgunits.management.commands import check_tree, load_divisions, plan_divisions
from registry.management.commands import load_demo
from reports.management.commands import survey_report
from rosters import errors as roster_errors
from rosters import officers as officer_import
from rosters.management.commands import count_roster_rollups, prune_roster_rollups
from stats.management.commands import export_coverage
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
SMALL = FIXTURES / "divisions" / "small"
COUNTY_UNITS = FIXTURES / "units" / "county_units.xlsx"
OFFICERS_GBK = FIXTURES / "officers" / "officers_gbk.csv"
STATS_LONG = FIXTURES / "stats" / "long_gbk.csv"
FACILITIES = FIXTURES / "facilities" / "facilities.csv"
DUTIES = FIXTURES / "duties" / "duties.csv"
COUNTY_CLERK, TOWNSHIP_EDITOR = "shuangfeng", "yongfeng"  # the demo's personas
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Database:
    url: str
    handler: ConnectionHandler
    blocker: object

    def manage(self, *args) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            # The output is read back as UTF-8 whatever locale the test runner has.
            "PYTHONIOENCODING": "utf-8",
        }
        return subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )

    def rows(self, sql: str, *params) -> list[tuple]:
        with self.blocker.unblock(), self.handler["default"].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def value(self, sql: str, *params):
        (row,) = self.rows(sql, *params)
        return row[0]

    def execute(self, sql: str, *params) -> None:
        with self.blocker.unblock(), self.handler["default"].cursor() as cursor:
            cursor.execute(sql, params)


def throwaway_postgres(url: str):
    """A database beside the run's own, on the same server and role; returns its URL and how to drop it."""
    import psycopg

    config = dj_database_url.parse(url)
    server = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    name = f"commands_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), drop


@pytest.fixture(scope="module")
def database(tmp_path_factory, django_db_blocker):
    run_url = os.environ.get("DATABASE_URL", "")
    if run_url and dj_database_url.parse(run_url)["ENGINE"].endswith("postgresql"):
        url, drop = throwaway_postgres(run_url)
    else:
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('commands') / 'registry.sqlite3'}", None
    handler = ConnectionHandler({"default": dj_database_url.parse(url)})
    try:
        db = Database(url, handler, django_db_blocker)
        migrated = db.manage("migrate", "--noinput", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        yield db
    finally:
        with django_db_blocker.unblock():
            handler.close_all()
        if drop:
            drop()


# The commands that write, each run once per module, in the order a county sets itself up.


@pytest.fixture(scope="module")
def divisions(database):
    # One county of the small fixture with its ancestors: the demo county's codes are not in it.
    return database.manage("load_divisions", SMALL, "--under", "431381")


@pytest.fixture(scope="module")
def demo(database, divisions):
    return database.manage("load_demo", "--superuser", "--personas")


@pytest.fixture(scope="module")
def units(database, demo):
    return database.manage("import_units", COUNTY_UNITS, "--user", COUNTY_CLERK)


@pytest.fixture(scope="module")
def officers(database, units):
    before = people(database)
    return database.manage("import_officers", OFFICERS_GBK, "--user", COUNTY_CLERK), before


@pytest.fixture(scope="module")
def stats(database, officers):
    # The demo has figures of its own, so what is new, changed or the same is judged against what was there.
    before = township_figures(database)
    return database.manage("import_stats", STATS_LONG, "--user", COUNTY_CLERK), before


@pytest.fixture(scope="module")
def facilities(database, stats):
    checked = database.manage("import_facilities", FACILITIES, "--dry-run", "--user", COUNTY_CLERK)
    return checked, database.manage("import_facilities", FACILITIES, "--user", COUNTY_CLERK)


def people(database) -> tuple[int, int]:
    return database.value("SELECT count(*) FROM orgunits_person"), database.value(
        "SELECT count(*) FROM orgunits_appointment"
    )


def township_figures(database) -> dict[str, tuple]:
    """荷叶镇's 2025 figures, which the statistics fixture sets."""
    rows = database.rows(
        "SELECT element.code, value.total, value.female FROM reports_datavalue value"
        " JOIN reports_dataelement element ON element.id = value.element_id"
        " JOIN orgunits_orgunit unit ON unit.id = value.unit_id WHERE unit.code = %s AND value.period = %s",
        "431321101",
        "2025",
    )
    return {code: (total, female) for code, total, female in rows}


def unit_codes(database) -> set[str]:
    return {code for (code,) in database.rows("SELECT code FROM orgunits_orgunit")}


def assert_refused(run: subprocess.CompletedProcess, message: str, status: int = 1):
    """One line of Chinese on stderr, nothing on stdout, the status given."""
    assert "\n" not in message and CHINESE.search(message)
    assert (run.returncode, run.stderr, run.stdout) == (status, message + "\n", "")


def test_load_divisions_loads_a_county_with_its_ancestors(database, divisions):
    assert divisions.returncode == 0, divisions.stderr
    assert divisions.stdout.startswith("已新增6个单位（")
    assert divisions.stdout.endswith("）；0个已在库中，未改动。\n")
    assert divisions.stderr == ""
    assert unit_codes(database) == {"100000", "43", "4313", "431381", "431381001", "431381001001"}


def test_load_demo_adds_the_demo_counties_and_logins(database, demo):
    assert demo.returncode == 0, demo.stderr
    first, division_change, *logins = demo.stdout.splitlines()
    total = database.value("SELECT count(*) FROM orgunits_orgunit")
    assert re.match(rf"演示数据：新增区划\d+个、机关企事业单位\d+个；共{total}个单位。", first)
    assert division_change.startswith("娄星区按2022版区划载入后调整到2023版：区划调整（2023版，2023-06-30）：")
    assert logins[0] == f"演示管理员：用户名 {load_demo.DEMO_USERNAME}，密码 {load_demo.DEMO_PASSWORD}"
    assert [line.split("用户名 ")[1].split("，")[0] for line in logins[1:]] == [COUNTY_CLERK, TOWNSHIP_EDITOR]
    assert {"431321", "131024", "431302", "431381"} <= unit_codes(database)  # the county loaded before stays
    users = dict(database.rows("SELECT username, is_superuser FROM auth_user"))
    assert {name: bool(flag) for name, flag in users.items()} == {
        "admin": True,
        COUNTY_CLERK: False,
        TOWNSHIP_EDITOR: False,
    }


def test_import_units_as_the_county_clerk(database, units):
    assert units.returncode == 0, units.stderr
    assert units.stdout == import_command.IMPORTED.format(summary="新增13个，修改0个，未变0个（其中移动0个）") + "\n"
    assert units.stderr == import_command.UNKNOWN_HEADERS.format(headers="备注") + "\n"
    parent = database.value(
        "SELECT parent.code FROM orgunits_orgunit child JOIN orgunits_orgunit parent"
        " ON child.path LIKE parent.path || '%%' AND child.depth = parent.depth + 1 WHERE child.code = %s",
        "431321113201",
    )
    assert parent == "431321113"
    assert (
        database.value(
            "SELECT count(*) FROM orgunits_historicalorgunit WHERE history_change_reason = %s",
            "命令 import_units county_units.xlsx",
        )
        == 13
    )


def test_import_officers_from_a_gbk_csv(database, officers):
    run, before = officers
    assert run.returncode == 0, run.stderr
    assert (
        run.stdout
        == import_command.IMPORTED.format(summary="新增任职1条，更新0条，未变0条；新增人员1人，更新0人") + "\n"
    )
    assert run.stderr == ""
    assert people(database) == (before[0] + 1, before[1] + 1)
    appointment = database.rows(
        "SELECT unit.code, appointment.start_on FROM orgunits_appointment appointment"
        " JOIN orgunits_person person ON person.id = appointment.person_id"
        " JOIN orgunits_orgunit unit ON unit.id = appointment.unit_id"
        " WHERE person.name = %s AND person.phone = %s",
        "赵敏",
        "13600004444",
    )
    assert [tuple(map(str, row)) for row in appointment] == [("431321101002", "2022-03-01")]


def test_import_officers_lists_the_rows_in_error_and_writes_nothing(database, demo):
    before = people(database)
    run = database.manage("import_officers", FIXTURES / "officers" / "bad_unknown_unit.csv")
    assert (run.returncode, run.stdout) == (1, "")
    header, *rows = run.stderr.splitlines()
    assert header + "\n" == import_command.FILE_HAS_ERRORS.format(errors="")
    assert f"第3行，列“单位代码”：{officer_import.UNKNOWN_UNIT.format(code='431321999999')}" in rows
    assert people(database) == before


def duty_records(database) -> int:
    return database.value("SELECT count(*) FROM rosters_dutyrecord")


def test_import_duties_checks_then_imports_by_name_and_unit(database, demo):
    before = duty_records(database)
    checked = database.manage("import_duties", DUTIES, "--dry-run", "--user", COUNTY_CLERK)
    summary = "新增履职记录3条，更新0条，未变0条"
    assert (checked.returncode, checked.stdout) == (0, import_command.CHECKED.format(summary=summary) + "\n")
    assert duty_records(database) == before
    run = database.manage("import_duties", DUTIES, "--user", COUNTY_CLERK)
    assert (run.returncode, run.stdout, run.stderr) == (0, import_command.IMPORTED.format(summary=summary) + "\n", "")
    assert duty_records(database) == before + 3
    again = database.manage("import_duties", DUTIES, "--user", COUNTY_CLERK)
    assert again.stdout == import_command.IMPORTED.format(summary="新增履职记录0条，更新0条，未变3条") + "\n"


def test_count_roster_rollups_keeps_the_county_s_tallies(database, demo):
    in_post = (
        "FROM orgunits_appointment a JOIN orgunits_orgunit u ON u.id = a.unit_id"
        " WHERE u.path LIKE (SELECT path FROM orgunits_orgunit WHERE code = '431321') || '%%'"
        " AND a.start_on <= '2025-12-31' AND (a.end_on IS NULL OR a.end_on >= '2025-12-31')"
    )
    appointments, people = database.rows(f"SELECT count(*), count(DISTINCT a.person_id) {in_post}")[0]
    run = database.manage("count_roster_rollups", "--on", "2025-12-31", "--unit", "431321")
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith(f"双峰县：2025-12-31在任 {appointments:,} 人次、{people:,} 人，用时")
    assert appointments > 1000
    assert database.value("SELECT count(*) FROM rosters_rostercelltally WHERE \"on\" = '2025-12-31'") > 10


def test_prune_roster_rollups_drops_the_tallies_unread_for_a_while(database, demo):
    for day in ("2025-03-31", "2025-06-30"):  # one day to keep, one to leave unread
        assert database.manage("count_roster_rollups", "--on", day, "--unit", "431321").returncode == 0
    database.execute("UPDATE rosters_rostercelltally SET read_on = '2000-01-01' WHERE \"on\" = '2025-06-30'")
    unread = database.value("SELECT count(*) FROM rosters_rostercelltally WHERE read_on = '2000-01-01'")
    kept = database.value("SELECT count(*) FROM rosters_rostercelltally") - unread
    assert unread > 10 and kept > 10
    run = database.manage("prune_roster_rollups", "--days", "30")
    assert (run.returncode, run.stderr) == (0, "")
    since = datetime.date.today() - datetime.timedelta(days=30)
    assert run.stdout == prune_roster_rollups.PRUNED.format(count=unread, since=since, kept=kept) + "\n"
    assert database.value("SELECT count(*) FROM rosters_rostercelltally") == kept


def test_import_duties_lists_the_rows_in_error_and_writes_nothing(database, demo):
    before = duty_records(database)
    run = database.manage("import_duties", FIXTURES / "duties" / "bad_duties.csv", "--user", COUNTY_CLERK)
    assert (run.returncode, run.stdout) == (1, "")
    rows = run.stderr.splitlines()[1:]
    assert f"第3行，列“身份证号”：{roster_errors.DUTY_PERSON_NOT_FOUND}" in rows
    assert f"第4行，列“走访户数”：{roster_errors.DUTY_COUNT_FORMAT.format(value='两户')}" in rows
    assert any(row.startswith("第4行，列“履职类型”：") for row in rows)
    assert "431321198001010028" not in run.stderr  # an identity number is never repeated
    assert duty_records(database) == before


def test_import_stats_from_a_gbk_csv_with_a_title_row(database, stats):
    run, before = stats
    expected = {
        "cadres": (120, 36),
        "training_sessions": (8, None),
        "trainees": (640, 512),
        "complaints_received": (20, None),
        "complaints_resolved": (18, None),
    }
    new = sum(code not in before for code in expected)
    same = sum(before.get(code) == figure for code, figure in expected.items())
    summary = f"长表5行：新增数据{new}项，修改{5 - new - same}项，未变{same}行"
    assert (run.returncode, run.stdout) == (0, import_command.IMPORTED.format(summary=summary) + "\n")
    assert run.stderr == import_command.UNKNOWN_HEADERS.format(headers="备注") + "\n"
    assert township_figures(database) == {**before, **expected}


def test_import_form_changes_records_a_communitys_conversion(database, stats, tmp_path):
    """One of the demo's communities that kept its 妇代会 becomes a 妇联 (会改联), as typed."""
    code, name = database.rows(
        "SELECT unit.code, unit.name FROM orgunits_orgunit unit JOIN orgunits_unitkind kind ON kind.id = unit.kind_id"
        " WHERE kind.code = 'community' AND unit.org_form = 'congress' AND unit.code LIKE '431321%%' ORDER BY unit.code"
    )[0]
    good, bad = tmp_path / "会改联.csv", tmp_path / "会改联错误.csv"
    good.write_text(
        f"单位代码,单位名称,变更日期,原组织形式,新组织形式\n{code},{name},2025-03-08,妇代会,妇联\n", "utf-8"
    )
    bad.write_text(f"单位代码,变更日期,新组织形式\n{code},2025-03-08,妇女会\n", "utf-8")
    refused = database.manage("import_form_changes", bad, "--user", COUNTY_CLERK)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert (
        f"第2行，列“新组织形式”，值“妇女会”：{unit_errors.UNKNOWN_ORG_FORM.format(choices='妇联、妇代会、妇委会、妇女组织')}"
        in refused.stderr
    )
    run = database.manage("import_form_changes", good, "--user", COUNTY_CLERK)
    summary = "组织形式变更1条，涉及1个单位"
    assert (run.returncode, run.stdout, run.stderr) == (0, import_command.IMPORTED.format(summary=summary) + "\n", "")
    form = database.value("SELECT org_form FROM orgunits_orgunit WHERE code = %s", code)
    change = database.rows(
        "SELECT change.changed_on, change.from_form, change.to_form FROM orgunits_orgformchange change"
        " JOIN orgunits_orgunit unit ON unit.id = change.unit_id WHERE unit.code = %s",
        code,
    )
    assert form == "" and [tuple(map(str, row)) for row in change] == [("2025-03-08", "congress", "federation")]


def test_import_facilities_checks_then_imports_荷叶镇s(database, facilities):
    checked, run = facilities
    summary = "新增阵地6个，修改0个，未变0行"
    assert (checked.returncode, checked.stdout, checked.stderr) == (
        0,
        import_command.CHECKED.format(summary=summary) + "\n",
        "",
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, import_command.IMPORTED.format(summary=summary) + "\n", "")
    heye = database.value(
        "SELECT count(*) FROM facilities_facility f JOIN orgunits_orgunit u ON u.id = f.unit_id WHERE u.code LIKE %s",
        "431321101%",
    )
    assert heye == 6


def test_export_coverage_writes_the_county_table(database, units, tmp_path):
    output = tmp_path / "双峰县组建率.xlsx"
    run = database.manage("export_coverage", "431321", "--date", "2025-12-31", "-o", output, "--user", COUNTY_CLERK)
    assert (run.returncode, run.stdout, run.stderr) == (0, export_coverage.EXPORTED.format(output=output) + "\n", "")
    sheet = openpyxl.load_workbook(output).active
    assert sheet["A1"].value == "双峰县妇女组织组建情况统计表"
    assert sheet["A2"].value.startswith("单位：双峰县（431321）")
    assert "新兴镇" in [row[0] for row in sheet.iter_rows(min_row=5, max_col=1, values_only=True)]  # imported above


def test_survey_report_writes_the_docx(database, stats, tmp_path):
    output = tmp_path / "调研报告.docx"
    run = database.manage("survey_report", "431321", "--year", "2025", "-o", output)
    assert (run.returncode, run.stdout, run.stderr) == (0, survey_report.GENERATED.format(output=output) + "\n", "")
    paragraphs = [paragraph.text for paragraph in docx.Document(output).paragraphs]
    assert paragraphs[0] == "关于双峰县2025年妇女组织建设和妇女工作情况的调研报告"
    assert paragraphs[2] == "一、基本情况"


def test_check_tree_after_every_write(database, stats):
    run = database.manage("check_tree")
    total = database.value("SELECT count(*) FROM orgunits_orgunit")
    assert (run.returncode, run.stdout, run.stderr) == (0, check_tree.TREE_SOUND.format(count=total) + "\n", "")


OUT = str(Path(tempfile.gettempdir()) / f"never-written-{os.getpid()}.xlsx")
MISTAKES = {
    "no directory": (
        ("load_divisions",),
        commands.MISSING_ARGUMENTS.format(arguments="directory（含五个CSV文件的目录）"),
        2,
    ),
    "directory missing": (
        ("load_divisions", "no/such/directory"),
        load_divisions.DIRECTORY_MISSING.format(directory="no/such/directory"),
        1,
    ),
    "unknown --under": (
        ("load_divisions", SMALL, "--under", "999999"),
        load_divisions.LOAD_FAILED.format(errors=unit_errors.CSV_UNDER_NOT_FOUND.format(code="999999")),
        1,
    ),
    "--under without a code": (
        ("load_divisions", SMALL, "--under"),
        commands.NEEDS_VALUE.format(argument="--under"),
        2,
    ),
    "a switch given a value": (
        ("load_demo", "--superuser=yes"),
        commands.TAKES_NO_VALUE.format(argument="--superuser"),
        2,
    ),
    "an unknown option": (("check_tree", "--repair"), commands.UNKNOWN_ARGUMENTS.format(arguments="--repair"), 2),
    "no file": (
        ("import_units", "--dry-run"),
        commands.MISSING_ARGUMENTS.format(arguments="file（要导入的文件：.xlsx、.xls、.ods 或 .csv）"),
        2,
    ),
    "file missing": (
        ("import_units", "no-such-file.xlsx"),
        import_command.FILE_MISSING.format(path="no-such-file.xlsx"),
        1,
    ),
    "a directory for a file": (
        ("import_stats", "tests/fixtures/stats"),
        commands.CANNOT_READ.format(path="tests/fixtures/stats", reason=commands.REASONS[errno.EISDIR]),
        1,
    ),
    "unknown user": (
        ("import_officers", OFFICERS_GBK, "--user", "nobody"),
        commands.UNKNOWN_USER.format(user="nobody"),
        1,
    ),
    "a verbosity out of range": (
        ("import_units", COUNTY_UNITS, "-v", "7"),
        commands.BAD_CHOICE.format(argument="-v/--verbosity", value="7", choices="0、1、2、3"),
        2,
    ),
    "a plan on a bad date": (
        ("plan_divisions", SMALL, "--on", "2025-02-30", "--edition", "2024"),
        plan_divisions.BAD_DATE.format(date="2025-02-30"),
        1,
    ),
    "a plan without its edition": (
        ("plan_divisions", SMALL, "--on", "2025-01-01"),
        commands.MISSING_ARGUMENTS.format(arguments="--edition（新版区划的名称，如 2023）"),
        2,
    ),
    "unknown unit to export": (
        ("export_coverage", "999999", "-o", OUT),
        commands.UNKNOWN_UNIT.format(code="999999"),
        1,
    ),
    "export outside her scope": (
        ("export_coverage", "431321", "-o", OUT, "--user", TOWNSHIP_EDITOR),
        OUT_OF_SCOPE.format(unit="双峰县"),
        1,
    ),
    "a bad date": (
        ("export_coverage", "431321", "--date", "2025-13-01", "-o", OUT),
        export_coverage.BAD_DATE.format(date="2025-13-01"),
        1,
    ),
    "a roster count on a bad date": (
        ("count_roster_rollups", "--on", "2025-02-30"),
        count_roster_rollups.BAD_DATE.format(date="2025-02-30"),
        1,
    ),
    "roster tallies pruned after no days": (
        ("prune_roster_rollups", "--days", "0"),
        prune_roster_rollups.BAD_DAYS.format(days="0"),
        1,
    ),
    "a roster count below the township": (
        ("count_roster_rollups", "--unit", "131024100001"),
        count_roster_rollups.BELOW_TOWNSHIP.format(unit="康宁社区居民委员会"),
        1,
    ),
    "unknown unit to report on": (
        ("survey_report", "999999", "--year", "2025", "-o", "r.docx"),
        survey_report.UNKNOWN_UNIT.format(code="999999"),
        1,
    ),
    "no year, no output": (
        ("survey_report", "431321"),
        commands.MISSING_ARGUMENTS.format(
            arguments="--year（年度，如 2023；或年内一期，如 2023-01~09、2023Q3、2023-09）、"
            "-o/--output（输出文件，.docx 或 .html）"
        ),
        2,
    ),
    "an output in no directory": (
        ("survey_report", "431321", "--year", "2025", "-o", "/no/such/directory/r.docx"),
        commands.CANNOT_WRITE.format(path="/no/such/directory/r.docx", reason="文件或目录不存在"),
        1,
    ),
}


def written(database) -> tuple[int, ...]:
    tables = ("orgunits_orgunit", "orgunits_historicalorgunit", "orgunits_person", "reports_datavalue")
    return tuple(database.value(f"SELECT count(*) FROM {table}") for table in tables)


@pytest.fixture(scope="module")
def mistakes(database, demo):
    """Every mistake's run, a few at a time: most of each second is Django starting up. None of them writes."""
    before = written(database)
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        runs = pool.map(lambda case: database.manage(*case[0]), MISTAKES.values())
        runs = dict(zip(MISTAKES, runs, strict=True))
    return runs, before, written(database)


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_is_one_chinese_line(mistakes, mistake):
    runs, _before, _after = mistakes
    _args, message, status = MISTAKES[mistake]
    assert_refused(runs[mistake], message, status)


def test_mistakes_write_nothing(mistakes):
    _runs, before, after = mistakes
    assert after == before
    assert not Path(OUT).exists()


def test_a_division_file_not_in_utf8_is_one_chinese_line(database, demo, tmp_path):
    shutil.copytree(SMALL, tmp_path / "gbk")
    villages = tmp_path / "gbk" / "villages.csv"
    villages.write_bytes(villages.read_text(encoding="utf-8").encode("gbk"))
    assert_refused(
        database.manage("load_divisions", tmp_path / "gbk"), load_divisions.NOT_UTF8.format(directory=tmp_path / "gbk")
    )


@pytest.fixture
def edition_2024(tmp_path) -> Path:
    """The small fixture a year on: 冷水江's community recoded and renamed, a village added."""
    directory = tmp_path / "2024"
    shutil.copytree(SMALL, directory)
    villages = directory / "villages.csv"
    text = villages.read_text(encoding="utf-8").replace('431381001001,"锑都社区居委会"', '431381001002,"锑都社区"')
    villages.write_text(text + '431381001201,"新建村委会",431381001,43,4313,431381\n', encoding="utf-8")
    return directory


def test_plan_divisions_lists_the_changes_writes_the_plan_and_nothing_else(database, demo, edition_2024, tmp_path):
    output = tmp_path / "计划.xlsx"
    before = written(database)
    argv = ("plan_divisions", edition_2024, "--on", "2025-01-01", "--edition", "2024", "--under", "431381")
    run = database.manage(*argv, "-o", output)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [
        plan_divisions.SUMMARY.format(edition="2024", date="2025-01-01", counts="新增1个，更名1个，改代码1个"),
        plan_divisions.UNDECIDED_LINE.format(count=0),
        plan_divisions.HAND_ADDED_LINE.format(count=0),
        plan_divisions.WRITTEN.format(output=output),
        plan_divisions.NOT_APPLIED,
    ]
    rows = list(openpyxl.load_workbook(output).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("原代码", "新代码", "关系", "变更类型")
    assert [row[:6] for row in rows[1:]] == [
        ("431381001001", "431381001002", "同一单位", "更名+改代码", "锑都社区居委会", "锑都社区"),
        (None, "431381001201", None, "新增", None, "新建村委会"),
    ]
    assert rows[1][8:] == ("社区", "社区", None, "2024")
    assert written(database) == before


def test_plan_divisions_names_the_row_of_a_mapping_to_an_unknown_code(database, demo, edition_2024, tmp_path):
    mapping = tmp_path / "对应表.csv"
    mapping.write_bytes("原代码,新代码,关系\r\n431381001001,431381001999,同一单位\r\n".encode("gbk"))
    argv = ("plan_divisions", edition_2024, "--on", "2025-01-01", "--edition", "2024", "--mapping", mapping)
    problem = f"第2行，列“新代码”，值“431381001999”：{unit_errors.MAPPING_UNKNOWN_NEW}"
    assert_refused(
        database.manage(*argv, "-o", tmp_path / "计划.csv"), plan_divisions.MAPPING_FAILED.format(errors=problem)
    )
    assert not (tmp_path / "计划.csv").exists()


def test_plan_divisions_refuses_an_edition_with_a_code_in_two_places(database, demo, edition_2024):
    streets = edition_2024 / "streets.csv"
    streets.write_text(streets.read_text(encoding="utf-8") + '431381001,"又一街道",431381,43,4313\n', encoding="utf-8")
    run = database.manage("plan_divisions", edition_2024, "--on", "2025-01-01", "--edition", "2024")
    duplicate = unit_errors.CSV_DUPLICATE_CODE.format(
        file="streets.csv", line=5, column="code", code="431381001", first="streets.csv第4行"
    )
    assert_refused(run, plan_divisions.EDITION_FAILED.format(errors=duplicate))


def test_help_still_prints_the_usage(database):
    run = database.manage("import_units", "--help")
    assert run.returncode == 0 and run.stderr == ""
    assert "要导入的文件：.xlsx、.xls、.ods 或 .csv" in run.stdout and "--dry-run" in run.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-v", "x"], commands.BAD_VALUE.format(argument="-v/--verbosity", value="x")),
        (["--s", "x"], commands.AMBIGUOUS_OPTION.format(option="--s", matches="--settings、--skip-checks")),
    ],
)
def test_the_parser_retells_other_usage_errors_in_chinese(argv, message):
    parser = check_tree.Command().create_parser("manage.py", "check_tree")
    with pytest.raises(CommandError) as refused:
        parser.parse_args(argv)
    assert (str(refused.value), refused.value.returncode) == (message, commands.USAGE_STATUS)


def test_a_usage_error_argparse_words_otherwise_is_still_told_in_chinese():
    parser = check_tree.Command().create_parser("manage.py", "check_tree")
    assert parser.retell("argument --date: not allowed with argument --year") == commands.BAD_ARGUMENTS


@pytest.mark.django_db
def test_load_demo_over_other_units_with_its_codes_is_refused_in_chinese():
    call_command("load_divisions", str(SMALL), stdout=StringIO())
    with pytest.raises(CommandError) as refused:
        call_command("load_demo", stdout=StringIO())
    assert str(refused.value).startswith(
        load_demo.DEMO_REFUSED.format(errors=unit_errors.LOAD_CONFLICTS.format(count=2, details=""))
    )


ACTIVITIES = FIXTURES / "activities" / "activities.csv"


@pytest.fixture(scope="module")
def activities(database, stats):
    return database.manage("import_activities", ACTIVITIES, "--user", COUNTY_CLERK)


def test_import_activities_as_the_county_clerk(database, activities):
    assert activities.returncode == 0, activities.stderr
    summary = "5行：新增活动5项，修改0项，未变0行"
    assert (activities.stdout, activities.stderr) == (import_command.IMPORTED.format(summary=summary) + "\n", "")
    rows = database.rows(
        "SELECT unit.code, activity.sessions, activity.participants FROM activities_activity activity"
        " JOIN orgunits_orgunit unit ON unit.id = activity.unit_id WHERE activity.title = %s",
        "荷叶镇妇女技能培训",
    )
    assert rows == [("431321101", 12, 860)]
    again = database.manage("import_activities", ACTIVITIES, "--dry-run")
    assert again.stdout == import_command.CHECKED.format(summary="5行：新增活动0项，修改0项，未变5行") + "\n"


HONOURS = FIXTURES / "honours" / "honours.csv"


def honours(database) -> set[tuple]:
    return set(
        database.rows(
            "SELECT unit.code, honour.title, honour.level, honour.note FROM activities_honour honour"
            " JOIN orgunits_orgunit unit ON unit.id = honour.unit_id"
        )
    )


def test_import_honours_beside_the_demos_own(database, demo):
    # The demo holds two of the file's honours already: one as in the file, one without its 备注.
    refused = database.manage("import_honours", HONOURS, "--user", TOWNSHIP_EDITOR)
    unknown = imports_errors.UNKNOWN_UNIT.format(code="431321101")
    assert refused.returncode == 1 and f"第2行，列“单位代码”，值“431321101”：{unknown}" in refused.stderr
    before = honours(database)
    run = database.manage("import_honours", HONOURS, "--user", COUNTY_CLERK)
    summary = "5行：新增荣誉3项，修改1项，未变1行"
    assert (run.returncode, run.stdout, run.stderr) == (0, import_command.IMPORTED.format(summary=summary) + "\n", "")
    assert honours(database) - before == {
        ("431321", "全国巾帼文明岗", "national", "县妇联机关"),
        ("431321001001", "娄底市巾帼示范社区", "city", ""),
        ("431321101210", "双峰县巾帼示范村", "county", ""),
        ("431321001", "双峰县三八红旗集体", "county", ""),
    }
    assert before - honours(database) == {("431321", "全国巾帼文明岗", "national", "")}
    again = database.manage("import_honours", HONOURS, "--dry-run")
    assert again.stdout == import_command.CHECKED.format(summary="5行：新增荣誉0项，修改0项，未变5行") + "\n"
