import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgunits.models import OrgUnit
from orgunits.scope import OUT_OF_SCOPE, Scope
from reports.coverage import coverage
from reports.exports import coverage_csv, coverage_xlsx


class Command(BaseCommand):
    help = "导出某单位截至某日的妇女组织组建情况统计表（.xlsx 或 .csv）。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="单位代码，如 431321")
        parser.add_argument("--date", help="截至日期，YYYY-MM-DD，默认今天")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件，.xlsx 或 .csv")
        parser.add_argument("--user", help="按该用户的管辖范围检查")

    def handle(self, *args, code: str, date: str | None, output: Path, user: str | None, **options):
        unit = OrgUnit.objects.select_related("kind").filter(code=code.strip().upper()).first()
        if unit is None:
            raise CommandError(f"没有代码为“{code}”的单位。")
        try:
            on = datetime.date.fromisoformat(date) if date else datetime.date.today()
        except ValueError:
            raise CommandError(f"日期“{date}”不对，应写成 2025-12-31。") from None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有用户“{user}”。")
            if not Scope.for_user(account).can_view(unit):
                raise CommandError(OUT_OF_SCOPE.format(unit=unit.name))
        suffix = output.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("输出文件须以 .xlsx 或 .csv 结尾。")
        result = coverage(unit, on)
        if suffix == ".xlsx":
            output.write_bytes(coverage_xlsx(result))
        else:
            output.write_text("\ufeff" + coverage_csv(result), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"已导出：{output}"))
