"""Write the unit spreadsheets under tests/fixtures/units (run from the repo root).

Codes are real demo codes of 双峰县 (431321) and its townships; new units get codes next to them.
Everything is deterministic: rerunning rewrites identical csv files; xlsx files carry a fixed
creation time. The .xls and .ods copies are made by LibreOffice when soffice is installed; without
it the committed copies are left as they are.
"""

import csv
import datetime
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

sys.path.insert(0, ".")
from orgunits.codes import uscc_check_char

OUT = Path("tests/fixtures/units")
FIXED_TIME = datetime.datetime(2025, 3, 1, 9, 0, 0)
STAMP = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

HEADERS = [
    "代码",
    "名称",
    "类型",
    "上级代码",
    "成立日期",
    "撤销日期",
    "妇女组织成立日期",
    "妇女组织撤销日期",
    "妇女组织形式",
    "纳入组建率统计",
]
COUNTY, YONGFENG, HEYE, JINGZI = "431321", "431321001", "431321101", "431321102"
LONGYIN, SHENCHONG, WULI = "431321101208", "431321101210", "431321001001"
NEW_TOWN = "431321113"  # 新兴镇: the county's demo townships stop at 431321112


def uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


AGENCY = uscc("11431321MB0000001")  # 新兴镇人民政府
FARM = uscc("91431321MA4L00001")  # an enterprise under a new village
MILL = uscc("91431321MA4L00002")  # an enterprise under an existing village

D = datetime.datetime
# Children before their parents; dates written every way people write them.
COUNTY_ROWS = [
    [f"{NEW_TOWN}201", "新兴村", "village", NEW_TOWN, "2025/3/1", None, "2025年3月8日", None, "", "是", "新设"],
    [f"{NEW_TOWN}202", "联盟村", "村", NEW_TOWN, 45717, None, None, None, "", "", "Excel 日期序号"],
    [f"{NEW_TOWN}203", "石桥村", "村", NEW_TOWN, "２０２５年３月５日", None, None, None, "妇代会", "是", "全角数字"],
    [f"{NEW_TOWN}204", "金星村", "village", NEW_TOWN, "20250301", None, None, None, "", "", ""],
    [f"{NEW_TOWN}205", "龙泉村", "村", NEW_TOWN, "2025年3月1日", None, None, None, "", "否", ""],
    [f"{NEW_TOWN}001", "新兴社区", "社区", NEW_TOWN, D(2025, 3, 1), None, D(2025, 3, 8), None, "妇联", "是", ""],
    [f"{NEW_TOWN}002", "兴华社区", "community", NEW_TOWN, "2025-03-01", None, None, None, "", "", ""],
    [FARM, "新兴农业发展有限公司", "企业", f"{NEW_TOWN}201", "2025-04-01", None, "2025-05-01", None, "", "否", ""],
    [AGENCY, "新兴镇人民政府", "agency", NEW_TOWN, "2025/3/1", None, "2025/3/8", None, "妇委会", "", "机关"],
    [f"{HEYE}300", "荷叶新村", "村", HEYE, "2025/3/1", None, None, None, "", "", "设在已有的荷叶镇下"],
    [f"{HEYE}003", "荷花社区", "社区", HEYE, 45717, None, None, None, "", "", ""],
    [MILL, "龙吟纸业有限公司", "enterprise", LONGYIN, "2019-06-01", None, "2020-03-08", None, "妇女组织", "是", ""],
    [NEW_TOWN, "新兴镇", "乡镇", COUNTY, D(2025, 3, 1), None, D(2025, 3, 8), None, "妇联", "是", "最后才写上级"],
]
COUNTY_HEADERS = [*HEADERS, "备注"]
TITLE = "双峰县新增单位表"

UPDATE_HEADERS = ["代码", "名称", "类型", "上级代码", "成立日期", "妇女组织成立日期"]
UPDATE_ROWS = [
    [HEYE, "荷叶镇", "乡镇", COUNTY, "1995-12-01", "2016-03-08"],  # redated
    [LONGYIN, "龙吟村村民委员会", "村", HEYE, "2016-03-01", None],  # renamed and redated
    [SHENCHONG, "神冲村", "村", JINGZI, None, None],  # moved to 井字镇
    [WULI, "五里社区居民委员会", "社区", YONGFENG, None, None],  # renamed
    [COUNTY, "双峰县", "县", "4313", None, None],  # unchanged
]

