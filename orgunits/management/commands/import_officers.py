from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgunits.officers import check_rows, read_spreadsheet, write
from orgunits.scope import Scope
from registry.audit import audit_source
from registry.spreadsheets import SpreadsheetError


class Command(BaseCommand):
    help = "导入人员任职表（.xlsx 或 .csv）。任何一行有错，整个文件都不导入。"

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
            rows = read_spreadsheet(file.read_bytes(), file.name)
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from exc
        report = check_rows(rows, scope=scope)
        if not report.valid:
            raise CommandError("文件有错，未导入任何数据：\n" + "\n".join(report.messages()))
        summary = f"新增任职{report.count('new')}条，更新{report.count('update')}条，未变{report.count('skip')}条"
        if dry_run:
            self.stdout.write(f"检查通过（未写入）：{summary}。")
            return
        with audit_source(f"命令 import_officers {file.name}"):
            write(report)
        self.stdout.write(
            self.style.SUCCESS(f"已导入：{summary}；新增人员{report.people_created}人，更新{report.people_updated}人。")
        )
