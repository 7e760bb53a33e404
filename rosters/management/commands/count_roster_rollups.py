import datetime
import time

from django.core.management.base import CommandError

from imports.commands import RegistryCommand
from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit
from rosters import roster_rollups
from rosters.busy_rollups import kept_busy
from rosters.profile_models import AgeBandSet
from rosters.profiles import roster_stats
from rosters.worklist_counts import COUNTED_LISTS, listed_count

BAD_DATE = "日期“{date}”不对，应写成 2025-12-31。"
BELOW_TOWNSHIP = "“{unit}”在乡镇（街道）以下：其任职统计每次直接计数，无需预先计数。"
TREE_CHANGED = "{on}之后调整过区划：当日的任职统计按当时的区划直接计数，不保存汇总。"
COUNTED = "{unit}：{on}在任 {appointments:,} 人次、{people:,} 人，用时 {seconds:.1f} 秒。"


class Command(RegistryCommand):
    help = (
        "预先计数某单位（默认全国）某日的任职统计和工作清单（有组织无人员、身兼数职、职数空缺、执委未达标），"
        "保存各统计单元的汇总，随后打开时直接读取。"
        "宜在夜间导入之后、或改动职务的“计为主席”之后运行。该单位之下自设默认年龄段的单位也一并计数。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="统计日，YYYY-MM-DD，默认今天")
        parser.add_argument("--unit", help="单位代码，如 431321；默认全国")

    def handle(self, *args, on: str | None, unit: str | None, **options):
        try:
            day = datetime.date.fromisoformat(on) if on else datetime.date.today()
        except ValueError:
            raise CommandError(BAD_DATE.format(date=on)) from None
        roots = [self.find_unit(unit, OrgUnit.objects.all())] if unit else list(OrgUnit.get_root_nodes())
        for root in roots:
            if not roster_rollups.covers(root):
                raise CommandError(BELOW_TOWNSHIP.format(unit=root.name))
        tree = TreeOn.of(day)
        if tree.changed:
            raise CommandError(TREE_CHANGED.format(on=day))
        for root in roots:
            first, last = OrgUnit.subtree_range(root.path)
            owners = OrgUnit.objects.filter(
                pk__in=AgeBandSet.objects.filter(is_default=True, owner__path__range=(first, last)).values("owner")
            ).exclude(pk=root.pk)
            for counted in (root, *(owner for owner in owners.order_by("path") if roster_rollups.covers(owner))):
                start = time.perf_counter()
                stats = roster_stats(counted, day, tree=tree)
                for name in COUNTED_LISTS:
                    listed_count(name, counted, day, tree=tree)
                kept_busy(counted, day, tree=tree)
                line = COUNTED.format(
                    unit=counted.name,
                    on=day,
                    appointments=stats.appointments,
                    people=stats.people,
                    seconds=time.perf_counter() - start,
                )
                self.stdout.write(self.style.SUCCESS(line))