# The township clerk edits 永丰街道 only: a new community there is in her scope, the rest is not.
SCOPE_GOOD = [f"{YONGFENG}026", "永丰新社区", "社区", YONGFENG, "2025-03-01", "", "", "", "", ""]
SCOPE_CASES = ("out_of_scope_existing", "out_of_scope_parent")
MIXED_SCOPE_ROWS = [
    SCOPE_GOOD,
    [WULI, "五里社区居民委员会", "社区", YONGFENG, "", "", "", "", "", ""],  # in scope: renamed
    [f"{HEYE}309", "荷叶九村", "村", HEYE, "", "", "", "", "", ""],  # new under 荷叶镇: out of scope
    [LONGYIN, "龙吟村（改名）", "村", HEYE, "", "", "", "", "", ""],  # an existing unit of 荷叶镇
    [f"{YONGFENG}202", "水口村", "村", HEYE, "", "", "", "", "", ""],  # moved out of 永丰街道 into 荷叶镇
]

# One good row (a new village of 荷叶镇) then the bad row(s): the whole file must be refused.
GOOD = [f"{HEYE}301", "荷叶二村", "村", HEYE, "2025-03-01", "", "", "", "", ""]


def row(**values) -> list:
    """A new village of 荷叶镇 with some fields replaced (keys are HEADERS' fields)."""
    fields = ["code", "name", "kind", "parent", "opened", "closed", "org_on", "org_off", "form", "eligible"]
    base = dict(zip(fields, [f"{HEYE}302", "荷叶三村", "村", HEYE, "2025-03-01", "", "", "", "", ""], strict=True))
    base.update(values)
    return [base[name] for name in fields]


