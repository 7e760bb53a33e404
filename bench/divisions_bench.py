"""Benchmark section: the yearly division change (区划调整, issue 17) on the whole country.

The 2022 edition is loaded into an empty unit table, then plan_divisions and apply_divisions of the
2023 edition run on it as subprocesses (so their peak memory is their own, read by /usr/bin/time -v),
while a second connection in this process keeps reading a county's units and its coverage table.
Last, the unit table is emptied and the 2023 edition loaded alone: the baseline of the apply, and the
state the other sections expect the database in.

The national plan leaves units undecided (待定), which apply_divisions refuses; the bench decides them
from the exported plan with a fixed rule (clerk_mapping) that is for the bench only.
"""

import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, connections

from orgunits.models import OrgUnit

PLAN_BUDGET_S = 60.0
APPLY_RATIO_BUDGET = 2.0
RSS_BUDGET_MIB = 1024
READ_BUDGET_S = 1.0
READ_PAUSE_S = 0.05
PAST_RATIO_BUDGET = 2.0
PAST_COUNTY = "130123"  # 正定县: 南牛乡 became 南牛镇, its villages recoded under it
PAST_REPEATS = 15
READ_COUNTY = "431321"  # 双峰县, untouched by the 2023 edition; its coverage table is the page's query
ON, EDITION = "2023-06-30", "2023"
MAX_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
CANDIDATE = re.compile(r"([^：、（）]+)（(\w+)）")
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    output: str
    seconds: float
    rss_mib: float | None
    returncode: int


def manage(*args: str) -> Run:
    """A manage.py command as a subprocess, with its wall time and, when /usr/bin/time is there, its peak RSS."""
    command = [sys.executable, str(REPO_ROOT / "manage.py"), *args]
    timer = Path("/usr/bin/time")
    if timer.exists():
        command = [str(timer), "-v", *command]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, env=os.environ.copy())
    seconds = time.perf_counter() - started
    found = MAX_RSS.search(done.stderr)
    errors = MAX_RSS.split(done.stderr)[0] if found else done.stderr
    output = (done.stdout + errors.split("\tCommand being timed:")[0]).strip()
    return Run(output, seconds, int(found.group(1)) / 1024 if found else None, done.returncode)


def tail_kind(code: str) -> str:
    """Village-level codes whose last three digits start 2, 3, 6 or 7 are villages, the rest communities."""
    return "village" if len(code) == 12 and code[9] in "2367" else "other"


def clerk_mapping(plan_csv: Path, mapping_csv: Path) -> dict[str, int]:
    """Decide each 待定 row of the exported plan (bench only): of the candidates the note names, the
    one with the same full name, else the one of the same kind (村 or 社区); a unit contested with
    others (several old units, one candidate) and named otherwise is merged into it (并入).
    Writes 原代码, 新代码, 关系; returns the rows per relation."""
    with plan_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["变更类型"] == "待定"]
    taken, decided = set(), []
    for row in rows:
        candidates = [(name, code) for name, code in CANDIDATE.findall(row["说明"].split("；")[0]) if code not in taken]
        same_name = [code for name, code in candidates if name == row["原名称"]]
        same_kind = [code for _name, code in candidates if tail_kind(code) == tail_kind(row["原代码"])]
        if same_name or (len(candidates) > 1 and same_kind):
            code = (same_name or same_kind)[0]
            taken.add(code)
            decided.append((row["原代码"], code, "同一单位"))
        else:
            decided.append((row["原代码"], candidates[0][1], "并入"))
    with mapping_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["原代码", "新代码", "关系"])
        writer.writerows(decided)
    relations: dict[str, int] = {}
    for _old, _new, relation in decided:
        relations[relation] = relations.get(relation, 0) + 1
    return relations


@dataclass
class Reader:
    """Reads a county's unit count and coverage table over and over on its own connection."""

    county: str
    latencies: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    error: str = ""

    def run(self) -> None:
        from stats.coverage import coverage

        try:
            unit = OrgUnit.objects.select_related("kind").get(code=self.county)
            day = date.fromisoformat(ON)
            while not self.stop.is_set():
                started = time.perf_counter()
                OrgUnit.objects.subtree(unit).count()
                coverage(unit, day)
                self.latencies.append(time.perf_counter() - started)
                time.sleep(READ_PAUSE_S)
        except Exception as exc:  # reported in the section, not lost in the thread
            self.error = repr(exc)
        finally:
            connections.close_all()


