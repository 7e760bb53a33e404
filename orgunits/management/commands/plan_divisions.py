import datetime
from pathlib import Path

from django.core.management.base import CommandError

from imports.commands import RegistryCommand
from orgunits.division_mapping import plan_file, read_mapping
from orgunits.division_plan import CHANGE_TYPES, DivisionPlanError, plan_changes
from orgunits.loader import DivisionLoadError, read_divisions
from orgunits.models import OrgUnit, UnitKind
from orgunits.selectors import open_divisions

DIRECTORY_MISSING = "目录不存在：{directory}"
FILE_MISSING = "文件不存在：{path}"
BAD_DATE = "日期“{date}”不对，应写成 2023-06-30。"
BAD_SUFFIX = "输出文件须以 .xlsx 或 .csv 结尾。"
EDITION_FAILED = "新版区划文件有错，未生成计划：{errors}"
MAPPING_FAILED = "对应表有错，未生成计划：{errors}"
NOT_UTF8 = "新版区划文件有错，未生成计划：“{directory}”中的CSV不是UTF-8编码。"
SUMMARY = "区划调整计划（{edition}版，对照{date}存续的单位）：{counts}。"
NO_CHANGES = "没有变化"
UNDECIDED_LINE = "对应不确定（待定）、需人工选定的单位{count}个。"
HAND_ADDED_LINE = "所在区划不再存在、需决定去向的手工添加单位{count}个。"
WRITTEN = "已写出计划：{output}（改正“新代码”“关系”两列后可用 --mapping 读回）"
NOT_APPLIED = "本命令只生成计划，未改动库中任何数据。"


def listed(messages: list[str]) -> str:
    """One problem on the line that says nothing was done; several below it."""
    return messages[0] if len(messages) == 1 else "\n" + "\n".join(messages)


class Command(RegistryCommand):
    help = (
        "对照新版区划代码与某日存续的单位，列出新增、撤销、更名、改代码、隶属变更、类型变更和并入；只生成计划，不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="新版区划的目录（含五个CSV文件）")
        parser.add_argument("--on", required=True, metavar="DATE", help="对照哪一天存续的单位，YYYY-MM-DD")
        parser.add_argument("--edition", required=True, metavar="NAME", help="新版区划的名称，如 2023")
        parser.add_argument("--under", metavar="CODE", help="只对照该省、市或县")
        parser.add_argument(
            "--mapping", type=Path, metavar="FILE", help="对应表（.xlsx 或 .csv）：原代码、新代码、关系"
        )
        parser.add_argument("-o", "--output", type=Path, help="输出计划文件，.xlsx 或 .csv")

    def handle(self, *args, directory: Path, on: str, edition: str, under, mapping, output, **options):
        day = self._day(on)
        if output is not None and output.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(BAD_SUFFIX)
        unit = self.find_unit(under, OrgUnit.objects.all()) if under else None
        new = self._edition(directory, under)
        entries = self._mapping(mapping) if mapping else []
        old, hand_added = open_divisions(day, under=unit)
        try:
            plan = plan_changes(old, new, mapping=entries, hand_added=hand_added)
        except DivisionPlanError as exc:
            raise CommandError(MAPPING_FAILED.format(errors=listed(exc.messages))) from exc
        self._summary(plan, edition, day)
        if output is not None:
            kind_names = dict(UnitKind.objects.values_list("code", "name"))
            content = plan_file(plan, suffix=output.suffix.lower(), kind_names=kind_names, edition=edition)
            with self.writing(output):
                output.write_bytes(content)
            self.stdout.write(WRITTEN.format(output=output))
        self.stdout.write(NOT_APPLIED)

    def _day(self, text: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(BAD_DATE.format(date=text)) from None

    def _edition(self, directory: Path, under: str | None):
        if not directory.is_dir():
            raise CommandError(DIRECTORY_MISSING.format(directory=directory))
        try:
            with self.reading(directory):
                return read_divisions(directory, under=under)
        except DivisionLoadError as exc:
            raise CommandError(EDITION_FAILED.format(errors=listed(exc.messages))) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(NOT_UTF8.format(directory=directory)) from exc

    def _mapping(self, path: Path):
        if not path.is_file():
            raise CommandError(FILE_MISSING.format(path=path))
        with self.reading(path):
            content = path.read_bytes()
        try:
            return read_mapping(content)
        except DivisionPlanError as exc:
            raise CommandError(MAPPING_FAILED.format(errors=listed(exc.messages))) from exc

    def _summary(self, plan, edition: str, day: datetime.date) -> None:
        counts = plan.counts()
        shown = "，".join(f"{kind}{counts[kind]}个" for kind in CHANGE_TYPES if counts[kind])
        self.stdout.write(SUMMARY.format(edition=edition, date=day.isoformat(), counts=shown or NO_CHANGES))
        self.stdout.write(UNDECIDED_LINE.format(count=len(plan.ambiguous)))
        self.stdout.write(HAND_ADDED_LINE.format(count=len(plan.hand_added)))
