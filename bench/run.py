"""Benchmarks of the unit tree on PostgreSQL: the national load, single inserts, the admin pages.

Run from the repo root (`make bench`):

    SECRET_KEY=... .venv/bin/python bench/run.py [--skip-load] [--only SECTION]

Sections: load, insert, admin, coverage, forms (bench/forms_bench.py), officers, survey, import,
facilities (bench/facilities_bench.py), activities, rosters (bench/rosters_bench.py: 山东's 1.1 million
appointments; --keep-rosters keeps them for the next run), divisions (bench/divisions_bench.py).

Every measure is set against a baseline taken in the same run on the same database (raw COPY,
raw INSERT, raw SELECT), so the ratios mean something on any machine. The results are printed
as Markdown and written to bench/results.md. Exits 1 when a budget is missed or a check fails.

The database is BENCH_DATABASE_URL (never DATABASE_URL): the load step truncates the unit table.
"""

# ruff: noqa: E402 -- Django reads its settings from the environment, which must be set up before it is imported.

import argparse
import io
import os
import platform
import random
import resource
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://registry_ci:registry_ci@127.0.0.1:5432/registry_bench"


def configure_environment() -> None:
    # Forced, not defaulted: a DATABASE_URL left in the shell must never receive the TRUNCATE,
    # and DEBUG=1 would keep every query in memory and skew both time and RSS.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DJANGO_SETTINGS_MODULE": "registry.settings",
        }
    )
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    sys.path.insert(0, str(REPO_ROOT))


configure_environment()

import django

django.setup()
# WhiteNoise warns that STATIC_ROOT was never collected; the bench serves no static files.
warnings.filterwarnings("ignore", message="No directory at: .*staticfiles")

import forms_bench
import psycopg
from activities_bench import bench_activities
from divisions_bench import bench_divisions
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from facilities_bench import bench_facilities
from forms_bench import bench_forms
from import_bench import bench_unit_import
from psycopg import sql
from rosters_bench import Timer, bench_rosters
from settle import Settler

from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_create

UNIT_TABLE = OrgUnit._meta.db_table
# Every column but the id, in model order: what a load writes and the COPY baseline replays.
UNIT_COLUMNS = [f.column for f in OrgUnit._meta.concrete_fields if not f.primary_key]

LOAD_RATIO_BUDGET = 2.0
LOAD_RSS_BUDGET_MIB = 1024
INSERT_COUNT = 200
INSERT_SEED = 2026
INSERT_P95_BUDGET_MS = 50
BENCH_CODE_PREFIX = "BENCH"  # no national code starts with a letter, so these cannot clash or linger unseen
ADMIN_REPEATS = 15
ADMIN_MEDIAN_BUDGET_MS = 300
ADMIN_USERNAME = "bench-admin"
DRILLDOWN_COUNTY_CODE = "431321"  # 双峰县, also in the demo data: 16 townships and streets, 523 villages
COPY_CHUNK_BYTES = 8 * 1024 * 1024
SECTIONS = (
    "load",
    "insert",
    "admin",
    "coverage",
    "forms",
    "officers",
    "survey",
    "import",
    "facilities",
    "activities",
    "rosters",
    "divisions",
)


# ---------------------------------------------------------------- results


@dataclass
class Row:
    measure: str
    result: str
    baseline: str = "—"
    ratio: str = "—"
    budget: str = "—"


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, budget: str, failure: str) -> str:
        """The budget cell; a miss is also remembered for the summary and the exit status."""
        if not ok:
            self.failures.append(failure)
        return f"{budget} {'✅' if ok else '❌'}"


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: always one of the samples, so p95 of 15 samples is the slowest one."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without float surprises
    return ordered[int(rank) - 1]


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def times(result: float, baseline: float) -> str:
    return f"{result / baseline:.1f}×" if baseline else "—"


def timed(action: Callable[[], object]) -> float:
    """Seconds the action took."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def samples_ms(action: Callable[[], object], repeats: int) -> list[float]:
    action()  # warm-up: first-use costs (template loading, plan caching) are not what is measured
    return [timed(action) * 1000 for _ in range(repeats)]


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux and covers the whole process, Django and the ORM included.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- database setup


def ensure_database() -> None:
    """Create the bench role and database on first use, as the cluster's postgres superuser."""
    db = settings.DATABASES["default"]
    try:
        admin = psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        )
    except psycopg.OperationalError as exc:
        # A remote or managed database: assume it exists; migrate will say so clearly if not.
        print(f"（未能以 postgres 连接，跳过建库：{exc}）")
        return
    with admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [db["USER"]]).fetchone():
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    sql.Identifier(db["USER"]), sql.Literal(db["PASSWORD"])
                )
            )
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(db["NAME"]), sql.Identifier(db["USER"]))
            )


