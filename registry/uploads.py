"""Checks on uploaded spreadsheets, before anything parses them."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

TOO_LARGE = "文件有{size:.1f} MB，超过上限{limit} MB。"
NOT_XLSX = "文件不是有效的 .xlsx（Excel 2007 及以后的格式）。"
NOT_ODS = "文件不是有效的 .ods（OpenDocument 表格）。"
ZIP_BOMB = "文件解压后过大（{size:.0f} MB），可能已损坏或被恶意构造，已拒绝。"
WRONG_TYPE = "不支持的文件类型“{name}”，请用 .xlsx、.xls、.ods 或 .csv。"

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
ZIPPED_SUFFIXES = {".xlsx": NOT_XLSX, ".ods": NOT_ODS}
# An honest xlsx inflates to a few times its size; 100× or more is a decompression bomb.
MAX_INFLATION = 100


def check_upload(content: bytes, name: str) -> None:
    limit = settings.UPLOAD_LIMIT_BYTES
    if len(content) > limit:
        raise ValidationError(TOO_LARGE.format(size=len(content) / 2**20, limit=limit // 2**20), code="too_large")
    lowered = name.lower()
    if not lowered.endswith(ALLOWED_SUFFIXES):
        raise ValidationError(WRONG_TYPE.format(name=name), code="type")
    suffix = "." + lowered.rsplit(".", 1)[-1]
    if suffix in ZIPPED_SUFFIXES:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                inflated = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise ValidationError(ZIPPED_SUFFIXES[suffix], code="not_zip") from None
        if inflated > max(limit, len(content) * MAX_INFLATION):
            raise ValidationError(ZIP_BOMB.format(size=inflated / 2**20), code="zip_bomb")
