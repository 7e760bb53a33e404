"""What plan_divisions and apply_divisions share: their arguments, and reading the edition,
the date and the mapping file with Chinese errors."""

import datetime
from pathlib import Path

from django.core.management.base import CommandError

from imports.commands import RegistryCommand
from orgunits.division_mapping import read_mapping
from orgunits.division_plan import CHANGE_TYPES, DivisionPlanError
from orgunits.loader import DivisionLoadError, read_divisions

DIRECTORY_MISSING = "目录不存在：{directory}"
FILE_MISSING = "文件不存在：{path}"
BAD_DATE = "日期“{date}”不对，应写成 2023-06-30。"
EDITION_FAILED = "新版区划文件有错，未生成计划：{errors}"
MAPPING_FAILED = "对应表有错，未生成计划：{errors}"
NOT_UTF8 = "新版区划文件有错，未生成计划：“{directory}”中的CSV不是UTF-8编码。"
NO_CHANGES = "没有变化"


def listed(messages: list[str]) -> str:
    """One problem on the line that says nothing was done; several below it."""
    return messages[0] if len(messages) == 1 else "\n" + "\n".join(messages)


def counts_text(counts) -> str:
    return "，".join(f"{kind}{counts[kind]}个" for kind in CHANGE_TYPES if counts[kind]) or NO_CHANGES


class DivisionCommand(RegistryCommand):
    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="新版区划的目录（含五个CSV文件）")
        parser.add_argument("--on", required=True, metavar="DATE", help="调整日期：对照这一天存续的单位，YYYY-MM-DD")
        parser.add_argument("--edition", required=True, metavar="NAME", help="新版区划的名称，如 2023")
        parser.add_argument("--under", metavar="CODE", help="只对照该省、市或县")
        parser.add_argument(
            "--mapping",
            type=Path,
            metavar="FILE",
            help="对应表（.xlsx 或 .csv）：原代码、新代码、关系（同一单位、并入、移至、撤销）",
        )

    def day(self, text: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(BAD_DATE.format(date=text)) from None

    def edition(self, directory: Path, under: str | None):
        if not directory.is_dir():
            raise CommandError(DIRECTORY_MISSING.format(directory=directory))
        try:
            with self.reading(directory):
                return read_divisions(directory, under=under)
        except DivisionLoadError as exc:
            raise CommandError(EDITION_FAILED.format(errors=listed(exc.messages))) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(NOT_UTF8.format(directory=directory)) from exc

    def mapping(self, path: Path | None):
        if path is None:
            return []
        if not path.is_file():
            raise CommandError(FILE_MISSING.format(path=path))
        with self.reading(path):
            content = path.read_bytes()
        try:
            return read_mapping(content)
        except DivisionPlanError as exc:
            raise CommandError(MAPPING_FAILED.format(errors=listed(exc.messages))) from exc