def execute(statement: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def create_table_like_units(name: str) -> None:
    # INCLUDING IDENTITY as well: without it the copied id column is a bare NOT NULL bigint
    # and every insert that leaves the id out would fail.
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TABLE {name} (LIKE {UNIT_TABLE} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)")


def run_command(name: str, *args: str) -> tuple[str, float]:
    """A management command's output and its wall time in seconds."""
    out = io.StringIO()
    seconds = timed(lambda: call_command(name, *args, stdout=out))
    return out.getvalue().strip(), seconds


# ---------------------------------------------------------------- 1. national load


def bench_load(divisions_dir: Path) -> Section:
    section = Section("1. 全国区划载入 load_divisions")
    execute(f"TRUNCATE {UNIT_TABLE} RESTART IDENTITY CASCADE")
    rss_before = peak_rss_mib()
    summary, load_seconds = run_command("load_divisions", str(divisions_dir))
    rss_peak = peak_rss_mib()
    again, reload_seconds = run_command("load_divisions", str(divisions_dir))
    tree_report, check_seconds = run_command("check_tree")
    units = OrgUnit.objects.count()
    copy_seconds = time_copy_baseline()

    ratio = load_seconds / copy_seconds
    section.rows = [
        Row(
            f"首次载入（{units:,} 个单位）",
            f"{load_seconds:.1f} s",
            f"{copy_seconds:.1f} s（COPY 同样的行）",
            f"{ratio:.1f}×",
            section.check(
                ratio <= LOAD_RATIO_BUDGET, f"≤ {LOAD_RATIO_BUDGET:g}×", f"载入耗时为 COPY 的 {ratio:.1f} 倍"
            ),
        ),
        Row(
            "进程峰值内存 RSS（含 Django）",
            f"{rss_peak:.0f} MiB",
            f"{rss_before:.0f} MiB（载入前）",
            budget=section.check(
                rss_peak <= LOAD_RSS_BUDGET_MIB, f"≤ {LOAD_RSS_BUDGET_MIB} MiB", f"峰值内存 {rss_peak:.0f} MiB"
            ),
        ),
        Row("重复载入（应无变化）", f"{reload_seconds:.1f} s"),
        Row("check_tree", f"{check_seconds:.1f} s"),
    ]
    if "没有变化" not in again:
        section.failures.append(f"重复载入没有报告“没有变化”：{again}")
    section.notes = [
        f"首次载入输出：{summary}",
        f"重复载入输出：{again}",
        f"check_tree 输出：{tree_report}",
        "基线为同库同次运行：把载入后的行 COPY TO 内存，再 COPY FROM 进一张 LIKE … INCLUDING INDEXES 的空表"
        "（有同样的索引，但没有外键和 CHECK 约束，所以基线略偏乐观）。",
    ]
    return section


def time_copy_baseline() -> float:
    """Seconds to COPY the loaded rows into an empty table with the same indexes: the floor for any loader."""
    table = "bench_copy_baseline"
    columns = ", ".join(UNIT_COLUMNS)
    payload = export_rows(f"COPY (SELECT {columns} FROM {UNIT_TABLE}) TO STDOUT")
    create_table_like_units(table)
    try:
        return timed(lambda: copy_in(f"COPY {table} ({columns}) FROM STDIN", payload))
    finally:
        execute(f"DROP TABLE IF EXISTS {table}")


def export_rows(copy_out: str) -> bytes:
    with connection.cursor() as cursor, cursor.cursor.copy(copy_out) as copy:
        return b"".join(bytes(block) for block in copy)


def copy_in(copy_from: str, payload: bytes) -> None:
    view = memoryview(payload)
    # One transaction, committed inside the timing, as the loader's is.
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(copy_from) as copy:
        for start in range(0, len(view), COPY_CHUNK_BYTES):
            copy.write(view[start : start + COPY_CHUNK_BYTES])


# ---------------------------------------------------------------- between load and the rest


def settle_unit_table() -> str:
    """VACUUM ANALYZE the unit table, as autovacuum would within a minute or so of a load.

    The loader does not analyze, and TRUNCATE keeps old statistics, so without this the plans
    measured below would depend on what earlier runs left behind. With statistics, as in
    production, some admin queries (LIKE on path or code with ORDER BY path LIMIT 50) may flip,
    depending on ANALYZE's sample, to walking the whole path index: 40 ms pages became 150-220 ms.
    """
    seconds = timed(lambda: execute(f"VACUUM (ANALYZE) {UNIT_TABLE}"))
    return (
        f"新增与后台两节之前先 VACUUM (ANALYZE) {UNIT_TABLE}（{seconds:.1f} s，不计入结果），"
        "如同 autovacuum 在载入后所做。"
    )


# ---------------------------------------------------------------- 2. single inserts


def bench_inserts() -> Section:
    section = Section("2. 单个新增 unit_create（随机挂在乡镇、街道下）")
    remove_bench_units()  # leftovers of an interrupted run would clash on code
    village = UnitKind.objects.get(code="village")
    parents = pick_parents()
    with CaptureQueriesContext(connection) as queries:
        create_village(parents[0], 0, village)  # also the warm-up; not timed
    service_ms = [timed_create(parent, n, village) for n, parent in enumerate(parents[1:], start=1)]
    plain_ms = time_plain_inserts(village.pk)
    removed, _ = remove_bench_units()
    tree_report, check_seconds = run_command("check_tree")

    median, p95 = statistics.median(service_ms), percentile(service_ms, 95)
    base_median, base_p95 = statistics.median(plain_ms), percentile(plain_ms, 95)
    section.rows = [
        Row("中位数", ms(median), ms(base_median), times(median, base_median)),
        Row(
            "p95",
            ms(p95),
            ms(base_p95),
            times(p95, base_p95),
            section.check(p95 <= INSERT_P95_BUDGET_MS, f"≤ {INSERT_P95_BUDGET_MS} ms", f"新增 p95 为 {ms(p95)}"),
        ),
        Row("每次新增的 SQL 查询数", str(len(queries)), "1（单条 INSERT）"),
        Row("删除基准单位后 check_tree", f"完好（{check_seconds:.1f} s）"),
    ]
    section.notes = [
        f"{INSERT_COUNT} 次 unit_create，random.Random({INSERT_SEED}) 选上级，每次自动提交（同一次网页请求）；"
        "上级单位在计时之外读出（表单在调用服务之前已读出它）。",
        f"基线：{INSERT_COUNT} 条单行 INSERT（自动提交）进 LIKE {UNIT_TABLE} INCLUDING INDEXES 的空表。",
        f"之后用 OrgUnit.objects.filter(code__startswith={BENCH_CODE_PREFIX!r}).delete() 删掉了 {removed} 个基准单位"
        f"（treebeard 的 delete 会同步上级的 numchild）。check_tree：{tree_report}",
    ]
    return section


def pick_parents() -> list[OrgUnit]:
    candidates = list(
        OrgUnit.objects.filter(kind__code__in=("township", "street")).order_by("path").values_list("pk", flat=True)
    )
    chosen = random.Random(INSERT_SEED).choices(candidates, k=INSERT_COUNT + 1)
    by_pk = OrgUnit.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def create_village(parent: OrgUnit, n: int, kind: UnitKind) -> OrgUnit:
    # Letters in the code keep it clear of the 2/4/6/9/12-digit division codes.
    return unit_create(parent=parent, code=f"{BENCH_CODE_PREFIX}{n:09d}", name=f"基准村{n:03d}", kind=kind)


def timed_create(parent: OrgUnit, n: int, kind: UnitKind) -> float:
    return timed(lambda: create_village(parent, n, kind)) * 1000


def remove_bench_units() -> tuple[int, dict]:
    return OrgUnit.objects.filter(code__startswith=BENCH_CODE_PREFIX).delete()


def time_plain_inserts(kind_id: int) -> list[float]:
    """Single-row INSERTs in autocommit: what one new row costs the database, without any service."""
    table = "bench_insert_baseline"
    create_table_like_units(table)
    statement = (
        f"INSERT INTO {table} (path, depth, numchild, code, name, kind_id, org_form, eligibility,"
        " created_at, updated_at) VALUES (%s, 6, 0, %s, %s, %s, '', '', now(), now())"
    )
    # Village-length paths (6 steps of 4), all distinct, worked out before the timing starts.
    rows = [(f"BNCH{n:020d}", f"{BENCH_CODE_PREFIX}{n:09d}", f"基准村{n:03d}", kind_id) for n in range(INSERT_COUNT)]
    try:
        with connection.cursor() as cursor:
            return [timed(lambda row=row: cursor.execute(statement, row)) * 1000 for row in rows]
    finally:
        execute(f"DROP TABLE IF EXISTS {table}")


# ---------------------------------------------------------------- 3. admin pages


def bench_admin() -> Section:
    section = Section(f"3. 管理后台（每页预热 1 次后计时 {ADMIN_REPEATS} 次）")
    raw_page_ms = samples_ms(lambda: execute(f"SELECT * FROM {UNIT_TABLE} ORDER BY path LIMIT 50"), ADMIN_REPEATS)
    raw_count_ms = samples_ms(lambda: execute(f"SELECT count(*) FROM {UNIT_TABLE}"), ADMIN_REPEATS)
    # The unfiltered list must at least fetch one page and count the whole table (the paginator
    # asks); a filtered page counts only its matches, so its floor is the page query alone.
    one_page = statistics.median(raw_page_ms)
    whole_list = one_page + statistics.median(raw_count_ms)
    county = OrgUnit.objects.get(code=DRILLDOWN_COUNTY_CODE)
    changelist = "/admin/orgunits/orgunit/"
    pages = [
        ("列表首页", changelist, whole_list, "LIMIT 50 + count(*)"),
        ("代码搜索 ?q=4313", f"{changelist}?q=4313", one_page, "LIMIT 50"),
        ("名称搜索 ?q=青树坪", f"{changelist}?q=青树坪", one_page, "LIMIT 50"),
        (f"下钻到县 ?parent=（{county.name}）", f"{changelist}?parent={county.pk}", one_page, "LIMIT 50"),
        (f"县的修改页（{county.name}）", f"{changelist}{county.pk}/change/", one_page, "LIMIT 50"),
    ]
    client = admin_client()
    with static_files_without_manifest():
        section.rows = [page_row(section, client, *page) for page in pages]
    section.rows += [
        Row("原始 SQL：SELECT * … ORDER BY path LIMIT 50", summary_ms(raw_page_ms)),
        Row("原始 SQL：SELECT count(*)", summary_ms(raw_count_ms)),
    ]
    section.notes = [
        "结果为“中位数 / p95”；比值按中位数。基线是同次运行里原始 SQL 的中位数："
        "列表首页至少要取一页 50 行并数全表，其余页面以取一页 50 行为底。",
        "django.test.Client 直接调用 WSGI 处理器，不含网络和 gunicorn；数据库连接在请求之间保持。",
        "静态文件改用不带 manifest 的存储：DEBUG=0 的设置需要 collectstatic 生成的 manifest，"
        "基准不为此写文件；查 manifest 只是一次字典查找，不影响结果。",
    ]
    return section


def admin_client() -> Client:
    user, _ = get_user_model().objects.update_or_create(
        username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True, "is_active": True}
    )
    client = Client()
    client.force_login(user)
    return client


