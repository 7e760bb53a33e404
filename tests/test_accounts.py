"""Issue 12, point 4: a manager with the user permissions manages only the accounts below her.

The county manager of 双峰县 holds the auth user permissions, as ScopedUserAdmin is built for.
Around her: a peer manager of 双峰县, the manager of 香河县, the editor of 永丰街道 (hers), an
editor of 荷叶镇 who may read identity numbers (more than she may), a staff account a superuser
created and one she created herself (neither assigned yet), and a superuser.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from access.errors import GRANT_BEYOND_OWN, NOT_BELOW_YOURS
from access.models import Assignment
from tests.base import DOMAIN_APPS, PASSWORD, UNIT_PERMS, TreeTestCase, make_user

User = get_user_model()
NEW_PASSWORD = "another-Long-passphrase-2026"
ASSIGNMENT_PERMS = [f"{action}_assignment" for action in ("view", "add", "change", "delete")]


def user_url(view, user_or_pk):
    return reverse(f"admin:auth_user_{view}", args=[getattr(user_or_pk, "pk", user_or_pk)])


def assignment_url(view, *args):
    return reverse(f"admin:access_assignment_{view}", args=args)


def add_account_through_the_admin(creator, username) -> "User":
    client = Client()
    client.force_login(creator)
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"}
    # Class setup runs before the fixture that lets plain HTTP through.
    assert client.post(reverse("admin:auth_user_add"), data, secure=True).status_code == 302
    return User.objects.get(username=username)


class AccountsTestCase(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        user_perms = Permission.objects.filter(content_type__app_label="auth", content_type__model="user")
        assignment_perms = Permission.objects.filter(
            content_type__app_label__in=DOMAIN_APPS, codename__in=ASSIGNMENT_PERMS
        )
        cls.county_clerk.user_permissions.add(*user_perms, *assignment_perms)
        cls.peer = make_user("peer-manager", perms=UNIT_PERMS)
        cls.peer.user_permissions.add(*user_perms, *assignment_perms)
        cls.xianghe_manager = make_user("xianghe-manager", perms=[*UNIT_PERMS, *ASSIGNMENT_PERMS])
        cls.heye_reader = make_user("heye-reader", perms=UNIT_PERMS)
        cls.chief = make_user("chief-admin", superuser=True)
        cls.personal_data = Group.objects.create(name="身份证号查看")
        cls.personal_data.permissions.add(Permission.objects.get(codename="view_personal_data"))
        cls.harmless = Group.objects.create(name="单位查看")
        cls.harmless.permissions.add(
            Permission.objects.get(content_type__app_label__in=DOMAIN_APPS, codename="view_orgunit")
        )
        cls.heye_reader.groups.add(cls.personal_data)
        cls.peer_assignment, cls.xianghe_assignment, cls.heye_assignment = Assignment.objects.bulk_create(
            [
                Assignment(user=cls.peer, unit=cls.shuangfeng, role=Assignment.Role.MANAGER),
                Assignment(user=cls.xianghe_manager, unit=cls.xianghe, role=Assignment.Role.MANAGER),
                Assignment(user=cls.heye_reader, unit=cls.heye, role=Assignment.Role.EDITOR),
            ]
        )
        cls.county_assignment = Assignment.objects.get(user=cls.county_clerk)
        cls.yongfeng_assignment = Assignment.objects.get(user=cls.township_clerk)
        cls.orphan = add_account_through_the_admin(cls.chief, "orphan-by-root")
        cls.her_new = add_account_through_the_admin(cls.county_clerk, "hers-unassigned")
        for account in (cls.orphan, cls.her_new):
            account.is_staff = True
            account.save(update_fields=["is_staff"])

    def setUp(self):
        self.client.force_login(self.county_clerk)

    def change_data(self, user, **changes):
        """What the change form posts for `user` as it stands, with `changes` on top."""
        data = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": "on",
            "groups": [g.pk for g in user.groups.all()],
            "user_permissions": [p.pk for p in user.user_permissions.all()],
        }
        if user.is_staff:
            data["is_staff"] = "on"
        data.update(changes)
        return data

    def missing_page(self, view):
        return self.client.get(user_url(view, 999999))


class AccountsSheManagesTests(AccountsTestCase):
    def test_not_the_password_of_a_peer_an_account_a_superuser_made_or_a_superuser(self):
        missing = self.missing_page("password_change")
        assert missing.status_code == 404
        for target in (self.peer, self.orphan, self.chief, self.xianghe_manager, self.heye_reader):
            with self.subTest(target.username):
                before = User.objects.get(pk=target.pk).password
                page = self.client.get(user_url("password_change", target))
                assert page.status_code == 404 and page.content == missing.content
                data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
                assert self.client.post(user_url("password_change", target), data).status_code == 404
                assert User.objects.get(pk=target.pk).password == before

    def test_their_other_pages_are_missing_too(self):
        for target in (self.peer, self.orphan, self.chief, self.heye_reader):
            for view in ("change", "history", "delete"):
                with self.subTest(target=target.username, view=view):
                    page = self.client.get(user_url(view, target))
                    assert page.status_code == 404 and page.content == self.missing_page(view).content
        assert self.client.post(user_url("delete", self.peer), {"post": "yes"}).status_code == 404
        assert User.objects.filter(pk=self.peer.pk).exists()

    def test_her_list_is_the_editor_below_her_and_the_account_she_made(self):
        users = self.client.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
        assert {u.username for u in users} == {"township-clerk", "hers-unassigned"}

    def test_the_editor_of_yongfeng_is_hers(self):
        assert self.client.get(user_url("change", self.township_clerk)).status_code == 200
        data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
        assert self.client.post(user_url("password_change", self.township_clerk), data).status_code == 302
        assert User.objects.get(pk=self.township_clerk.pk).check_password(NEW_PASSWORD)
        data = self.change_data(self.township_clerk, groups=[self.harmless.pk])
        assert self.client.post(user_url("change", self.township_clerk), data).status_code == 302
        assert list(self.township_clerk.groups.all()) == [self.harmless]

    def test_an_account_she_made_and_has_not_assigned_yet_is_hers(self):
        data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
        assert self.client.post(user_url("password_change", self.her_new), data).status_code == 302
        assert User.objects.get(pk=self.her_new.pk).check_password(NEW_PASSWORD)
        page = self.client.get(assignment_url("add") + f"?user={self.her_new.pk}").content.decode()
        assert "hers-unassigned" in page

    def test_a_peer_manager_cannot_touch_her_account_either(self):
        self.client.force_login(self.peer)
        assert self.client.get(user_url("password_change", self.county_clerk)).status_code == 404

    def test_the_superuser_still_manages_everyone(self):
        self.client.force_login(self.chief)
        for target in (self.peer, self.orphan, self.county_clerk, self.superuser):
            with self.subTest(target.username):
                assert self.client.get(user_url("password_change", target)).status_code == 200


class AccountsGrantTests(AccountsTestCase):
    def test_a_post_adding_the_personal_data_group_is_refused(self):
        data = self.change_data(self.township_clerk, groups=[self.personal_data.pk])
        response = self.client.post(user_url("change", self.township_clerk), data)
        assert response.status_code == 200
        assert GRANT_BEYOND_OWN in response.content.decode()
        assert list(self.township_clerk.groups.all()) == []

    def test_the_personal_data_group_is_not_offered(self):
        page = self.client.get(user_url("change", self.township_clerk)).content.decode()
        assert "单位查看" in page and "身份证号查看" not in page

    def test_a_post_granting_a_permission_she_lacks_is_refused(self):
        foreign = Permission.objects.get(codename="view_personal_data")
        mine = [p.pk for p in self.township_clerk.user_permissions.all()]
        data = self.change_data(self.township_clerk, user_permissions=[*mine, foreign.pk])
        response = self.client.post(user_url("change", self.township_clerk), data)
        assert GRANT_BEYOND_OWN in response.content.decode()
        assert not self.township_clerk.user_permissions.filter(pk=foreign.pk).exists()

    def test_she_grants_a_permission_she_has_and_staff_but_never_superuser(self):
        view_user = Permission.objects.get(content_type__app_label="auth", codename="view_user")
        mine = [p.pk for p in self.her_new.user_permissions.all()]
        data = self.change_data(self.her_new, user_permissions=[*mine, view_user.pk], is_superuser="on")
        assert self.client.post(user_url("change", self.her_new), data).status_code == 302
        account = User.objects.get(pk=self.her_new.pk)
        assert account.has_perm("auth.view_user") and account.is_staff and not account.is_superuser

    def test_an_account_reading_identity_numbers_is_beyond_her(self):
        assert self.client.get(user_url("change", self.heye_reader)).status_code == 404
        assert self.client.get(assignment_url("change", self.heye_assignment.pk)).status_code == 404

    def test_an_inactive_account_in_a_group_beyond_her_is_still_beyond_her(self):
        # Django counts no permissions for an inactive account; reactivating it would bring them back.
        self.township_clerk.groups.add(self.personal_data)
        User.objects.filter(pk=self.township_clerk.pk).update(is_active=False)
        assert self.client.get(user_url("change", self.township_clerk)).status_code == 404


class AssignmentUserFieldTests(AccountsTestCase):
    def assign(self, user, unit, role="editor"):
        return self.client.post(assignment_url("add"), {"user": user.pk, "unit": unit.pk, "role": role})

    def test_a_user_id_in_the_url_shows_no_foreign_username(self):
        for target in (self.xianghe_manager, self.chief, self.peer, self.orphan):
            with self.subTest(target.username):
                page = self.client.get(assignment_url("add") + f"?user={target.pk}")
                assert page.status_code == 200
                assert target.username not in page.content.decode()

    def test_she_cannot_assign_the_xianghe_manager_or_a_superuser(self):
        for target in (self.xianghe_manager, self.chief, self.peer, self.orphan):
            with self.subTest(target.username):
                response = self.assign(target, self.heye)
                assert response.status_code == 200
                assert not Assignment.objects.filter(user=target, unit=self.heye).exists()

    def test_not_at_her_own_unit(self):
        response = self.assign(self.township_clerk, self.shuangfeng, "manager")
        assert NOT_BELOW_YOURS.format(unit="双峰县") in response.content.decode()
        assert not Assignment.objects.filter(user=self.township_clerk, unit=self.shuangfeng).exists()

    def test_she_assigns_her_people_below_her(self):
        assert self.assign(self.her_new, self.heye).status_code == 302
        assert self.assign(self.township_clerk, self.heye).status_code == 302
        assert Assignment.objects.filter(unit=self.heye, user__in=[self.her_new, self.township_clerk]).count() == 2

    def test_the_autocomplete_lists_only_her_accounts(self):
        query = "?app_label=access&model_name=assignment&field_name=user&term="
        results = json.loads(self.client.get(reverse("admin:autocomplete") + query).content)["results"]
        assert {r["text"] for r in results} == {"township-clerk", "hers-unassigned"}
        for term in ("xianghe", "peer", "orphan", "chief", "root", "heye"):
            with self.subTest(term):
                results = json.loads(self.client.get(reverse("admin:autocomplete") + query + term).content)
                assert results["results"] == []


class AssignmentChangeTests(AccountsTestCase):
    def test_peer_managers_cannot_change_or_delete_each_other(self):
        for manager, other in ((self.county_clerk, self.peer_assignment), (self.peer, self.county_assignment)):
            self.client.force_login(manager)
            with self.subTest(manager.username):
                for view in ("change", "delete", "history"):
                    assert self.client.get(assignment_url(view, other.pk)).status_code == 404
                demoted = {"user": other.user_id, "unit": self.yongfeng.pk, "role": "viewer"}
                assert self.client.post(assignment_url("change", other.pk), demoted).status_code == 404
                assert self.client.post(assignment_url("delete", other.pk), {"post": "yes"}).status_code == 404
                other.refresh_from_db()
                assert (other.unit_id, other.role) == (self.shuangfeng.pk, Assignment.Role.MANAGER)

    def test_her_list_holds_only_assignments_she_manages_and_her_own(self):
        listed = self.client.get(assignment_url("changelist")).context["cl"].result_list
        assert {a.pk for a in listed} == {self.yongfeng_assignment.pk, self.county_assignment.pk}

    def test_she_promotes_the_editor_below_her_but_not_to_her_own_unit(self):
        page = assignment_url("change", self.yongfeng_assignment.pk)
        moved = {"user": self.township_clerk.pk, "unit": self.shuangfeng.pk, "role": "manager"}
        assert NOT_BELOW_YOURS.format(unit="双峰县") in self.client.post(page, moved).content.decode()
        promoted = {"user": self.township_clerk.pk, "unit": self.yongfeng.pk, "role": "manager"}
        assert self.client.post(page, promoted).status_code == 302
        assert Assignment.objects.get(pk=self.yongfeng_assignment.pk).role == Assignment.Role.MANAGER

    def test_a_township_manager_cannot_change_the_county_manager(self):
        Assignment.objects.filter(pk=self.yongfeng_assignment.pk).update(role=Assignment.Role.MANAGER)
        self.township_clerk.user_permissions.add(*Permission.objects.filter(codename__in=ASSIGNMENT_PERMS))
        self.client.force_login(self.township_clerk)
        assert self.client.get(assignment_url("change", self.county_assignment.pk)).status_code == 404
        own = assignment_url("change", self.yongfeng_assignment.pk)
        assert self.client.post(own, {"user": self.township_clerk.pk, "unit": self.yongfeng.pk}).status_code == 403
