"""Small files that unfold into big tables, and the clean files they are measured against.

Each writer makes the smallest file of its format that the readers accept, by hand, so that a crafted
file and its clean twin differ only in the trick. Used by tests/test_spreadsheet_limits.py and by
bench/spreadsheet_bench.py. Run as a script to read one file in this fresh process and print what
happened, how long it took and the peak memory (VmHWM), as JSON:

    python -m tests.spreadsheet_bombs FILE [--max-rows N] [--address-space-mb M]
"""

import io
import math
import struct
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

HEADER = ["代码", "名称", "类型", "上级代码"]
UPLOAD_BYTES = 19 * 2**20  # under the 20 MB upload limit, and inflating to no more than it


def real_rows(count: int) -> list[list[str]]:
    """A unit table: the header, then `count` villages."""
    return [HEADER] + [[f"431321{100000 + n:06d}", f"新村{n}", "村", "431321101"] for n in range(count)]


# xlsx -------------------------------------------------------------------------------------------

_XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{extra}</Types>"
)
_REL = (
    '<Relationship Id="{id}" Target="{target}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}"/>'
)
_RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="单位" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>'
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_row(number: int, cells: list, first_column: int = 1) -> str:
    out = []
    for column, value in enumerate(cells, start=first_column):
        ref = f"{column_letters(column)}{number}"
        if isinstance(value, int | float):
            out.append(f'<c r="{ref}"><v>{value}</v></c>')
        elif value is not None:
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
    return f'<row r="{number}">{"".join(out)}</row>'


def xlsx(rows: list[list], *, dimension: str = "", tail: str = "", styles: str = "") -> bytes:
    """An xlsx of inline strings: `rows` from row 1, then the raw `tail` XML inside <sheetData>."""
    sheet = _SHEET.format(dimension=f'<dimension ref="{dimension}"/>' if dimension else "")
    sheet += "".join(xlsx_row(number, cells) for number, cells in enumerate(rows, start=1)) + tail
    sheet += "</sheetData></worksheet>"
    relationships = [_REL.format(id="rId1", kind="worksheet", target="worksheets/sheet1.xml")]
    extra = ""
    if styles:
        relationships.append(_REL.format(id="rId2", kind="styles", target="styles.xml"))
        extra = (
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _XLSX_TYPES.format(extra=extra))
        archive.writestr(
            "_rels/.rels",
            _RELS.format(_REL.format(id="rId1", kind="officeDocument", target="xl/workbook.xml")),
        )
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _RELS.format("".join(relationships)))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if styles:
            archive.writestr("xl/styles.xml", styles)
    return out.getvalue()


# ods --------------------------------------------------------------------------------------------

_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="单位">'
)
_ODS_FOOT = "</table:table></office:spreadsheet></office:body></office:document-content>"
ODS_EMPTY_ROW = '<table:table-row table:style-name="ro1"><table:table-cell table:style-name="ce1"/></table:table-row>'


def ods_cell(value, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat != 1 else ""
    if value is None:
        return f"<table:table-cell{repeated}/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"{repeated}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"{repeated}><text:p>{escape(value)}</text:p></table:table-cell>'


def ods_row(cells: list, repeat: int = 1) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat != 1 else ""
    return f"<table:table-row{repeated}>{''.join(ods_cell(value) for value in cells)}</table:table-row>"


def ods(rows: list[list], *, tail: str = "") -> bytes:
    """An ods: `rows` from row 1, then the raw `tail` XML inside the first table."""
    content = _ODS_HEAD + "".join(ods_row(cells) for cells in rows) + tail + _ODS_FOOT
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIMETYPE)  # first and stored, as ODF wants
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return out.getvalue()


# xls: BIFF8 records in an OLE2 compound file ----------------------------------------------------

_ENDOFCHAIN, _FATSECT, _FREESECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(substream: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))


def xls_cell(row: int, column: int, value) -> bytes:
    """A NUMBER or a LABEL record, rows and columns from 0."""
    if isinstance(value, int | float):
        return _record(0x0203, struct.pack("<HHHd", row, column, 0, value))
    text = value.encode("utf-16-le")
    return _record(0x0204, struct.pack("<HHHHB", row, column, 0, len(value), 1) + text)


def xls(rows: list[list], *, dimensions: tuple[int, int] | None = None, tail: bytes = b"") -> bytes:
    """An .xls: `rows` from row 1, then the raw `tail` cell records; DIMENSIONS may claim any size."""
    xf = _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    sheet = _bof(0x0010)
    if dimensions:
        sheet += _record(0x0200, struct.pack("<IIHHH", 0, dimensions[0], 0, dimensions[1], 0))
    for number, cells in enumerate(rows):
        sheet += b"".join(xls_cell(number, column, value) for column, value in enumerate(cells) if value is not None)
    sheet += tail + _record(0x000A, b"")
    name = "单位".encode("utf-16-le")
    globals_length = len(_bof(0x0005)) + len(xf) + 4 + 8 + len(name) + 4
    sheet_entry = _record(0x0085, struct.pack("<IBBBB", globals_length, 0, 0, 2, 1) + name)
    stream = _bof(0x0005) + xf + sheet_entry + _record(0x000A, b"") + sheet
    return _compound_file(stream)