def static_files_without_manifest():
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return override_settings(STORAGES=storages)


def page_row(section: Section, client: Client, label: str, url: str, floor: float, floor_label: str) -> Row:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} 返回 {response.status_code}")

    timings = samples_ms(get, ADMIN_REPEATS)
    with CaptureQueriesContext(connection) as queries:
        get()
    median = statistics.median(timings)
    return Row(
        f"{label}（{len(queries)} 条 SQL）",
        summary_ms(timings),
        f"{ms(floor)}（{floor_label}）",
        times(median, floor),
        section.check(
            median <= ADMIN_MEDIAN_BUDGET_MS, f"中位数 ≤ {ADMIN_MEDIAN_BUDGET_MS} ms", f"{label} 中位数 {ms(median)}"
        ),
    )


def bench_import(divisions_dir: Path) -> Section:
    with static_files_without_manifest():
        return bench_unit_import(Section, Row, divisions_dir, admin_client())


def summary_ms(samples: list[float]) -> str:
    return f"{ms(statistics.median(samples))} / {ms(percentile(samples, 95))}"


# ---------------------------------------------------------------- 4. coverage


COVERAGE_REPEATS = 15
COVERAGE_COUNTY_BUDGET_MS = 20
COVERAGE_NATION_BUDGET_MS = 500
COVERAGE_DATE = date(2024, 12, 31)