BAD_ROWS = {
    "blank_code": [row(code="")],
    "code_with_space": [row(code="431321 101302")],
    "code_too_long": [row(code="ABC" + "1" * 30)],
    "admin_code_length": [row(code="4313211")],
    "uscc_check": [row(code=FARM[:17] + ("0" if FARM[17] != "0" else "1"), name="新兴米业有限公司", kind="企业")],
    "scientific_code": [row(code="4.31321E+11")],
    "duplicate_code": [row(code=GOOD[0], name="荷叶二村重复")],
    "blank_name": [row(name="")],
    "name_too_long": [row(name="荷" * 101)],
    "blank_kind": [row(kind="")],
    "unknown_kind": [row(kind="村委会")],
    "unknown_parent": [row(parent="431321199")],
    "blank_parent": [row(parent="")],
    "own_parent": [row(parent=f"{HEYE}302")],
    "cycle": [
        row(code=f"{HEYE}303", name="甲村", kind="村", parent=f"{HEYE}304"),
        row(code=f"{HEYE}304", name="乙村", kind="村", parent=f"{HEYE}305"),
        row(code=f"{HEYE}305", name="丙村", kind="村", parent=f"{HEYE}303"),
    ],
    "village_under_county": [row(parent=COUNTY)],
    "bad_date": [row(opened="2025-02-30")],
    "closed_before_opened": [row(closed="2025-02-01")],
    "org_before_opened": [row(org_on="2025-02-01")],
    "org_dissolved_without_established": [row(org_off="2025-06-01")],
    "org_dissolved_before_established": [row(org_on="2025-06-01", org_off="2025-05-01")],
    "bad_yes_no": [row(eligible="也许")],
    "unknown_org_form": [row(form="妇女会")],
    "opened_before_parent_row": [
        row(code=f"{NEW_TOWN}201", name="新兴村", parent=NEW_TOWN, opened="2025-01-01"),
        row(code=NEW_TOWN, name="新兴镇", kind="乡镇", parent=COUNTY, opened="2025-03-01"),
    ],
    "parent_row_invalid": [
        row(code=f"{NEW_TOWN}201", name="新兴村", parent=NEW_TOWN),
        row(code=NEW_TOWN, name="新兴镇", kind="乡镇", parent=COUNTY, opened="2025-13-01"),
    ],
    "kind_change_orphans_children": [row(code=JINGZI, name="井字镇", kind="机关", parent=COUNTY, opened="")],
    "parent_row_invalid_by_rule": [
        row(code=f"{NEW_TOWN}201", name="新兴村", parent=NEW_TOWN),
        row(code=NEW_TOWN, name="新兴镇", kind="乡镇", parent=HEYE),
    ],
    "parent_row_invalid_by_rule_parent_first": [
        row(code=NEW_TOWN, name="新兴镇", kind="乡镇", parent=HEYE),
        row(code=f"{NEW_TOWN}201", name="新兴村", parent=NEW_TOWN),
    ],
    "out_of_scope_existing": [row(code=LONGYIN, name="龙吟村（改名）", opened="")],
    "out_of_scope_parent": [row()],
    "several_errors": [
        row(code="", name="无代码村"),
        row(code=f"{HEYE}306", name="", kind="村委会"),
        row(code=f"{HEYE}307", name="荷叶七村", opened="2025-02-30", eligible="也许"),
        row(code=f"{HEYE}308", name="荷叶八村", parent="431321199"),
    ],
}


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def csv_bytes(rows: list[list], *, encoding="utf-8", delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([[as_text(value) for value in line] for line in rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, title="单位", text_columns=(0, 3)) -> bytes:
    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    sheet = book.active
    sheet.title = title
    for line in rows:
        sheet.append(line)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd"
            elif cell.column - 1 in text_columns and isinstance(cell.value, str):
                cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(content: bytes) -> bytes:
    """openpyxl stamps each zip member with the current time; fix it so reruns give identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + STAMP, data)
            target.writestr(fixed, data)
    return out.getvalue()


def convert(source: Path, extension: str) -> None:
    """.xls and .ods through LibreOffice; keep the committed copy when it is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"soffice not found: keeping the committed {source.stem}.{extension}")
        return
    with tempfile.TemporaryDirectory() as workdir:
        subprocess.run(
            [
                soffice,
                "--headless",
                "-env:UserInstallation=file:///tmp/lo_fixture_profile",
                "--convert-to",
                extension,
                "--outdir",
                workdir,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.copyfile(Path(workdir) / f"{source.stem}.{extension}", OUT / f"{source.stem}.{extension}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    county = [[TITLE], [], COUNTY_HEADERS, *COUNTY_ROWS]
    (OUT / "county_units.xlsx").write_bytes(xlsx_bytes(county))
    (OUT / "county_units_gbk.csv").write_bytes(csv_bytes(county, encoding="gbk"))
    (OUT / "county_units_utf8_bom.csv").write_bytes(csv_bytes(county, encoding="utf-8-sig"))
    (OUT / "county_units_tab.csv").write_bytes(csv_bytes(county, encoding="utf-8", delimiter="\t"))
    for extension in ("xls", "ods"):
        convert(OUT / "county_units.xlsx", extension)
    (OUT / "county_update.xlsx").write_bytes(xlsx_bytes([UPDATE_HEADERS, *UPDATE_ROWS]))

    for name, rows in BAD_ROWS.items():
        good = SCOPE_GOOD if name in SCOPE_CASES else GOOD
        (OUT / f"bad_{name}.csv").write_bytes(csv_bytes([HEADERS, good, *rows]))
    (OUT / "mixed_scope.csv").write_bytes(csv_bytes([HEADERS, *MIXED_SCOPE_ROWS]))
    # Malformed files.
    (OUT / "bad_empty.csv").write_bytes(b"")
    (OUT / "bad_blank_sheet.xlsx").write_bytes(xlsx_bytes([]))
    (OUT / "bad_title_only.xlsx").write_bytes(xlsx_bytes([[TITLE]]))
    (OUT / "bad_no_header.csv").write_bytes(csv_bytes([GOOD, row()]))
    (OUT / "bad_header_too_low.csv").write_bytes(csv_bytes([*([[TITLE]] * 20), HEADERS, GOOD]))
    (OUT / "bad_missing_column.csv").write_bytes(csv_bytes([["代码", "名称", "上级代码"], [GOOD[0], GOOD[1], HEYE]]))
    (OUT / "bad_duplicate_column.csv").write_bytes(csv_bytes([[*HEADERS[:4], "单位名称"], [*GOOD[:4], "荷叶二村"]]))
    (OUT / "bad_garbage.csv").write_bytes(bytes((index * 37 + 0x80) % 256 for index in range(2048)) + b"\xff\x80")
    (OUT / "bad_not_zip.xlsx").write_bytes(b"not a zip at all, just text named .xlsx\n")
    good_xlsx = xlsx_bytes([HEADERS, GOOD])
    (OUT / "bad_truncated.xlsx").write_bytes(good_xlsx[: len(good_xlsx) // 2])
    (OUT / "bad_wrong_type.pdf").write_bytes(csv_bytes([HEADERS, GOOD]))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=FIXED_TIME.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, b"0" * (30 * 2**20))
    (OUT / "bad_zip_bomb.xlsx").write_bytes(bomb.getvalue())


if __name__ == "__main__":
    main()