def bench_divisions(section, row_type, new_dir: Path, old_dir: Path):
    """Fill `section` (run.Section) with rows (run.Row) for the division change of 2023 on the 2022 edition."""
    unit_table = OrgUnit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {unit_table} RESTART IDENTITY CASCADE")
    loaded_2022 = manage("load_divisions", str(old_dir))
    with tempfile.TemporaryDirectory() as folder:
        plan_csv, mapping_csv = Path(folder) / "plan.csv", Path(folder) / "mapping.csv"
        common = (str(new_dir), "--on", ON, "--edition", EDITION)
        plan = manage("plan_divisions", *common, "-o", str(plan_csv))
        relations = clerk_mapping(plan_csv, mapping_csv)
        refused = manage("apply_divisions", *common, "--dry-run")
        reader = Reader(READ_COUNTY)
        thread = threading.Thread(target=reader.run)
        thread.start()
        apply = manage("apply_divisions", *common, "--mapping", str(mapping_csv))
        reader.stop.set()
        thread.join()
        # Without the mapping: its rows name 2022 units that are gone now, which the apply refuses.
        again = manage("apply_divisions", *common)
    tree = manage("check_tree")
    past, today = time_past_coverage(PAST_COUNTY)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {unit_table} RESTART IDENTITY CASCADE")
    loaded_2023 = manage("load_divisions", str(new_dir))

    for name, run in (("载入2022版", loaded_2022), ("计划", plan), ("执行", apply), ("载入2023版", loaded_2023)):
        if run.returncode:
            section.failures.append(f"{name}失败：{run.output[-300:]}")
    ratio = apply.seconds / loaded_2023.seconds
    rss = max((run.rss_mib or 0) for run in (plan, apply))
    worst = max(reader.latencies, default=float("inf"))
    section.rows = [
        row_type("载入2022版（全国，空表）", f"{loaded_2022.seconds:.1f} s", budget=_rss(loaded_2022)),
        row_type(
            "plan_divisions 2023（全国，写出 .csv 计划）",
            f"{plan.seconds:.1f} s",
            budget=section.check(
                plan.seconds <= PLAN_BUDGET_S, f"≤ {PLAN_BUDGET_S:g} s", f"全国计划 {plan.seconds:.1f} s"
            ),
        ),
        row_type(
            "apply_divisions 2023（全国，一个事务）",
            f"{apply.seconds:.1f} s",
            f"{loaded_2023.seconds:.1f} s（load_divisions 2023版进空表）",
            f"{ratio:.1f}×",
            section.check(
                ratio <= APPLY_RATIO_BUDGET, f"≤ {APPLY_RATIO_BUDGET:g}×", f"全国执行为载入的 {ratio:.1f} 倍"
            ),
        ),
        row_type(
            "峰值内存 RSS（计划、执行子进程中较大者）",
            f"{rss:.0f} MiB",
            f"{loaded_2023.rss_mib or 0:.0f} MiB（载入2023版）",
            budget=section.check(rss <= RSS_BUDGET_MIB, f"≤ {RSS_BUDGET_MIB} MiB", f"峰值内存 {rss:.0f} MiB"),
        ),
        row_type(
            f"执行期间另一连接读取 {READ_COUNTY} 的单位数和组建率表：最长",
            f"{worst * 1000:.0f} ms",
            f"中位数 {statistics.median(reader.latencies) * 1000:.0f} ms，共 {len(reader.latencies)} 次"
            if reader.latencies
            else "—",
            budget=section.check(worst <= READ_BUDGET_S, f"≤ {READ_BUDGET_S:g} s", f"读取最长 {worst:.1f} s"),
        ),
        row_type(
            f"{PAST_COUNTY} 组建率表，调整前一日（2023-06-29，按当时的树）：中位数",
            f"{past * 1000:.1f} ms",
            f"{today * 1000:.1f} ms（调整当日，今天的树）",
            f"{past / today:.1f}×",
            section.check(
                past <= PAST_RATIO_BUDGET * today,
                f"≤ {PAST_RATIO_BUDGET:g}×",
                f"过去日期的组建率为当日的 {past / today:.1f} 倍",
            ),
        ),
        row_type("再次执行同一版本（应无变化）", f"{again.seconds:.1f} s"),
        row_type("check_tree", f"{tree.seconds:.1f} s"),
    ]
    if reader.error:
        section.failures.append(f"读取出错：{reader.error}")
    if "未写入任何数据" not in again.output or "一致" not in again.output:
        section.failures.append(f"再次执行有变化：{again.output[:300]}")
    if not tree.output.startswith("单位树完好"):
        section.failures.append(f"check_tree：{tree.output[:300]}")
    undecided = [line for line in refused.output.splitlines() if "对应单位不确定" in line]
    section.notes = [
        f"计划输出：{_oneline(plan.output)}",
        f"不带对应表执行被拒绝（{len(undecided)} 个待定单位，未写入），"
        f"例如：{undecided[0] if undecided else refused.output[:200]}",
        "待定单位由基准脚本按固定规则从导出的计划中决定（仅供基准使用）：候选中全名相同者为同一单位，否则取同类（村/社区）者；"
        f"与其他原单位争同一候选且名称不同者并入该候选。结果：{'，'.join(f'{k}{v}个' for k, v in relations.items())}。",
        f"执行输出（前几行）：{_oneline(apply.output, 3)}",
        f"再次执行输出：{_oneline(again.output)}",
        f"check_tree 输出：{tree.output}",
        "各命令均为子进程（含 Django 启动和读 CSV），峰值内存为 /usr/bin/time -v 的 Maximum resident set size。"
        f"读取每次间隔 {READ_PAUSE_S * 1000:.0f} ms，从执行子进程启动前到其结束。"
        "最后清空单位表并载入2023版，库恢复为其他各节所需的状态。",
    ]
    return section


def time_past_coverage(county: str) -> tuple[float, float]:
    """Median seconds of the county's coverage the day before the change and on the day."""
    from stats.coverage import coverage

    unit = OrgUnit.objects.select_related("kind").get(code=county)
    medians = []
    for day in (date(2023, 6, 29), date.fromisoformat(ON)):
        coverage(unit, day)  # warm
        samples = []
        for _ in range(PAST_REPEATS):
            started = time.perf_counter()
            coverage(unit, day)
            samples.append(time.perf_counter() - started)
        medians.append(statistics.median(samples))
    return medians[0], medians[1]


def _rss(run: Run) -> str:
    return f"峰值内存 {run.rss_mib:.0f} MiB" if run.rss_mib else "—"


def _oneline(text: str, lines: int = 2) -> str:
    return " ".join(text.splitlines()[:lines])
