from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orgunits.models import OrgUnit
from tests.base import TreeTestCase


def check_tree() -> str:
    out = StringIO()
    call_command("check_tree", stdout=out)
    return out.getvalue()


class CheckTreeTests(TreeTestCase):
    def test_a_loaded_tree_is_clean(self):
        assert check_tree() == f"单位树完好：共检查{OrgUnit.objects.count()}个单位。\n"

    def test_a_wrong_child_count_is_reported(self):
        OrgUnit.objects.filter(pk=self.heye.pk).update(numchild=3)
        with pytest.raises(CommandError) as exc:
            check_tree()
        assert f"431321101：记录为3，实际{self.heye.numchild}" in str(exc.value)
        assert "下级数(numchild)不符：1个" in str(exc.value)

    def test_a_wrong_depth_is_reported(self):
        OrgUnit.objects.filter(pk=self.heye.pk).update(depth=2)
        with pytest.raises(CommandError, match="层级\\(depth\\)与路径不符：1个"):
            check_tree()

    def test_an_orphan_is_reported(self):
        village = OrgUnit.objects.children_of(self.heye).last()
        OrgUnit.objects.filter(pk=village.pk).update(path=village.path[:-8] + "ZZZZ" + village.path[-4:])
        with pytest.raises(CommandError) as exc:
            check_tree()
        assert "找不到上级（孤儿节点）：1个" in str(exc.value)
        assert village.code in str(exc.value)

    def test_a_bad_path_is_reported(self):
        OrgUnit.objects.filter(pk=self.heye.pk).update(path=self.heye.path + "a")
        with pytest.raises(CommandError, match="路径"):
            check_tree()