def bench_coverage() -> Section:
    from stats.coverage import coverage

    section = Section(f"4. 组建率（预热 1 次后计时 {COVERAGE_REPEATS} 次）")
    section.notes.append(mark_organisations_established())
    county = OrgUnit.objects.select_related("kind").get(code=DRILLDOWN_COUNTY_CODE)
    nation = OrgUnit.objects.select_related("kind").get(depth=1)
    client = admin_client()
    for label, unit, budget in (
        (
            f"一个县按乡镇分行（{county.name}，{OrgUnit.objects.subtree(county).count()} 个单位）",
            county,
            COVERAGE_COUNTY_BUDGET_MS,
        ),
        (f"全国按省分行（{OrgUnit.objects.count()} 个单位）", nation, COVERAGE_NATION_BUDGET_MS),
    ):
        engine = samples_ms(lambda unit=unit: coverage(unit, COVERAGE_DATE), COVERAGE_REPEATS)
        raw = samples_ms(lambda unit=unit: grouped_index_scan(unit), COVERAGE_REPEATS)
        with CaptureQueriesContext(connection) as queries:
            coverage(unit, COVERAGE_DATE)
        median = statistics.median(engine)
        section.rows.append(
            Row(
                f"{label}（{len(queries)} 条 SQL）",
                summary_ms(engine),
                f"{ms(statistics.median(raw))}（同范围按下级、类型分组计数的原始 SQL）",
                times(median, statistics.median(raw)),
                section.check(median <= budget, f"中位数 ≤ {budget} ms", f"{label} 中位数 {ms(median)}"),
            )
        )
    page = f"/admin/statistics/coverage/?unit={county.pk}&on={COVERAGE_DATE}&compare=on"
    with static_files_without_manifest():
        timings = samples_ms(lambda: client.get(page), COVERAGE_REPEATS)
    section.rows.append(Row(f"组建率页面，{county.name}，含上年同期比较", summary_ms(timings)))
    section.notes.append(
        "引擎一次分组查询算出各下级、各类型的应建与已建（含纳入统计的覆盖规则和日期判断）；"
        "基线只按同一路径范围分组计数，不做这些判断。"
    )
    return section


