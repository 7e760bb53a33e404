from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from access.scope import OUT_OF_SCOPE, Scope
from imports.commands import UNKNOWN_UNIT, UNKNOWN_USER, RegistryCommand
from orgunits.models import OrgUnit
from reports.docx_report import survey_docx
from reports.survey_views import report_for, report_view, standalone_html
from stats.periods import Period

BAD_YEAR = (
    "年度“{year}”不对，应为1949到2100之间的四位年份，如 2023；"
    "或年内的一期：2023年1-9月（2023-01~09）、2023年第三季度（2023Q3）、2023年9月（2023-09）。"
)
BAD_SUFFIX = "输出文件须以 .docx 或 .html 结尾。"
GENERATED = "已生成：{output}"
# The unit and user messages are every command's (imports.commands); they are named here too because the
# survey tests read them from this module.
__all__ = ["BAD_SUFFIX", "BAD_YEAR", "GENERATED", "UNKNOWN_UNIT", "UNKNOWN_USER", "Command"]


class Command(RegistryCommand):
    help = (
        "生成某单位某年度（或年内一期，如 1–9月）的调研报告（.docx 或 .html）。"
        "已有报告的用其标题和问题、对策；已定稿的用定稿时的数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="单位代码，如 431321")
        parser.add_argument("--year", required=True, help="年度，如 2023；或年内一期，如 2023-01~09、2023Q3、2023-09")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件，.docx 或 .html")
        parser.add_argument("--user", help="按该用户的管辖范围检查")

    def handle(self, *args, code: str, year: str, output: Path, user: str | None, **options):
        unit = self.find_unit(code, OrgUnit.objects.select_related("kind"))
        period = reported_period(year)
        suffix = output.suffix.lower()
        if suffix not in (".docx", ".html"):
            raise CommandError(BAD_SUFFIX)
        if user and not Scope.for_user(self.find_user(user)).can_view(unit):
            raise CommandError(OUT_OF_SCOPE.format(unit=unit.name))
        view = report_view(report_for(unit, period.year, period.span_code), compare=False)
        content = survey_docx(view.document) if suffix == ".docx" else standalone_html(view).encode()
        with self.writing(output):
            output.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(GENERATED.format(output=output)))


def reported_period(text: str) -> Period:
    """The year or the span of it the report is on, from how people write it (stats.periods)."""
    try:
        period = Period.parse(text)
    except ValidationError:
        raise CommandError(BAD_YEAR.format(year=text)) from None
    if not 1949 <= period.year <= 2100:
        raise CommandError(BAD_YEAR.format(year=text))
    return period
