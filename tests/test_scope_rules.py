"""access.scope rule by rule: who sees, changes and manages which subtree, and what the querysets keep.

A small tree built here (no migrations needed, so it runs in `make mutate`):

    全国 100000
    └─ 湖南省 43
       └─ 娄底市 4313
          ├─ 双峰县 431321
          │  └─ 荷叶镇 431321101
          └─ 涟源市 431382
    广东省 44 is a second root, outside everything but the superuser's scope.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory, TestCase

from access.models import Assignment
from access.scope import NO_SCOPE, OUT_OF_SCOPE, READ_ONLY_SCOPE, Scope, _inside, _outermost, scope_of
from orgunits.models import OrgUnit
from tests.small_tree import add, seed_kinds

VIEWER, EDITOR, MANAGER = Assignment.Role.VIEWER, Assignment.Role.EDITOR, Assignment.Role.MANAGER


def test_messages():
    assert NO_SCOPE == "您没有被分配管辖范围，请联系管理员。"
    assert OUT_OF_SCOPE.format(unit="荷叶镇") == "“荷叶镇”不在您的管辖范围内。"
    assert READ_ONLY_SCOPE.format(unit="荷叶镇") == "您对“荷叶镇”只有查看权限。"


@pytest.mark.parametrize(
    ("paths", "outermost"),
    [
        ([], ()),
        (["0001"], ("0001",)),
        (["00010002", "0001"], ("0001",)),  # an inner path given first is still dropped
        (["0001", "0001"], ("0001",)),
        (["00010002", "0002", "000100020003", "0001"], ("0001", "0002")),
        (["00010002", "00010001"], ("00010001", "00010002")),  # siblings both stay, in path order
    ],
)
def test_outermost_keeps_only_the_tops_of_overlapping_subtrees(paths, outermost):
    assert _outermost(paths) == outermost


def test_outermost_takes_a_generator():
    assert _outermost(path for path in ["00020001", "0002"]) == ("0002",)


@pytest.mark.parametrize(
    ("path", "roots", "inside"),
    [
        ("00010002", ("0001",), True),
        ("0001", ("0001",), True),  # the root itself
        ("0002", ("0001",), False),
        ("0001", ("00010002",), False),  # an ancestor is not inside
        ("00020001", ("0001", "0002"), True),  # any root will do
        ("0001", (), False),
    ],
)
def test_inside(path, roots, inside):
    assert _inside(path, roots) is inside


def node(path: str) -> OrgUnit:
    return OrgUnit(path=path, depth=len(path) // 4, code=path, name=path)


class ScopeWithoutDatabaseTests(TestCase):
    databases = set()

    def test_unrestricted_sees_changes_and_manages_every_unit_but_none(self):
        scope = Scope(unrestricted=True)
        for check in (scope.can_view, scope.can_edit, scope.can_manage):
            assert check(node("0009")) is True
            assert check(None) is False
        assert scope.can_edit_anything is True
        assert scope.national is True

    def test_each_check_reads_its_own_paths(self):
        scope = Scope(
            unrestricted=False, view_paths=("0001",), edit_paths=("00010001",), manage_paths=("000100010001",)
        )
        answers = {
            path: (scope.can_view(node(path)), scope.can_edit(node(path)), scope.can_manage(node(path)))
            for path in ("0002", "0001", "00010002", "00010001", "000100010001", "0001000100010001")
        }
        assert answers == {
            "0002": (False, False, False),
            "0001": (True, False, False),
            "00010002": (True, False, False),
            "00010001": (True, True, False),
            "000100010001": (True, True, True),
            "0001000100010001": (True, True, True),
        }
        for check in (scope.can_view, scope.can_edit, scope.can_manage):
            assert check(None) is False

    def test_no_paths_no_rights(self):
        scope = Scope(unrestricted=False)
        assert (scope.can_view(node("0001")), scope.can_edit(node("0001")), scope.can_manage(node("0001"))) == (
            False,
            False,
            False,
        )
        assert scope.can_edit_anything is False
        assert scope.national is False

    def test_national_means_editing_a_root(self):
        assert Scope(unrestricted=False, edit_paths=("0001",)).national is True
        assert Scope(unrestricted=False, edit_paths=("00010001",), view_paths=("0001",)).national is False
        assert Scope(unrestricted=False, edit_paths=("00010001",)).can_edit_anything is True


class ScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_kinds()
        cls.nation = add(None, "100000", "全国", "nation")
        cls.hunan = add(cls.nation, "43", "湖南省", "province")
        cls.loudi = add(cls.hunan, "4313", "娄底市", "city")
        cls.shuangfeng = add(cls.loudi, "431321", "双峰县", "county")
        cls.heye = add(cls.shuangfeng, "431321101", "荷叶镇", "township")
        cls.lianyuan = add(cls.loudi, "431382", "涟源市", "county")
        cls.guangdong = add(None, "44", "广东省", "province")
        make = User.objects.create_user
        cls.superuser = make("root", is_superuser=True, is_staff=True)
        cls.clerk = make("clerk")  # views 娄底市, edits 双峰县, manages 荷叶镇 and 涟源市
        cls.viewer = make("viewer")
        cls.nobody = make("nobody")
        cls.gone = make("gone", is_active=False)
        cls.national_editor = make("national")
        Assignment.objects.bulk_create(
            [
                Assignment(user=cls.clerk, unit=cls.loudi, role=VIEWER),
                Assignment(user=cls.clerk, unit=cls.shuangfeng, role=EDITOR),
                Assignment(user=cls.clerk, unit=cls.heye, role=MANAGER),
                Assignment(user=cls.clerk, unit=cls.lianyuan, role=MANAGER),
                Assignment(user=cls.viewer, unit=cls.heye, role=VIEWER),
                Assignment(user=cls.viewer, unit=cls.guangdong, role=VIEWER),
                Assignment(user=cls.gone, unit=cls.hunan, role=MANAGER),
                Assignment(user=cls.national_editor, unit=cls.nation, role=EDITOR),
            ]
        )

    def codes(self, queryset) -> list[str]:
        return sorted(unit.code for unit in queryset)

    # for_user

    def test_anonymous_and_inactive_users_have_no_scope(self):
        assert Scope.for_user(AnonymousUser()) == Scope(unrestricted=False)
        assert Scope.for_user(self.gone) == Scope(unrestricted=False)

    def test_an_inactive_superuser_has_no_scope(self):
        self.superuser.is_active = False
        assert Scope.for_user(self.superuser) == Scope(unrestricted=False)

    def test_a_superuser_is_unrestricted(self):
        assert Scope.for_user(self.superuser) == Scope(unrestricted=True)

    def test_a_user_without_assignments_has_empty_paths(self):
        assert Scope.for_user(self.nobody) == Scope(unrestricted=False, user_id=self.nobody.pk)

    def test_roles_give_nested_rights(self):
        assert Scope.for_user(self.clerk) == Scope(
            unrestricted=False,
            user_id=self.clerk.pk,
            view_paths=(self.loudi.path,),
            edit_paths=(self.shuangfeng.path, self.lianyuan.path),
            manage_paths=(self.heye.path, self.lianyuan.path),
        )

    def test_a_viewer_edits_nothing(self):
        scope = Scope.for_user(self.viewer)
        assert (self.heye.path, self.guangdong.path) == ("00010001000100010001", "0002")
        assert scope == Scope(unrestricted=False, user_id=self.viewer.pk, view_paths=("00010001000100010001", "0002"))
        assert scope.can_edit_anything is False

    def test_the_rights_of_a_real_user(self):
        scope = Scope.for_user(self.clerk)
        assert [scope.can_view(u) for u in (self.hunan, self.loudi, self.heye, self.guangdong)] == [
            False,
            True,
            True,
            False,
        ]
        assert [scope.can_edit(u) for u in (self.loudi, self.shuangfeng, self.heye, self.lianyuan)] == [
            False,
            True,
            True,
            True,
        ]
        assert [scope.can_manage(u) for u in (self.shuangfeng, self.heye, self.lianyuan)] == [False, True, True]
        assert scope.national is False
        assert Scope.for_user(self.national_editor).national is True

    # units and filter

    def test_units_of_an_unrestricted_scope_are_all_units(self):
        scope = Scope(unrestricted=True)
        assert self.codes(scope.units()) == ["100000", "43", "4313", "431321", "431321101", "431382", "44"]
        some = OrgUnit.objects.filter(code__startswith="4313")
        assert scope.units(some) is some
        assert scope.filter(some, via="whatever__", editable=True, managed=True) is some

    def test_units_seen_changed_and_managed(self):
        scope = Scope.for_user(self.clerk)
        assert self.codes(scope.units()) == ["4313", "431321", "431321101", "431382"]
        assert self.codes(scope.units(editable=True)) == ["431321", "431321101", "431382"]
        assert self.codes(scope.units(managed=True)) == ["431321101", "431382"]
        assert self.codes(scope.units(editable=True, managed=True)) == ["431321101", "431382"]

    def test_units_narrow_a_given_queryset(self):
        scope = Scope.for_user(self.clerk)
        counties = OrgUnit.objects.filter(kind__code="county")
        assert self.codes(scope.units(counties)) == ["431321", "431382"]
        assert self.codes(scope.units(counties, managed=True)) == ["431382"]

    def test_no_paths_no_units(self):
        scope = Scope.for_user(self.viewer)
        assert self.codes(scope.units(editable=True)) == []
        assert self.codes(scope.units(managed=True)) == []
        with self.assertNumQueries(0):
            assert list(scope.units(editable=True)) == []  # none(): not even a query
        assert self.codes(Scope.for_user(self.nobody).units()) == []

    def test_several_subtrees_are_all_kept(self):
        assert self.codes(Scope.for_user(self.viewer).units()) == ["431321101", "44"]

    def test_filter_reaches_units_through_a_relation(self):
        scope = Scope.for_user(self.clerk)
        mine = scope.filter(Assignment.objects.all(), via="unit__")
        assert sorted((a.user.username, a.unit.code) for a in mine) == [
            ("clerk", "4313"),
            ("clerk", "431321"),
            ("clerk", "431321101"),
            ("clerk", "431382"),
            ("viewer", "431321101"),
        ]
        managed = scope.filter(Assignment.objects.all(), via="unit__", managed=True)
        assert sorted((a.user.username, a.unit.code) for a in managed) == [
            ("clerk", "431321101"),
            ("clerk", "431382"),
            ("viewer", "431321101"),
        ]
        editable = scope.filter(Assignment.objects.all(), via="unit__", editable=True)
        assert len(editable) == 4

    # home

    def test_home_of_the_unrestricted_is_the_top_of_the_tree(self):
        assert Scope(unrestricted=True).home() == self.nation

    def test_home_is_the_first_assigned_unit_in_path_order(self):
        assert Scope.for_user(self.clerk).home() == self.loudi
        assert Scope.for_user(self.viewer).home() == self.heye  # 00010001000100010001 before 0002
        assert Scope.for_user(self.nobody).home() is None

    # scope_of

    def test_scope_of_a_request_is_worked_out_once(self):
        request = RequestFactory().get("/")
        request.user = self.clerk
        first = scope_of(request)
        assert first == Scope.for_user(self.clerk)
        assert request._unit_scope is first
        with self.assertNumQueries(0):
            assert scope_of(request) is first

    def test_scope_of_keeps_what_the_request_already_has(self):
        request = RequestFactory().get("/")
        request.user = self.clerk
        request._unit_scope = Scope(unrestricted=True)
        assert scope_of(request) == Scope(unrestricted=True)

    def test_scope_of_an_anonymous_request(self):
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        assert scope_of(request) == Scope(unrestricted=False)