def _compound_file(stream: bytes) -> bytes:
    """One "Workbook" stream in an OLE2 file with 512-byte sectors (kept out of the mini stream)."""
    stream = stream.ljust(max(4096, math.ceil(len(stream) / 512) * 512), b"\0")
    data_sectors = len(stream) // 512
    fat_sectors = 1
    while data_sectors + 1 + fat_sectors > fat_sectors * 128:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("stream too long for a compound file without DIFAT sectors")
    directory_sector = data_sectors
    fat = [*range(1, data_sectors), _ENDOFCHAIN, _ENDOFCHAIN] + [_FATSECT] * fat_sectors
    fat += [_FREESECT] * (fat_sectors * 128 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_sectors,
        directory_sector,
        0,
        4096,
        _ENDOFCHAIN,
        0,
        _ENDOFCHAIN,
        0,
    )
    header += struct.pack(
        "<109I", *[directory_sector + 1 + n for n in range(fat_sectors)], *[_FREESECT] * (109 - fat_sectors)
    )

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded,
            len(encoded),
            kind,
            1,
            _NOSTREAM,
            _NOSTREAM,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )

    directory = entry("Root Entry", 5, 1, _ENDOFCHAIN, 0) + entry("Workbook", 2, _NOSTREAM, 0, len(stream))
    directory += entry("", 0, _NOSTREAM, 0, 0) * 2
    return header + stream + directory + struct.pack(f"<{len(fat)}I", *fat)


# csv --------------------------------------------------------------------------------------------


def csv_bytes(rows: list[list], *, tail: bytes = b"") -> bytes:
    return "".join(",".join(map(str, cells)) + "\r\n" for cells in rows).encode() + tail


def fill(unit: bytes, size: int = UPLOAD_BYTES) -> bytes:
    return unit * (size // len(unit))


# The crafted files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crafted:
    name: str  # also the file name; its suffix is the format
    what: str  # what the trick is, for the benchmark's table
    content: bytes
    clean: bytes  # the same real rows without the trick


def crafted_files(real: int = 1000) -> list[Crafted]:
    """Every trick, each on top of `real` real rows (plus the header)."""
    rows = real_rows(real)
    last = len(rows)
    half = len(rows) // 2
    ods_padding = fill(ODS_EMPTY_ROW.encode(), UPLOAD_BYTES - 2**20).decode()
    return [
        Crafted(
            "dimension.xlsx",
            "xlsx 声明尺寸 A1:XFD20000，第 20000 行只有一个单元格",
            xlsx(rows, dimension="A1:XFD20000", tail=xlsx_row(20000, ["x"])),
            xlsx(rows),
        ),
        Crafted(
            "padding.ods",
            f"ods，content.xml 中 {len(ods_padding) // 2**20} MB 重复的空行（压缩后很小），末尾一行有内容",
            ods(rows, tail=ods_padding + ods_row(["末行"])),
            ods(rows),
        ),
        Crafted(
            "repeated.ods",
            "ods，一行 200 个有内容的单元格重复 1,000,000 次",
            ods(
                rows,
                tail=f'<table:table-row table:number-rows-repeated="1000000">{ods_cell("x", 200)}</table:table-row>',
            ),
            ods(rows),
        ),
        Crafted(
            "wide_repeat.ods",
            "ods，一个有内容的单元格向右重复 16,384 列",
            ods(rows, tail=f"<table:table-row>{ods_cell('x', 16384)}</table:table-row>"),
            ods(rows),
        ),
        Crafted(
            "empty_rows_19mb.csv",
            "csv，19 MB 的空行（,,,,,,,,,）",
            csv_bytes(rows, tail=fill(b",,,,,,,,,\r\n", UPLOAD_BYTES - len(csv_bytes(rows)))),
            csv_bytes(rows),
        ),
        Crafted(
            "empty_rows_1m.csv",
            "csv，表中夹着 1,000,000 个空行",
            csv_bytes(rows[:half]) + b"\r\n" * 1_000_000 + csv_bytes(rows[half:]),
            csv_bytes(rows),
        ),
        Crafted(
            "one_line.csv",
            "csv，一行 19 MB（约 630 万列）",
            csv_bytes(rows) + fill(b"ab,"),
            csv_bytes(rows),
        ),
        Crafted(
            "dimension.xls",
            "xls 声明尺寸 65536×256，第 65536 行第 200 列有一个单元格",
            xls(rows, dimensions=(65536, 256), tail=xls_cell(65535, 199, 1)),
            xls(rows),
        ),
        Crafted(
            "far_cells.xls",
            f"xls，第 {last + 1}–65536 行每行只在第 200 列有一个数",
            xls(rows, tail=b"".join(xls_cell(row, 199, 1) for row in range(last, 65536))),
            xls(rows),
        ),
    ]


# Reading one file in a fresh process ------------------------------------------------------------


def _peak_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def main(argv: list[str]) -> None:
    import argparse
    import json
    import os
    import resource
    import sys
    import time
    from pathlib import Path

    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--max-rows", type=int)
    parser.add_argument("--address-space-mb", type=int, help="refuse memory past this (RLIMIT_AS)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    os.environ.setdefault("SECRET_KEY", "spreadsheet-bombs-only")
    import django

    django.setup()
    from imports.spreadsheets import SpreadsheetError, read_upload

    content = args.file.read_bytes()
    before = _peak_kib()
    if args.address_space_mb:
        limit = args.address_space_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    started = time.perf_counter()
    try:
        rows = read_upload(content, args.file.name, **({"max_rows": args.max_rows} if args.max_rows else {}))
        outcome = {
            "rows": len(rows),
            "last": getattr(rows[-1], "number", len(rows)) if rows else None,  # older readers kept blank rows
            "widest": max(map(len, rows), default=0),
        }
    except SpreadsheetError as exc:
        outcome = {"refused": str(exc)}
    except MemoryError:
        outcome = {"memory_error": True}
    seconds = time.perf_counter() - started
    print(json.dumps({**outcome, "seconds": seconds, "peak_mib": _peak_kib() / 1024, "before_mib": before / 1024}))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
