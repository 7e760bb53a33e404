"""Checks on uploaded spreadsheets, before anything parses them."""

import io
import struct
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

TOO_LARGE = "文件有{size:.1f} MB，超过上限{limit} MB。"
NOT_XLSX = "文件不是有效的 .xlsx（Excel 2007 及以后的格式）。"
NOT_ODS = "文件不是有效的 .ods（OpenDocument 表格）。"
ZIP_BOMB = "文件解压后过大（{size:.0f} MB），可能已损坏或被恶意构造，已拒绝。"
TOO_MANY_PARTS = "文件由{count}个压缩部件组成，超过上限{limit}个，可能已损坏或被恶意构造，已拒绝。"
WRONG_TYPE = "不支持的文件类型“{name}”，请用 .xlsx、.xls、.ods 或 .csv。"

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
ZIPPED_SUFFIXES = {".xlsx": NOT_XLSX, ".ods": NOT_ODS}
# An honest xlsx inflates to a few times its size; 100× or more is a decompression bomb.
MAX_INFLATION = 100
# An honest xlsx or ods has tens of parts. Opening a zip builds an object for each one listed,
# so a 20 MB list of empty parts would cost hundreds of MB before any check could run.
MAX_ZIP_PARTS = 10_000
ZIP_MAGIC = b"PK"
_END_OF_DIRECTORY = b"PK\x05\x06"


def check_upload(content: bytes, name: str) -> None:
    limit = settings.UPLOAD_LIMIT_BYTES
    if len(content) > limit:
        raise ValidationError(TOO_LARGE.format(size=len(content) / 2**20, limit=limit // 2**20), code="too_large")
    lowered = name.lower()
    if not lowered.endswith(ALLOWED_SUFFIXES):
        raise ValidationError(WRONG_TYPE.format(name=name), code="type")
    suffix = "." + lowered.rsplit(".", 1)[-1]
    # The reader tells the format by the content, so a zip named .csv or .xls is checked as well.
    if suffix in ZIPPED_SUFFIXES or content.startswith(ZIP_MAGIC):
        parts = _listed_parts(content)
        if parts > MAX_ZIP_PARTS:
            raise ValidationError(TOO_MANY_PARTS.format(count=parts, limit=MAX_ZIP_PARTS), code="zip_bomb")
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                inflated = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            if suffix in ZIPPED_SUFFIXES:
                raise ValidationError(ZIPPED_SUFFIXES[suffix], code="not_zip") from None
            return  # not a zip after all; the reader says what it is
        if inflated > max(limit, len(content) * MAX_INFLATION):
            raise ValidationError(ZIP_BOMB.format(size=inflated / 2**20), code="zip_bomb")


def _listed_parts(content: bytes) -> int:
    """How many parts the zip's end-of-directory record announces (0 when there is none)."""
    at = content.rfind(_END_OF_DIRECTORY, max(0, len(content) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(content):
        return 0
    (count,) = struct.unpack_from("<H", content, at + 10)
    return count  # 0xFFFF means a zip64 count, which no honest spreadsheet needs
