import datetime
from pathlib import Path

from django.core.management.base import CommandError

from access.scope import OUT_OF_SCOPE, Scope
from imports.commands import RegistryCommand
from orgunits.models import OrgUnit
from stats.coverage import coverage
from stats.exports import coverage_csv, coverage_xlsx

BAD_DATE = "日期“{date}”不对，应写成 2025-12-31。"
BAD_SUFFIX = "输出文件须以 .xlsx 或 .csv 结尾。"
EXPORTED = "已导出：{output}"


class Command(RegistryCommand):
    help = "导出某单位截至某日的妇女组织组建情况统计表（.xlsx 或 .csv）。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="单位代码，如 431321")
        parser.add_argument("--date", help="截至日期，YYYY-MM-DD，默认今天")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件，.xlsx 或 .csv")
        parser.add_argument("--user", help="按该用户的管辖范围检查")

    def handle(self, *args, code: str, date: str | None, output: Path, user: str | None, **options):
        unit = self.find_unit(code, OrgUnit.objects.select_related("kind"))
        try:
            on = datetime.date.fromisoformat(date) if date else datetime.date.today()
        except ValueError:
            raise CommandError(BAD_DATE.format(date=date)) from None
        if user and not Scope.for_user(self.find_user(user)).can_view(unit):
            raise CommandError(OUT_OF_SCOPE.format(unit=unit.name))
        suffix = output.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(BAD_SUFFIX)
        result = coverage(unit, on)
        with self.writing(output):
            if suffix == ".xlsx":
                output.write_bytes(coverage_xlsx(result))
            else:
                output.write_text("\ufeff" + coverage_csv(result), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(EXPORTED.format(output=output)))
