from pathlib import Path

from django.core.management.base import CommandError

from orgunits.division_command import (  # noqa: F401 (the messages tests assert on)
    BAD_DATE,
    DIRECTORY_MISSING,
    EDITION_FAILED,
    FILE_MISSING,
    MAPPING_FAILED,
    NO_CHANGES,
    NOT_UTF8,
    DivisionCommand,
    counts_text,
    listed,
)
from orgunits.division_mapping import plan_file
from orgunits.division_plan import DivisionPlanError, plan_changes
from orgunits.models import OrgUnit, UnitKind
from orgunits.selectors import open_divisions

BAD_SUFFIX = "输出文件须以 .xlsx 或 .csv 结尾。"
SUMMARY = "区划调整计划（{edition}版，对照{date}存续的单位）：{counts}。"
UNDECIDED_LINE = "对应不确定（待定）、需人工选定的单位{count}个。"
HAND_ADDED_LINE = "所在区划不再存在、需决定去向的手工添加单位{count}个。"
WRITTEN = "已写出计划：{output}（改正“新代码”“关系”两列后可用 --mapping 读回）"
NOT_APPLIED = "本命令只生成计划，未改动库中任何数据。"


class Command(DivisionCommand):
    help = (
        "对照新版区划代码与某日存续的单位，列出新增、撤销、更名、改代码、隶属变更、类型变更和并入；只生成计划，不写入。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", type=Path, help="输出计划文件，.xlsx 或 .csv")

    def handle(self, *args, directory: Path, on: str, edition: str, under, mapping, output, **options):
        day = self.day(on)
        if output is not None and output.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(BAD_SUFFIX)
        unit = self.find_unit(under, OrgUnit.objects.all()) if under else None
        new = self.edition(directory, under)
        entries = self.mapping(mapping)
        old, hand_added = open_divisions(day, under=unit)
        try:
            plan = plan_changes(old, new, mapping=entries, hand_added=hand_added)
        except DivisionPlanError as exc:
            raise CommandError(MAPPING_FAILED.format(errors=listed(exc.messages))) from exc
        self.stdout.write(SUMMARY.format(edition=edition, date=day.isoformat(), counts=counts_text(plan.counts())))
        self.stdout.write(UNDECIDED_LINE.format(count=len(plan.ambiguous)))
        self.stdout.write(HAND_ADDED_LINE.format(count=len(plan.hand_added)))
        if output is not None:
            kind_names = dict(UnitKind.objects.values_list("code", "name"))
            content = plan_file(plan, suffix=output.suffix.lower(), kind_names=kind_names, edition=edition)
            with self.writing(output):
                output.write_bytes(content)
            self.stdout.write(WRITTEN.format(output=output))
        self.stdout.write(NOT_APPLIED)
