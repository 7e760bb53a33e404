import datetime

from django.core.management.base import CommandError

from imports.commands import RegistryCommand
from rosters.rollup_models import RosterCellTally

DEFAULT_DAYS = 14
BAD_DAYS = "天数“{days}”不对，应为 1 以上的整数。"
PRUNED = "删除了 {count:,} 条 {since} 以来未被读取的任职统计小计，保留 {kept:,} 条。"


class Command(RegistryCommand):
    help = (
        "删除一段时间未被读取的任职统计小计（各统计单元按统计日保存的汇总）。每天打开页面的默认统计日不同，"
        "各留下一整套小计；删去的在下次打开时重新计数。宜每晚运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", default=str(DEFAULT_DAYS), help=f"未被读取的天数，默认 {DEFAULT_DAYS}")

    def handle(self, *args, days: str, **options):
        try:
            unread = int(days)
        except ValueError:
            unread = 0
        if unread < 1:
            raise CommandError(BAD_DAYS.format(days=days))
        since = datetime.date.today() - datetime.timedelta(days=unread)
        count, _by_model = RosterCellTally.objects.filter(read_on__lt=since).delete()
        kept = RosterCellTally.objects.count()
        self.stdout.write(self.style.SUCCESS(PRUNED.format(count=count, since=since, kept=kept)))
