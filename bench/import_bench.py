"""Benchmark section: import_units against load_divisions on the same ~55k rows, and the admin flow.

A whole province (河南, 41) of the division files is copied under the unused province code 99,
so it can be loaded next to the national tree. Each measured run happens in a transaction that
is rolled back, so the national tree is left as it was.
"""

import csv
import io
import random
import re
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from orgunits.loader import LEVELS, read_divisions
from orgunits.models import NATION_CODE, OrgUnit

SOURCE_PROVINCE = "41"
BENCH_PROVINCE = "99"
IMPORT_RATIO_BUDGET = 3.0
ADMIN_FLOW_BUDGET_S = 10.0
ADMIN_FILE_ROWS = 1000
SEED = 2026
# The confirm form's hidden inputs, read from the page as a browser would.
CONFIRM_FIELD = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
ERROR_ITEM = re.compile(r"<li>(第\d+行[^<]*)</li>")


class _Rollback(Exception):
    pass


def timed_and_rolled_back(action) -> float:
    started = time.perf_counter()
    try:
        with transaction.atomic():
            action()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        return elapsed


def recoded_division_files(source: Path, target: Path) -> int:
    """The source province's rows from the five files, codes starting 41 rewritten to start 99."""
    rows = 0
    for level in LEVELS:
        with (source / level.file).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            code_columns = [i for i, name in enumerate(header) if name == "code" or name.endswith("Code")]
            kept = [row for row in reader if row and row[0].startswith(SOURCE_PROVINCE)]
        with (target / level.file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in kept:
                for i in code_columns:
                    row[i] = BENCH_PROVINCE + row[i][len(SOURCE_PROVINCE) :]
                writer.writerow(row)
        rows += len(kept)
    return rows


def unit_file(directory: Path, path: Path, *, shuffle: bool) -> int:
    """The same rows as a unit spreadsheet (csv), in random order: children before parents half the time."""
    divisions = read_divisions(directory)
    lines = [[d.code, d.name, d.kind, d.parent_code or NATION_CODE] for d in divisions]
    if shuffle:
        random.Random(SEED).shuffle(lines)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["代码", "名称", "类型", "上级代码"])
        writer.writerows(lines)
    return len(lines)


def bench_unit_import(section_class, row_class, divisions_dir: Path, client):
    section = section_class("7. 单位表导入 import_units（与 load_divisions 同一批行）")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "divisions"
        source.mkdir()
        count = recoded_division_files(divisions_dir, source)
        spreadsheet = folder / "units.csv"
        unit_file(source, spreadsheet, shuffle=True)
        out = io.StringIO()
        load_s = timed_and_rolled_back(lambda: call_command("load_divisions", str(source), stdout=out))
        check_s = timed_and_rolled_back(lambda: call_command("import_units", str(spreadsheet), "--dry-run", stdout=out))
        import_s = timed_and_rolled_back(lambda: call_command("import_units", str(spreadsheet), stdout=out))
        ratio = import_s / load_s
        section.rows = [
            row_class(
                f"import_units，{count:,} 行，乱序 csv",
                f"{import_s:.1f} s（其中只检查 {check_s:.1f} s）",
                f"{load_s:.1f} s（load_divisions 同样的行）",
                f"{ratio:.1f}×",
                section.check(
                    ratio <= IMPORT_RATIO_BUDGET, f"≤ {IMPORT_RATIO_BUDGET:g}×", f"导入耗时为载入的 {ratio:.1f} 倍"
                ),
            ),
            admin_flow_row(section, row_class, folder, client),
        ]
    section.notes = [
        f"河南省（{SOURCE_PROVINCE}）的全部区划改写为代码 {BENCH_PROVINCE} 开头，挂在已载入的全国树下；"
        "每次测量都在回滚的事务中进行，不改变全国树。",
        "import_units 读 csv（行序打乱），逐行检查代码、类型、上级（文件内或库中）、循环、日期与上下级规则，"
        "再在内存中算路径、COPY 写入并逐个单位写入“新增”历史记录；load_divisions 读五个区划文件，不写逐个历史。",
    ]
    return section


def admin_flow_row(section, row_class, folder: Path, client):
    """Upload → preview → confirm of a 1,000-row county file through the admin, in one rolled-back transaction."""
    county = OrgUnit.objects.filter(code__startswith="4301", depth=4).order_by("path").first()
    lines = [["代码", "名称", "类型", "上级代码", "成立日期", "妇女组织成立日期"]]
    for n in range(ADMIN_FILE_ROWS // 50):
        township = f"{county.code}9{n:02d}"
        lines.append([township, f"基准镇{n}", "乡镇", county.code, "2020-01-01", "2020/3/8"])
        for m in range(1, 50):
            lines.append([f"{township}{m:03d}", f"基准村{n}-{m}", "村", township, "2020年1月1日", "2020-03-08"])
    random.Random(SEED).shuffle(lines[1:])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    path = folder / "county.csv"
    path.write_bytes(buffer.getvalue().encode("gb18030"))

    def flow():
        with path.open("rb") as handle:
            preview = client.post("/admin/orgunits/orgunit/import/", {"import_file": handle, "format": "0"})
        page = preview.content.decode()
        confirm = dict(CONFIRM_FIELD.findall(page[page.find("process_import") :]))
        if "import_file_name" not in confirm:
            raise AssertionError("预览没有“确认导入”：" + " ".join(ERROR_ITEM.findall(page)[:3]))
        done = client.post("/admin/orgunits/orgunit/process_import/", confirm)
        if done.status_code != 302:
            raise AssertionError(f"确认导入返回 {done.status_code}")

    try:
        seconds = timed_and_rolled_back(flow)
    except AssertionError as exc:
        section.failures.append(str(exc))
        return row_class("后台上传 → 预览 → 确认", "失败")
    return row_class(
        f"后台上传 → 预览 → 确认，{len(lines) - 1:,} 行县级文件（GBK csv）",
        f"{seconds:.1f} s",
        budget=section.check(
            seconds <= ADMIN_FLOW_BUDGET_S, f"≤ {ADMIN_FLOW_BUDGET_S:g} s", f"后台导入 {seconds:.1f} s"
        ),
    )
