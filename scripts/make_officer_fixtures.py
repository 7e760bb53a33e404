"""Write the officer spreadsheets under tests/fixtures/officers (run from the repo root).

Units are real codes of 荷叶镇, 双峰县 (demo data). Identity numbers carry real GB 11643 check digits.
"""

import csv
import datetime
import io
import sys
from pathlib import Path

import openpyxl

sys.path.insert(0, ".")
from rosters.identity import id_check_char
from rosters.officers import COLUMNS

OUT = Path("tests/fixtures/officers")
HEYE, V1, V2, C1, C2, V3 = "431321101", "431321101208", "431321101210", "431321101001", "431321101002", "431321101212"


def id_number(birth: str, *, female=True, sequence=12, area="431321") -> str:
    first17 = f"{area}{birth}{sequence * 2 + (0 if female else 1):03d}"
    return first17 + id_check_char(first17)


D = datetime.date
GOOD = [
    [
        "李秀英",
        "女",
        D(1985, 3, 12),
        "汉族",
        "大学专科",
        "中共党员",
        "13800001234",
        id_number("19850312"),
        HEYE,
        "主席",
        D(2021, 4, 1),
        None,
        "专职",
        "",
    ],
    [
        "李秀英",
        "女",
        D(1985, 3, 12),
        "汉族",
        "大学专科",
        "中共党员",
        "13800001234",
        id_number("19850312"),
        HEYE,
        "执委",
        D(2021, 4, 1),
        None,
        "兼职",
        "村委会委员",
    ],
    [
        "王桂兰",
        "女",
        D(1968, 7, 1),
        "土家族",
        "高中",
        "中共党员",
        "13900002222",
        "",
        V1,
        "妇女主任",
        D(2019, 1, 1),
        None,
        "兼职",
        "计育专干、妇幼保健员",
    ],
    [
        "张丽",
        "女",
        D(1990, 5, 20),
        "汉族",
        "大学本科",
        "群众",
        "",
        "",
        V2,
        "主席",
        D(2021, 4, 1),
        D(2023, 12, 31),
        "兼职",
        "村党组织委员",
    ],
    [
        "张丽",
        "女",
        D(1979, 11, 2),
        "苗族",
        "中专",
        "中共党员",
        "13700003333",
        "",
        C1,
        "主席",
        D(2021, 4, 1),
        None,
        "兼职",
        "村委会委员,计育专干",
    ],
]
BASE = ["孙燕", "女", "1988-06-30", "汉族", "高中", "群众", "13500005555", "", V3, "主席", "2022-01-01", "", "兼职", ""]
SUN_ID = id_number("19880630", sequence=30)


def with_(index: int, value) -> list:
    row = list(BASE)
    row[index] = value
    return row


def as_text(value) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value)


def write_csv(name: str, rows: list[list], *, english=True, encoding="utf-8") -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([field if english else header for field, header in COLUMNS])
    writer.writerows([[as_text(v) for v in row] for row in rows])
    (OUT / name).write_bytes(out.getvalue().encode(encoding))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任职"
    sheet.append([header for _field, header in COLUMNS])
    for row in GOOD:
        sheet.append(row)
    for column in ("C", "K", "L"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    book.save(OUT / "officers.xlsx")
    gbk = [
        [
            "赵敏",
            "女",
            "1995/11/30",
            "汉族",
            "大学本科",
            "共青团员",
            "13600004444",
            "",
            C2,
            "妇女主任",
            "2022年3月1日",
            "",
            "兼职",
            "计育专干",
        ]
    ]
    write_csv("officers_gbk.csv", gbk, encoding="gbk")
    bad = {
        "check_digit": with_(7, SUN_ID[:17] + ("0" if SUN_ID[17] != "0" else "1")),
        "id_contradicts_birth": [*with_(7, SUN_ID)[:2], "1988-06-29", *with_(7, SUN_ID)[3:]],
        "id_contradicts_sex": [BASE[0], "男", *with_(7, SUN_ID)[2:]],
        "unknown_unit": with_(8, "431321999999"),
        "unknown_post": with_(9, "秘书长"),
        "end_before_start": with_(11, "2021-12-31"),
        "phone_letters": with_(6, "1350000abcd"),
        "bad_date": with_(10, "2022-13-01"),
    }
    for name, row in bad.items():
        write_csv(f"bad_{name}.csv", [GOOD[3], row], english=False)
    write_csv("bad_overlap.csv", [BASE, with_(10, "2022-06-01")], english=False)
    (OUT / "bad_missing_column.csv").write_text("姓名,出生日期,职务\n孙燕,1988-06-30,主席\n", encoding="utf-8")


if __name__ == "__main__":
    main()
