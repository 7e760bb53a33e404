from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orgunits import errors
from orgunits.integrity import find_tree_problems
from orgunits.models import OrgUnit
from orgunits.services import unit_close, unit_create, unit_delete, unit_move, unit_update
from tests.base import TreeTestCase, day, kind, unit


def messages_of(exc: ValidationError, field: str) -> list[str]:
    return exc.message_dict[field]


class CreateTests(TreeTestCase):
    def test_a_village_is_added_as_the_last_child_of_its_township(self):
        before = self.heye.numchild
        village = unit_create(parent=self.heye, code="431321101999", name="新建村", kind=kind("village"))
        self.heye.refresh_from_db()
        assert village.parent() == self.heye
        assert self.heye.numchild == before + 1
        assert village.path > OrgUnit.objects.children_of(self.heye).exclude(pk=village.pk).last().path
        assert not find_tree_problems()

    def test_codes_are_normalized_and_names_trimmed(self):
        agency = unit_create(parent=self.shuangfeng, code=" 9144030071526726xg", name=" 某局 ", kind=kind("agency"))
        assert (agency.code, agency.name) == ("9144030071526726XG", "某局")

    def test_a_village_under_a_province_is_refused_with_the_allowed_kinds(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_create(parent=self.hunan, code="430000000001", name="错位村", kind=kind("village"))
        assert messages_of(ctx.exception, "kind") == [
            errors.KIND_NOT_ALLOWED_UNDER.format(kind="村", parent_kind="省", allowed="乡镇、街道、开发区等")
        ]
        assert not OrgUnit.objects.filter(code="430000000001").exists()

    def test_only_the_nation_may_be_a_root(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_create(parent=None, code="44", name="广东省", kind=kind("province"))
        assert messages_of(ctx.exception, "parent") == [errors.KIND_NEEDS_PARENT.format(kind="省", allowed="全国")]

    def test_a_duplicate_code_names_the_unit_that_holds_it(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_create(parent=self.heye, code="431321001", name="重复", kind=kind("village"))
        assert messages_of(ctx.exception, "code") == [errors.CODE_DUPLICATE.format(code="431321001", name="永丰街道")]

    def test_a_malformed_code_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_create(parent=self.heye, code="43132110199", name="少一位", kind=kind("village"))
        assert messages_of(ctx.exception, "code") == [errors.CODE_ADMIN_LENGTH.format(code="43132110199", length=11)]

    def test_dates_out_of_order_are_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            self.add_agency(self.shuangfeng, "XH-A1", "某局", opened_on=day("2020-01-01"), closed_on=day("2019-01-01"))
        assert errors.DATES_CLOSED_BEFORE_OPENED in ctx.exception.messages

    def test_an_organisation_cannot_be_set_up_before_its_unit(self):
        with self.assertRaises(ValidationError) as ctx:
            self.add_agency(
                self.shuangfeng, "XH-A2", "某局", opened_on=day("2020-01-01"), org_established_on=day("2019-06-01")
            )
        assert errors.DATES_ORG_BEFORE_UNIT in ctx.exception.messages

    def test_a_dissolution_needs_an_establishment(self):
        with self.assertRaises(ValidationError) as ctx:
            self.add_agency(self.shuangfeng, "XH-A3", "某局", org_dissolved_on=day("2019-06-01"))
        assert errors.DATES_ORG_DISSOLVED_WITHOUT_ESTABLISHED in ctx.exception.messages

    def test_a_child_cannot_outlive_a_closed_parent(self):
        agency = self.add_agency(self.shuangfeng, "XH-P2", "旧局", opened_on=day("2010-01-01"))
        unit_close(unit=agency, closed_on=day("2015-01-01"))
        agency.refresh_from_db()
        with self.assertRaises(ValidationError) as ctx:
            unit_create(parent=agency, code="XH-C", name="下属", kind=kind("agency"))
        assert messages_of(ctx.exception, "closed_on") == [
            errors.OPEN_AFTER_PARENT_CLOSED.format(parent="旧局", parent_closed_on="2015-01-01")
        ]

    def test_the_database_refuses_bad_dates_even_without_the_service(self):
        village = OrgUnit.objects.children_of(self.heye).first()
        village.opened_on, village.closed_on = day("2020-01-01"), day("2019-01-01")
        with self.assertRaises(IntegrityError), transaction.atomic():
            village.save()


class ParentDateTests(TreeTestCase):
    def new_township(self):
        return unit_create(
            parent=self.shuangfeng, code="431321999", name="新设镇", kind=kind("township"), opened_on=day("2010-01-01")
        )

    def test_a_child_opening_before_its_parent_is_refused(self):
        township = self.new_township()
        with self.assertRaises(ValidationError) as ctx:
            unit_create(
                parent=township, code="431321999001", name="早村", kind=kind("village"), opened_on=day("2009-12-31")
            )
        assert messages_of(ctx.exception, "opened_on") == [
            errors.OPENED_BEFORE_PARENT.format(opened_on="2009-12-31", parent="新设镇", parent_opened_on="2010-01-01")
        ]

    def test_a_parent_cannot_open_after_its_children(self):
        township = self.new_township()
        unit_create(parent=township, code="431321999001", name="村", kind=kind("village"), opened_on=day("2011-01-01"))
        with self.assertRaises(ValidationError) as ctx:
            unit_update(unit=township, opened_on=day("2012-01-01"))
        assert messages_of(ctx.exception, "opened_on") == [
            errors.CHILD_OPENED_BEFORE.format(child="村", child_opened_on="2011-01-01", opened_on="2012-01-01")
        ]

    def test_closing_a_parent_directly_while_children_are_open_points_to_close(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_update(unit=self.heye, closed_on=day("2024-01-01"))
        assert errors.CHILDREN_STILL_OPEN.split("（")[0] in messages_of(ctx.exception, "closed_on")[0]


class UpdateTests(TreeTestCase):
    def test_rename_and_recode(self):
        agency = self.add_agency(self.shuangfeng, "XH-OLD", "旧名")
        updated = unit_update(unit=agency, name="新名", code="xh-new")
        assert (updated.name, updated.code) == ("新名", "XH-NEW")
        assert OrgUnit.objects.get(pk=agency.pk).code == "XH-NEW"

    def test_recode_to_a_taken_code_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_update(unit=self.heye, code="431321001")
        assert messages_of(ctx.exception, "code") == [errors.CODE_DUPLICATE.format(code="431321001", name="永丰街道")]
        assert unit("431321101").name == "荷叶镇"

    def test_a_kind_change_that_would_strand_children_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_update(unit=self.heye, kind=kind("agency"))
        assert messages_of(ctx.exception, "kind")[0].startswith("改为“机关”后，下级单位")

    def test_only_editable_fields_can_be_changed(self):
        with self.assertRaises(TypeError):
            unit_update(unit=self.heye, path="0001")


class MoveTests(TreeTestCase):
    def test_a_village_moves_with_its_subtree_to_another_township(self):
        village = OrgUnit.objects.children_of(self.heye).first()
        shop = unit_create(parent=village, code="XH-SHOP", name="村办企业", kind=kind("enterprise"))
        heye_before, yongfeng_before = self.heye.numchild, self.yongfeng.numchild
        moved = unit_move(unit=village, new_parent=self.yongfeng)
        assert moved.parent() == self.yongfeng
        assert OrgUnit.objects.get(pk=shop.pk).parent() == moved
        assert unit("431321101").numchild == heye_before - 1
        assert unit("431321001").numchild == yongfeng_before + 1
        assert not find_tree_problems()

    def test_a_move_into_its_own_subtree_is_refused(self):
        village = OrgUnit.objects.children_of(self.heye).first()
        with self.assertRaises(ValidationError) as ctx:
            unit_move(unit=self.heye, new_parent=village)
        assert messages_of(ctx.exception, "new_parent") == [
            errors.MOVE_INTO_OWN_SUBTREE.format(unit="荷叶镇", target=village.name)
        ]
        with self.assertRaises(ValidationError):
            unit_move(unit=self.heye, new_parent=self.heye)
        assert not find_tree_problems()

    def test_a_move_to_a_parent_of_the_wrong_kind_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_move(unit=self.heye, new_parent=self.xianghe.parent())
        assert messages_of(ctx.exception, "new_parent") == [
            errors.KIND_NOT_ALLOWED_UNDER.format(kind="乡镇", parent_kind="市", allowed="县")
        ]

    def test_a_township_moves_to_another_county(self):
        count = OrgUnit.objects.subtree(self.heye).count()
        moved = unit_move(unit=self.heye, new_parent=self.xianghe)
        assert moved.depth == 5
        assert OrgUnit.objects.subtree(moved).count() == count
        assert not find_tree_problems()


class CloseAndDeleteTests(TreeTestCase):
    def test_closing_a_township_closes_its_villages_and_dissolves_their_organisations(self):
        village = OrgUnit.objects.children_of(self.heye).first()
        unit_update(unit=village, org_established_on=day("2017-03-08"))
        count = unit_close(unit=self.heye, closed_on=day("2024-06-30"))
        assert count == 1 + self.heye.numchild
        assert not OrgUnit.objects.subtree(self.heye).filter(closed_on__isnull=True).exists()
        assert OrgUnit.objects.get(pk=village.pk).org_dissolved_on == day("2024-06-30")
        assert OrgUnit.objects.open_on(day("2024-06-30")).filter(pk=self.heye.pk).count() == 0
        assert OrgUnit.objects.open_on(day("2024-06-29")).filter(pk=self.heye.pk).count() == 1

    def test_closing_before_a_child_opened_is_refused(self):
        agency = self.add_agency(self.heye, "XH-NEW", "新机构", opened_on=day("2025-01-01"))
        with self.assertRaises(ValidationError) as ctx:
            unit_close(unit=self.heye, closed_on=day("2024-12-31"))
        assert messages_of(ctx.exception, "closed_on") == [
            errors.CLOSE_BEFORE_CHILD_OPENED.format(
                child="新机构", child_opened_on="2025-01-01", closed_on="2024-12-31"
            )
        ]
        assert OrgUnit.objects.get(pk=agency.pk).closed_on is None

    def test_deleting_a_unit_with_children_is_refused_and_says_to_close_it(self):
        with self.assertRaises(ValidationError) as ctx:
            unit_delete(unit=self.heye)
        assert ctx.exception.messages == [errors.DELETE_HAS_CHILDREN.format(unit="荷叶镇", count=self.heye.numchild)]
        assert OrgUnit.objects.filter(pk=self.heye.pk).exists()

    def test_deleting_a_leaf_updates_the_parent(self):
        agency = self.add_agency(self.heye, "XH-MISTAKE", "录错的单位")
        before = unit("431321101").numchild
        unit_delete(unit=agency)
        assert unit("431321101").numchild == before - 1
        assert not find_tree_problems()