def bench_forms_section() -> Section:
    section = Section(f"4b. 组建率与组织形式变更（会改联；预热 1 次后计时 {forms_bench.REPEATS} 次）")
    section.notes.append(mark_organisations_established())
    return bench_forms(section, Row, samples_ms, summary_ms, ms, times)


def mark_organisations_established() -> str:
    """Give four in five units an organisation, once, so established counts are not all zero. The same
    UPDATE is first timed with the units' roster trigger disabled (and rolled back): a join in that
    trigger once made this step run for over 16 minutes (rosters/0012)."""
    if OrgUnit.objects.filter(org_established_on__isnull=False).exists():
        return "沿用库中已有的妇女组织成立日期。"
    update = f"UPDATE {UNIT_TABLE} SET org_established_on = '2018-03-08' WHERE id % 5 <> 0"

    def without_trigger():
        with transaction.atomic():
            execute(f"ALTER TABLE {UNIT_TABLE} DISABLE TRIGGER rosters_cells_update")
            execute(update)
            transaction.set_rollback(True)

    baseline = timed(without_trigger) if connection.get_autocommit() else None
    seconds = timed(lambda: execute(update))
    execute(f"VACUUM (ANALYZE) {UNIT_TABLE}") if connection.get_autocommit() else None
    compared = f"，停用单位表的任职汇总触发器时 {baseline:.1f} s" if baseline is not None else ""
    return f"先给五分之四的单位设了妇女组织成立日期（{seconds:.1f} s{compared}，不计入结果）。"


def grouped_index_scan(unit: OrgUnit) -> list[tuple]:
    prefix = (unit.depth + 1) * OrgUnit.steplen
    low, high = unit.path, unit.path + "Z" * (255 - len(unit.path))
    return execute(
        f"SELECT substr(path, 1, %s), kind_id, count(*) FROM {UNIT_TABLE} WHERE path BETWEEN %s AND %s GROUP BY 1, 2",
        [prefix, low, high],
    )


# ---------------------------------------------------------------- 5. officer import


OFFICER_COUNT = 20_000
OFFICER_SEED = 2026
OFFICER_NAME_PREFIX = "基准官"


OFFICER_RATIO_BUDGET = 3.0


def bench_officers(section: Section | None = None) -> Section:
    """The officer import beside bulk_create; into `section` when given (the rosters section)."""
    from rosters.models import Appointment, Person, Post
    from rosters.officers import check_rows, read_spreadsheet, write

    section = section or Section(f"5. 导入 {OFFICER_COUNT:,} 名人员任职（{DRILLDOWN_COUNTY_CODE} 双峰县）")
    mark_organisations_established()
    remove_bench_officers()
    content, rows = officer_workbook()
    started = time.perf_counter()
    parsed = read_spreadsheet(content, "officers.xlsx")
    read_s = time.perf_counter() - started
    report = check_rows(parsed)
    check_s = time.perf_counter() - started - read_s
    if not report.valid:
        section.failures.append("基准文件未通过检查：" + "；".join(report.messages()[:3]))
        return section
    write(report)
    total_s = time.perf_counter() - started
    remove_bench_officers()
    baseline_s = timed(lambda: bulk_create_officers(rows, Person, Appointment, Post))
    remove_bench_officers()
    ratio = total_s / baseline_s
    section.rows += [
        Row(
            f"导入 {OFFICER_COUNT:,} 行：读 xlsx + 逐行检查 + 批量写入",
            f"{total_s:.1f} s（读 {read_s:.1f} s，检查 {check_s:.1f} s，写 {total_s - read_s - check_s:.1f} s）",
            f"{baseline_s:.1f} s（同样的人员和任职直接 bulk_create）",
            times(total_s, baseline_s),
            section.check(
                ratio <= OFFICER_RATIO_BUDGET,
                f"≤ {OFFICER_RATIO_BUDGET:g}×",
                f"任职导入为 bulk_create 的 {ratio:.1f} 倍",
            ),
        ),
        Row("每秒行数", f"{OFFICER_COUNT / total_s:,.0f}", f"{OFFICER_COUNT / baseline_s:,.0f}"),
    ]
    section.notes.append(
        "一半人员有身份证号（按身份证号匹配），一半没有（按姓名+出生日期匹配）；每人一条任职，分布在双峰县已建组织的单位。"
        "检查包括：身份证校验位及与出生日期、性别一致，手机号，单位、职务、兼任是否存在，任职日期与单位存续期、组织成立期，"
        "同人同职重叠。基线不做任何检查。"
    )
    return section


