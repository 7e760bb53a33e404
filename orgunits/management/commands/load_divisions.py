from pathlib import Path

from django.core.management.base import CommandError

from imports.audit import audit_source
from imports.commands import RegistryCommand
from orgunits.loader import DivisionLoadError, load_divisions, read_divisions
from orgunits.models import UnitKind

DIRECTORY_MISSING = "目录不存在：{directory}"
LOAD_FAILED = "载入失败，未写入任何数据：{errors}"
NOT_UTF8 = "载入失败，未写入任何数据：“{directory}”中的CSV不是UTF-8编码。"


class Command(RegistryCommand):
    help = "载入国家统计局区划代码（provinces/cities/areas/streets/villages.csv）。可重复运行，不会重复写入。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="含五个CSV文件的目录")
        parser.add_argument("--under", metavar="CODE", help="只载入该省、市或县（及其上级链）")

    def handle(self, *args, directory: Path, under: str | None, **options):
        if not directory.is_dir():
            raise CommandError(DIRECTORY_MISSING.format(directory=directory))
        try:
            with self.reading(directory):
                divisions = read_divisions(directory, under=under)
            with audit_source(f"命令 load_divisions {directory.name}"):
                result = load_divisions(divisions)
        except DivisionLoadError as exc:
            # One problem (an unknown --under code, a missing file) stays on the line that says nothing was written.
            errors = exc.messages[0] if len(exc.messages) == 1 else "\n" + "\n".join(exc.messages)
            raise CommandError(LOAD_FAILED.format(errors=errors)) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(NOT_UTF8.format(directory=directory)) from exc
        if not result.created:
            self.stdout.write(f"没有变化：文件中的{result.unchanged}个单位都已在库中。")
            return
        names = dict(UnitKind.objects.order_by("sort_order").values_list("code", "name"))
        detail = "，".join(
            f"{names[kind]}{result.created_by_kind[kind]}个" for kind in names if kind in result.created_by_kind
        )
        self.stdout.write(
            self.style.SUCCESS(f"已新增{result.created}个单位（{detail}）；{result.unchanged}个已在库中，未改动。")
        )
