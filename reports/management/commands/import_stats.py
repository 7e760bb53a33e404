from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgunits.scope import Scope
from registry.audit import audit_source
from registry.spreadsheets import SpreadsheetError, read_upload
from reports import stats_import


class Command(BaseCommand):
    help = (
        "导入统计数据（.xlsx、.xls、.ods 或 .csv），长表（每行一个数）或宽表（每行一个单位）。"
        "任何一行有错，整个文件都不导入。"
    )

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
            shape, table = stats_import.read_table(read_upload(file.read_bytes(), file.name))
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from exc
        if table.unknown_headers:
            self.stderr.write(f"注意：以下列无法识别，未导入：{'、'.join(table.unknown_headers)}。")
        plan = stats_import.check_table(shape, table, scope=scope)
        if not plan.valid:
            raise CommandError("文件有错，未导入任何数据：\n" + "\n".join(plan.messages()))
        summary = (
            f"{'宽表' if shape == 'wide' else '长表'}{len(plan.rows)}行：新增数据{len(plan.to_create)}项，"
            f"修改{len(plan.to_update)}项，未变{plan.count('skip')}行"
        )
        if dry_run:
            self.stdout.write(f"检查通过（未写入）：{summary}。")
            return
        with audit_source(f"命令 import_stats {file.name}"):
            stats_import.write(plan)
        self.stdout.write(self.style.SUCCESS(f"已导入：{summary}。"))