def officer_workbook() -> tuple[bytes, list[list]]:
    from openpyxl import Workbook

    from rosters.identity import id_check_char
    from rosters.officers import COLUMNS

    rng = random.Random(OFFICER_SEED)
    county = OrgUnit.objects.get(code=DRILLDOWN_COUNTY_CODE)
    units = list(
        OrgUnit.objects.subtree(county).filter(org_established_on__lte=date(2020, 1, 1)).values_list("code", flat=True)
    )
    rows, sequence = [], Counter()
    for n in range(OFFICER_COUNT):
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        sequence[birth] += 1
        first17 = f"431321{birth:%Y%m%d}{sequence[birth] * 2:03d}"
        id_number = first17 + id_check_char(first17) if n % 2 else ""
        rows.append(
            [
                f"{OFFICER_NAME_PREFIX}{n:05d}",
                "女",
                birth,
                "汉族",
                "高中",
                "群众",
                f"139{n:08d}",
                id_number,
                rng.choice(units),
                "执委",
                date(2021, 4, 1),
                None,
                "兼职",
                "村委会委员" if n % 3 == 0 else "",
            ]
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("任职")
    sheet.append([header for _field, header in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


def bulk_create_officers(rows, Person, Appointment, Post) -> None:
    with transaction.atomic():
        people = Person.objects.bulk_create(
            [Person(name=r[0], sex="F", birth_date=r[2], phone=r[6], id_number=r[7] or None) for r in rows],
            batch_size=2000,
        )
        units = dict(OrgUnit.objects.filter(code__in={r[8] for r in rows}).values_list("code", "pk"))
        post = Post.objects.get(name="执委")
        Appointment.objects.bulk_create(
            [
                Appointment(person=p, unit_id=units[r[8]], post=post, start_on=r[10])
                for p, r in zip(people, rows, strict=True)
            ],
            batch_size=2000,
        )


def remove_bench_officers() -> None:
    from rosters.models import Appointment, Person

    with transaction.atomic():
        Appointment.objects.filter(person__name__startswith=OFFICER_NAME_PREFIX).delete()
        Person.objects.filter(name__startswith=OFFICER_NAME_PREFIX).delete()


# ---------------------------------------------------------------- 6. survey report


SURVEY_REPEATS = 5
SURVEY_PAGE_BUDGET_MS = 1000
SURVEY_DOCX_BUDGET_MS = 3000
SURVEY_OFFICERS = 2000
SURVEY_YEAR = COVERAGE_DATE.year
SURVEY_NAME_PREFIX = "基准调研"


def bench_survey() -> Section:
    from docx import Document

    from reports.docx_report import survey_docx
    from reports.models import SurveyReport
    from reports.survey_figures import survey_figures
    from reports.survey_services import survey_report_create
    from reports.survey_views import report_view
    from stats.coverage import coverage

    section = Section(f"6. 调研报告（{DRILLDOWN_COUNTY_CODE} 双峰县，预热 1 次后计时 {SURVEY_REPEATS} 次）")
    section.notes.append(mark_organisations_established())
    county = OrgUnit.objects.select_related("kind").get(code=DRILLDOWN_COUNTY_CODE)
    size = OrgUnit.objects.subtree(county).count()
    remove_survey_data(county)
    seeded = seed_survey_data(county)
    report = SurveyReport.objects.filter(unit=county, year=SURVEY_YEAR).first() or survey_report_create(
        unit=county, year=SURVEY_YEAR, problems="一是有组织无人员。\n二是身兼数职。", measures="加强基层组织建设。"
    )
    client = admin_client()
    page = f"/admin/reports/surveyreport/{report.pk}/report/"

    def get() -> None:
        response = client.get(page)
        if response.status_code != 200:
            raise AssertionError(f"{page} 返回 {response.status_code}")

    with static_files_without_manifest():
        page_ms = samples_ms(get, SURVEY_REPEATS)
        with CaptureQueriesContext(connection) as queries:
            get()
    coverage_ms = samples_ms(lambda: coverage(county, COVERAGE_DATE), SURVEY_REPEATS)
    figures_ms = samples_ms(lambda: survey_figures(county, SURVEY_YEAR), SURVEY_REPEATS)
    docx_ms = samples_ms(lambda: survey_docx(report_view(report, compare=False).document), SURVEY_REPEATS)
    document = report_view(report, compare=False).document
    plain_ms = samples_ms(lambda: survey_docx(document, charts=False), SURVEY_REPEATS)
    empty_ms = samples_ms(lambda: Document().save(io.BytesIO()), SURVEY_REPEATS)
    page_median, docx_median = statistics.median(page_ms), statistics.median(docx_ms)
    section.rows = [
        Row(
            f"报告页面（{size} 个单位，{seeded}；{len(queries)} 条 SQL）",
            summary_ms(page_ms),
            f"{ms(statistics.median(coverage_ms))}（只算 coverage()）",
            times(page_median, statistics.median(coverage_ms)),
            section.check(
                page_median <= SURVEY_PAGE_BUDGET_MS,
                f"中位数 ≤ {SURVEY_PAGE_BUDGET_MS} ms",
                f"报告页面 {ms(page_median)}",
            ),
        ),
        Row("其中取数 survey_figures()（本年和上年的组建率、统计、干部）", summary_ms(figures_ms)),
        Row(
            "生成 .docx（取数 + 文字 + 3 张图表 PNG）",
            summary_ms(docx_ms),
            f"{ms(statistics.median(plain_ms))}（同样文字和表格、不带图表的 .docx）",
            times(docx_median, statistics.median(plain_ms)),
            section.check(
                docx_median <= SURVEY_DOCX_BUDGET_MS,
                f"中位数 ≤ {SURVEY_DOCX_BUDGET_MS} ms",
                f"生成 .docx {ms(docx_median)}",
            ),
        ),
        Row("python-docx 保存一个空文档", summary_ms(empty_ms)),
    ]
    section.notes.append(
        "报告页面含：本年和上年的组建率、统计数据、干部构成、指标，供“问题与挑战”参考的工作清单计数，和内嵌 SVG 图表。"
        "基准数据（统计数据和人员）在本节结束时删除。"
    )
    remove_survey_data(county)
    return section


def seed_survey_data(county: OrgUnit) -> str:
    """Two years of figures on every unit of the county and 2,000 officers with concurrent roles."""
    from rosters.models import Appointment, ConcurrentRole, Person, Post
    from stats.models import DataElement, DataValue

    rng = random.Random(2026)
    units = list(OrgUnit.objects.subtree(county).select_related("kind"))
    elements = {e.code: e for e in DataElement.objects.all()}
    values = []
    for year in (SURVEY_YEAR - 1, SURVEY_YEAR):
        grow = 1 if year == SURVEY_YEAR else 0
        for unit in units:
            people = 1500 + rng.randrange(500)
            values.append(
                DataValue(unit=unit, element=elements["population"], period=str(year), total=people, female=people // 2)
            )
            values.append(
                DataValue(unit=unit, element=elements["party_members"], period=str(year), total=60 + grow, female=9)
            )
        for code, (total, female) in {
            "cadres": (2325 + grow * 20, 458 + grow * 5),
            "npc_deputies": (270, 27 + grow),
            "cppcc_members": (227, 25),
            "training_sessions": (300 + grow * 40, None),
            "trainees": (80_000 + grow * 1000, 70_000),
            "complaints_received": (43, None),
            "complaints_resolved": (36 + grow, None),
        }.items():
            values.append(DataValue(unit=county, element=elements[code], period=str(year), total=total, female=female))
    DataValue.objects.bulk_create(values, batch_size=2000)
    posts = {post.name: post for post in Post.objects.all()}
    roles = list(ConcurrentRole.objects.all())
    hosts = [u for u in units if u.org_established_on]
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"{SURVEY_NAME_PREFIX}{n:04d}",
                sex="F" if n % 10 else "M",
                birth_date=date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40)),
                education=rng.choice(["大学本科", "大学专科", "高中"]),
                political_status=rng.choice(["中共党员", "群众"]),
            )
            for n in range(SURVEY_OFFICERS)
        ],
        batch_size=2000,
    )
    appointments = []
    for n, person in enumerate(people):
        unit = hosts[n % len(hosts)]
        village = unit.kind.code in ("village", "community")
        post = posts["妇女主任" if village and n < len(hosts) else ("主席" if n < len(hosts) else "执委")]
        appointments.append(Appointment(person=person, unit=unit, post=post, start_on=date(2021, 4, 1)))
    appointments = Appointment.objects.bulk_create(appointments, batch_size=2000)
    through = Appointment.concurrent_roles.through
    links = [
        through(appointment=a, concurrentrole=role)
        for n, a in enumerate(appointments)
        for role in roles[: 1 + n % len(roles)]
        if a.post.name == "妇女主任"
    ]
    through.objects.bulk_create(links, batch_size=2000)
    return f"{len(values):,} 条统计数据，{len(appointments):,} 名干部"


