"""Benchmark: crafted spreadsheets that are small on disk and huge once read, against clean twins.

Run from the repo root (`make bench` runs it first; it needs no database):

    .venv/bin/python bench/spreadsheet_bench.py

Each file of tests/spreadsheet_bombs.py (1,000 real rows plus the header, plus its trick) and its
clean twin (the same rows, no trick) is read by read_upload in a fresh process, under the commands'
row limit (the larger one), and the process reports the time and its peak RSS (VmHWM). Prints a
Markdown table and writes it to bench/spreadsheet_results.md. Exits 1 when a file takes more than
10 s or peaks above 300 MiB.
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.spreadsheet_bombs import crafted_files  # noqa: E402 -- needs the repo on the path

REAL_ROWS = 1000
SECONDS_BUDGET = 10.0
PEAK_MIB_BUDGET = 300


def measure(path: Path) -> dict:
    """Read one file in a fresh interpreter (Django set up, as in the server) and report."""
    child = subprocess.run(
        [sys.executable, "-m", "tests.spreadsheet_bombs", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "registry.settings"},
    )
    if child.returncode:
        sys.exit(f"{path.name}: {child.stderr[-2000:]}")
    return json.loads(child.stdout.splitlines()[-1])


def size(length: int) -> str:
    return f"{length / 2**20:.1f} MB" if length >= 2**20 else f"{length / 1024:.1f} KB"


def outcome(report: dict) -> str:
    if "refused" in report:
        return f"拒绝：{report['refused']}"
    return f"读出 {report['rows']:,} 行（最后一行是第 {report['last']:,} 行，最宽 {report['widest']} 列）"


def main() -> int:
    lines = [
        "# 构造的表格文件：读取用时与峰值内存",
        "",
        "`bench/spreadsheet_bench.py`",
        "",
        f"- 时间：{datetime.now().isoformat(timespec='seconds')}",
        f"- CPU：{os.cpu_count()} 个逻辑核；{platform.platform()}；Python {platform.python_version()}",
        f"- 每个文件都是 {REAL_ROWS:,} 行真实数据加表头，再加上它的构造；基线是同样 {REAL_ROWS + 1:,} 行、"
        "不加构造的同格式文件，在同一次运行中测得。",
        "- 每个文件在一个新进程中由 read_upload 读取（含上传检查），用命令的行数上限（200,000）；"
        "峰值内存是该进程的 VmHWM，含 Python 和 Django 本身。",
        "",
        "| 文件 | 构造 | 大小 | 结果 | 用时 | 峰值 RSS | 基线：干净文件的用时 / 峰值 RSS | 预算 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    failures = []
    idle = []
    with tempfile.TemporaryDirectory() as directory:
        for item in crafted_files(REAL_ROWS):
            crafted, clean = Path(directory) / item.name, Path(directory) / f"clean_{item.name}"
            crafted.write_bytes(item.content)
            clean.write_bytes(item.clean)
            bomb, base = measure(crafted), measure(clean)
            idle.append(base["before_mib"])
            ok = bomb["seconds"] <= SECONDS_BUDGET and bomb["peak_mib"] <= PEAK_MIB_BUDGET
            if not ok:
                failures.append(item.name)
            lines.append(
                f"| {item.name} | {item.what} | {size(len(item.content))} | {outcome(bomb)} | "
                f"{bomb['seconds']:.2f} s | {bomb['peak_mib']:.0f} MiB | "
                f"{base['seconds']:.2f} s / {base['peak_mib']:.0f} MiB（{size(len(item.clean))}） | "
                f"≤ {SECONDS_BUDGET:.0f} s，≤ {PEAK_MIB_BUDGET} MiB {'✅' if ok else '❌'} |"
            )
            print(lines[-1], flush=True)
    lines += [
        "",
        f"- 进程读文件之前（Python、Django 和文件内容）约 {min(idle):.0f}–{max(idle):.0f} MiB。",
        "",
        "## 结论",
        "",
        *([f"- ❌ {name} 超出预算" for name in failures] or ["- 全部在预算之内 ✅"]),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    (REPO_ROOT / "bench" / "spreadsheet_results.md").write_text(report, encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
