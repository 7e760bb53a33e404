from django.core.management.base import BaseCommand, CommandError

from orgunits.tree import find_tree_problems


class Command(BaseCommand):
    help = "检查单位树的路径、层级和下级数是否一致；有问题时以非零状态退出。"

    def handle(self, *args, **options):
        problems = find_tree_problems()
        if problems:
            raise CommandError("单位树有问题：\n" + "\n".join(problems.lines()))
        self.stdout.write(self.style.SUCCESS(f"单位树完好：共检查{problems.checked}个单位。"))
