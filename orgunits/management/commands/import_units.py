from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgunits.scope import Scope
from orgunits.unit_import import COLUMNS, check_table, write
from registry.audit import audit_source
from registry.spreadsheets import SpreadsheetError, find_table, read_upload


class Command(BaseCommand):
    help = "导入单位表（.xlsx、.xls、.ods 或 .csv），行的顺序不限。任何一行有错，整个文件都不导入。"

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
            table = find_table(read_upload(file.read_bytes(), file.name), COLUMNS)
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from exc
        if table.unknown_headers:
            self.stderr.write(f"注意：以下列无法识别，未导入：{'、'.join(table.unknown_headers)}。")
        plan = check_table(table, scope=scope)
        if not plan.valid:
            raise CommandError("文件有错，未导入任何数据：\n" + "\n".join(plan.messages()))
        summary = f"新增{plan.count('new')}个，修改{plan.count('update')}个，未变{plan.count('skip')}个"
        if dry_run:
            self.stdout.write(f"检查通过（未写入）：{summary}。")
            return
        with audit_source(f"命令 import_units {file.name}"):
            write(plan)
        self.stdout.write(self.style.SUCCESS(f"已导入：{summary}（其中移动{plan.moved}个）。"))
