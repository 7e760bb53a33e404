"""What the import commands share: the file, --dry-run, --user and its scope, Chinese errors."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgunits.scope import Scope
from registry.audit import audit_source
from registry.spreadsheets import SpreadsheetError, read_upload


class SpreadsheetImportCommand(BaseCommand):
    """Subclasses check the cells (`check`), say what the plan does (`summary`) and write it (`write`)."""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="以该用户的管辖范围导入：范围外的单位算错误")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        scope = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有用户“{user}”。")
            scope = Scope.for_user(account)
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            plan = self.check(read_upload(file.read_bytes(), file.name), scope)
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from exc
        unknown = getattr(plan, "unknown_headers", None)
        if unknown:
            self.stderr.write(f"注意：以下列无法识别，未导入：{'、'.join(unknown)}。")
        if not plan.valid:
            raise CommandError("文件有错，未导入任何数据：\n" + "\n".join(plan.messages()))
        if dry_run:
            self.stdout.write(f"检查通过（未写入）：{self.summary(plan)}。")
            return
        try:
            with audit_source(f"命令 {self.command_name} {file.name}"):
                self.write(plan)
        except ValidationError as exc:  # a conflict the checks could not foresee; the write was rolled back
            raise CommandError("未导入任何数据：" + "；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入：{self.summary(plan)}。"))

    command_name = ""

    def check(self, cells: list[list], scope):
        raise NotImplementedError

    def summary(self, plan) -> str:
        raise NotImplementedError

    def write(self, plan) -> None:
        raise NotImplementedError