def remove_survey_data(county: OrgUnit) -> None:
    from rosters.models import Appointment, Person
    from stats.models import DataValue

    with transaction.atomic():
        DataValue.objects.filter(
            unit__in=OrgUnit.objects.subtree(county), period__in=[str(SURVEY_YEAR - 1), str(SURVEY_YEAR)]
        ).delete()
        Appointment.objects.filter(person__name__startswith=SURVEY_NAME_PREFIX).delete()
        Person.objects.filter(name__startswith=SURVEY_NAME_PREFIX).delete()


# ---------------------------------------------------------------- report


def machine_lines() -> list[str]:
    postgres = execute("SELECT version()")[0][0]
    # Without autovacuum nothing analyzes the table after a load, and plans run without statistics.
    autovacuum = execute("SHOW autovacuum")[0][0]
    return [
        f"- 时间：{datetime.now().isoformat(timespec='seconds')}",
        f"- CPU：{os.cpu_count()} 个逻辑核；{platform.platform()}",
        f"- Python {platform.python_version()}，Django {django.get_version()}",
        f"- {postgres}；autovacuum = {autovacuum}",
    ]


def render_markdown(sections: list[Section], preamble: list[str], argv: list[str]) -> str:
    command = " ".join(["bench/run.py", *argv])
    lines = ["# 基准测试结果", "", f"`{command}`", "", *machine_lines(), *(f"- {line}" for line in preamble)]
    for section in sections:
        lines += ["", f"## {section.title}", "", "| measure | result | baseline (same run) | ratio | budget |"]
        lines.append("|---|---|---|---|---|")
        lines += [f"| {r.measure} | {r.result} | {r.baseline} | {r.ratio} | {r.budget} |" for r in section.rows]
        if section.notes:
            lines.append("")
            lines += [f"- {note}" for note in section.notes]
    failures = [failure for section in sections for failure in section.failures]
    lines += ["", "## 结论", ""]
    lines += [f"- ❌ {failure}" for failure in failures] or ["- 全部在预算之内 ✅"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-load", action="store_true", help="沿用已载入的全国树，跳过载入一节")
    parser.add_argument("--only", choices=SECTIONS, help="只跑这一节")
    parser.add_argument("--keep-rosters", action="store_true", help="rosters 一节结束后保留山东任职数据，下次直接沿用")
    return parser.parse_args(argv)


def require_loaded_tree() -> None:
    if not OrgUnit.objects.filter(code=DRILLDOWN_COUNTY_CODE).exists():
        sys.exit(f"库中没有全国区划（找不到 {DRILLDOWN_COUNTY_CODE}）：先不带 --skip-load / --only 运行一次。")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("基准只在 PostgreSQL 上运行（BENCH_DATABASE_URL）。")
    ensure_database()
    call_command("migrate", verbosity=0)
    divisions_dir = Path(os.environ.get("DIVISIONS_DIR", REPO_ROOT.parent / "shared" / "data" / "china-division"))
    divisions_2022_dir = Path(os.environ.get("DIVISIONS_2022_DIR", divisions_dir.parent / "china-division-2022"))

    wanted = [args.only] if args.only else list(SECTIONS)
    if args.skip_load and "load" in wanted:
        wanted.remove("load")
    if not wanted:
        sys.exit("--skip-load 与 --only load 同时给出，没有可运行的部分。")
    if "load" not in wanted:
        require_loaded_tree()

    sections, preamble = [], []
    if "load" in wanted:
        sections.append(bench_load(divisions_dir))
        print(f"（{sections[-1].title} 完成）", flush=True)
    later = {
        "insert": bench_inserts,
        "admin": bench_admin,
        "coverage": bench_coverage,
        "forms": bench_forms_section,
        "officers": bench_officers,
        "import": lambda: bench_import(divisions_dir),
        "survey": bench_survey,
        "facilities": lambda: bench_facilities(
            Section(f"9. 阵地覆盖（预热 1 次后计时 {COVERAGE_REPEATS} 次）"), Row, samples_ms, summary_ms, ms, times
        ),
        "activities": lambda: bench_activities(
            Section, Row, samples_ms=samples_ms, summary_ms=summary_ms, ms=ms, times=times
        ),
        "rosters": lambda: bench_rosters(
            Timer(Section("10. 全国规模的任职名册（山东，约 110 万条任职）"), Row, samples_ms, summary_ms, ms, times),
            admin_client(),
            static_files_without_manifest,
            bench_officers,
            keep=args.keep_rosters,
        ),
        # Last: it empties the unit table and leaves it holding the 2023 edition loaded alone.
        "divisions": lambda: bench_divisions(
            Section("8. 区划调整 apply_divisions（全国，2022版 → 2023版）"), Row, divisions_dir, divisions_2022_dir
        ),
    }
    if any(name in later for name in wanted):
        preamble.append(settle_unit_table())
    settle = Settler()
    for name in wanted:
        if name in later:
            sections.append(later[name]())
            print(f"（{sections[-1].title} 完成）", flush=True)
            if name != wanted[-1]:
                settle()
    if len(wanted) > 1:
        preamble.append(settle.summary())

    report = render_markdown(sections, preamble, argv)
    print(report)
    (REPO_ROOT / "bench" / "results.md").write_text(report, encoding="utf-8")
    return 1 if any(section.failures for section in sections) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
