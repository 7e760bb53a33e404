from django.core.management.base import CommandError

from imports.commands import RegistryCommand
from orgunits.integrity import find_tree_problems

TREE_PROBLEMS = "单位树有问题：\n{problems}"
TREE_SOUND = "单位树完好：共检查{count}个单位。"


class Command(RegistryCommand):
    help = "检查单位树的路径、层级和下级数是否一致；有问题时以非零状态退出。"

    def handle(self, *args, **options):
        problems = find_tree_problems()
        if problems:
            raise CommandError(TREE_PROBLEMS.format(problems="\n".join(problems.lines())))
        self.stdout.write(self.style.SUCCESS(TREE_SOUND.format(count=problems.checked)))
