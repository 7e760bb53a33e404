"""What the import commands share: the file, --dry-run, --user and its scope, Chinese errors."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from access.scope import Scope
from imports.audit import audit_source
from imports.commands import RegistryCommand
from imports.spreadsheets import SpreadsheetError, read_upload

FILE_MISSING = "文件不存在：{path}"
UNKNOWN_HEADERS = "注意：以下列无法识别，未导入：{headers}。"
FILE_HAS_ERRORS = "文件有错，未导入任何数据：\n{errors}"
NOT_IMPORTED = "未导入任何数据：{reasons}"
CHECKED = "检查通过（未写入）：{summary}。"
IMPORTED = "已导入：{summary}。"


class SpreadsheetImportCommand(RegistryCommand):
    """Subclasses check the cells (`check_cells`), say what the plan does (`summary`) and write it (`write`).

    Not `check`: that name is BaseCommand's system-check hook, which Django calls before every command run
    from the command line (call_command skips it).
    """

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="要导入的文件：.xlsx、.xls、.ods 或 .csv")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="以该用户的管辖范围导入：范围外的单位算错误")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        scope = None
        if user:
            scope = Scope.for_user(self.find_user(user))
        if not file.exists():
            raise CommandError(FILE_MISSING.format(path=file))
        with self.reading(file):
            content = file.read_bytes()
        try:
            plan = self.check_cells(read_upload(content, file.name), scope)
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from exc
        unknown = getattr(plan, "unknown_headers", None)
        if unknown:
            self.stderr.write(UNKNOWN_HEADERS.format(headers="、".join(unknown)))
        if not plan.valid:
            raise CommandError(FILE_HAS_ERRORS.format(errors="\n".join(plan.messages())))
        if dry_run:
            self.stdout.write(CHECKED.format(summary=self.summary(plan)))
            return
        try:
            with audit_source(f"命令 {self.command_name} {file.name}"):
                self.write(plan)
        except ValidationError as exc:  # a conflict the checks could not foresee; the write was rolled back
            raise CommandError(NOT_IMPORTED.format(reasons="；".join(exc.messages))) from exc
        self.stdout.write(self.style.SUCCESS(IMPORTED.format(summary=self.summary(plan))))

    command_name = ""

    def check_cells(self, cells: list[list], scope):
        raise NotImplementedError

    def summary(self, plan) -> str:
        raise NotImplementedError

    def write(self, plan) -> None:
        raise NotImplementedError
