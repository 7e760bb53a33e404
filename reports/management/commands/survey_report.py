import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orgunits.models import OrgUnit
from orgunits.scope import OUT_OF_SCOPE, Scope
from reports.docx_report import survey_docx
from reports.survey_views import report_for, report_view, standalone_html

YEAR = re.compile(r"^\d{4}$")
UNKNOWN_UNIT = "没有代码为“{code}”的单位。"
BAD_YEAR = "年度“{year}”不对，应为1949到2100之间的四位年份，如 2023。"
BAD_SUFFIX = "输出文件须以 .docx 或 .html 结尾。"
UNKNOWN_USER = "没有用户“{user}”。"


class Command(BaseCommand):
    help = "生成某单位某年度的调研报告（.docx 或 .html）。已有报告的用其标题和问题、对策；已定稿的用定稿时的数据。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="单位代码，如 431321")
        parser.add_argument("--year", required=True, help="年度，如 2023")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件，.docx 或 .html")
        parser.add_argument("--user", help="按该用户的管辖范围检查")

    def handle(self, *args, code: str, year: str, output: Path, user: str | None, **options):
        unit = OrgUnit.objects.select_related("kind").filter(code=code.strip().upper()).first()
        if unit is None:
            raise CommandError(UNKNOWN_UNIT.format(code=code))
        if not YEAR.match(year.strip()) or not 1949 <= int(year) <= 2100:
            raise CommandError(BAD_YEAR.format(year=year))
        suffix = output.suffix.lower()
        if suffix not in (".docx", ".html"):
            raise CommandError(BAD_SUFFIX)
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(UNKNOWN_USER.format(user=user))
            if not Scope.for_user(account).can_view(unit):
                raise CommandError(OUT_OF_SCOPE.format(unit=unit.name))
        view = report_view(report_for(unit, int(year)), compare=False)
        if suffix == ".docx":
            output.write_bytes(survey_docx(view.document))
        else:
            output.write_text(standalone_html(view), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"已生成：{output}"))
