from pathlib import Path

from django.core.management.base import CommandError

from orgunits.division_apply import ApplyResult, divisions_apply
from orgunits.division_command import DivisionCommand, counts_text, listed
from orgunits.division_plan import DivisionPlanError
from orgunits.models import OrgUnit

APPLY_FAILED = "区划调整未执行，未写入任何数据：{errors}"
SUMMARY = "区划调整（{edition}版，{date}）：{counts}。"
CLOSED_LINE = "撤销单位{closed}个，其中{dissolved}个的妇女组织同日撤销；结束届次{terms}个、任职{appointments}人次。"
MERGE_LINE = (
    "“{name}”（{code}）并入“{successor_name}”（{successor_code}）：{org}原在任人员{officers}人，请在新单位重新任命。"
)
MERGE_ORG = "妇女组织已撤销，"
HAND_LINE = "手工添加的单位“{name}”（{code}）：{relation}{target}。"
DONE = "已写入。再次执行同一版本不会有任何变化。"
NOTHING_TO_DO = "库中的单位已与这一版本一致，未写入任何数据。"
DRY_RUN = "试运行（--dry-run）：以上是将要做的调整，未写入任何数据。"


class Command(DivisionCommand):
    help = "按新版区划代码调整某日存续的单位：更名、改代码、类型变更、隶属变更、新增、撤销和并入，一次完成或全部不做。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="只试运行并报告，不写入")

    def handle(self, *args, directory: Path, on: str, edition: str, under, mapping, dry_run, **options):
        day = self.day(on)
        unit = self.find_unit(under, OrgUnit.objects.all()) if under else None
        divisions = self.edition(directory, under)
        entries = self.mapping(mapping)
        try:
            result = divisions_apply(
                divisions=divisions, on=day, edition=edition, under=unit, mapping=entries, dry_run=dry_run
            )
        except DivisionPlanError as exc:
            raise CommandError(APPLY_FAILED.format(errors=listed(exc.messages))) from exc
        self._report(result)

    def _report(self, result: ApplyResult) -> None:
        write = self.stdout.write
        write(SUMMARY.format(edition=result.edition, date=result.on.isoformat(), counts=counts_text(result.counts())))
        if result.closed:
            roster = result.roster_counts
            write(
                CLOSED_LINE.format(
                    closed=result.closed,
                    dissolved=result.dissolved,
                    terms=roster["届次结束"],
                    appointments=roster["任职结束"],
                )
            )
        for merge in result.merges:
            org = MERGE_ORG if merge.had_org else ""
            write(MERGE_LINE.format(org=org, **vars(merge)))
        for decision in result.hand_decisions:
            target = f"到{decision.target}之下" if decision.target else ""
            write(HAND_LINE.format(name=decision.name, code=decision.code, relation=decision.relation, target=target))
        if not result.counts() and not result.hand_decisions:
            write(NOTHING_TO_DO)
        else:
            write(DRY_RUN if result.dry_run else DONE)
