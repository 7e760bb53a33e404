"""The admin's 区划调整 page: upload → preview → confirm, for her own area, through the real admin.

娄星区 in the small editions apply-2022 (loaded) and apply-2023 (offered on the page); see
test_division_apply for what the 2023 edition changes there.
"""

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from access.models import Assignment
from orgunits import errors
from orgunits.autocomplete import UNIT_NOT_FOUND
from orgunits.division_upload_admin import AUDIT, PREVIEW_GONE
from orgunits.models import OrgUnit, UnitChange
from orgunits.services import unit_create
from tests.base import MISSING_ID, UNIT_PERMS, admin_url, assert_same_as_missing, kind, make_user, unit
from tests.orgunits.test_division_apply import (
    CHAYUAN,
    COUNTY,
    EDITIONS,
    FANGSHI_NEW,
    SHANSHAN,
    load_2022,
    written,
)

EDITION, ON = "apply-2023", "2023-06-30"
CLERK_PERMS = [*UNIT_PERMS, "view_unitchange", "apply_divisionchange"]
SIBLING = "431321"  # 双峰县, beside 娄星区 under 娄底市
COUNTS = "新增 1 个，撤销 1 个，并入 1 个，类型变更 1 个，更名 1 个，改代码 2 个，隶属变更 1 个"


def mapping_file(*rows: str, name="对应表.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(["原代码,新代码,关系", *rows]).encode("utf-8"))


@override_settings(DIVISION_EDITIONS_DIR=EDITIONS)
class DivisionUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_2022()
        cls.county = unit(COUNTY)
        cls.sibling = unit_create(parent=unit("4313"), code=SIBLING, name="双峰县", kind=kind("county"))
        cls.superuser = make_user("root", superuser=True)
        cls.clerk = make_user("loux-clerk", perms=CLERK_PERMS)
        cls.sibling_clerk = make_user("shuangfeng-clerk", perms=CLERK_PERMS)
        cls.outsider = make_user("no-permission", perms=[*UNIT_PERMS, "view_unitchange"])
        for user, area in ((cls.clerk, cls.county), (cls.sibling_clerk, cls.sibling), (cls.outsider, cls.county)):
            Assignment.objects.create(user=user, unit=area, role=Assignment.Role.MANAGER)
        cls.url = admin_url("unitchange_divisions")

    def preview(self, user, area=None, mapping=None, **data):
        self.client.force_login(user)
        data = {"edition": EDITION, "area": "" if area is None else str(area), "on": ON, **data}
        if mapping is not None:
            data["mapping"] = mapping
        return self.client.post(self.url, data)

    def confirm(self, token):
        return self.client.post(self.url, {"token": token})

    # ---- preview and confirm

    def test_the_superuser_previews_writing_nothing_then_confirms(self):
        before = written()
        response = self.preview(self.superuser, self.county.pk)
        assert response.status_code == 200
        assert written() == before
        text = response.content.decode()
        assert COUNTS in text
        assert "“茶园乡”（431302200）并入“杉山镇”（431302101）" in text
        assert "方石社区居委会" in text and "确认调整" in text
        response = self.confirm(response.context["token"])
        assert response.status_code == 302
        assert response["Location"] == admin_url("unitchange_changelist") + f"?area={self.county.pk}"
        assert UnitChange.objects.filter(edition=EDITION).count() == 6  # one per changed unit
        record = OrgUnit.history.filter(code=FANGSHI_NEW).latest("history_id")
        assert record.history_user == self.superuser
        assert record.history_change_reason.startswith(AUDIT.format(user="root"))
        shown = self.client.get(response["Location"]).content.decode()
        assert "已写入" in shown and "改代码2个" in shown

    def test_the_county_clerk_previews_and_confirms_her_county(self):
        self.client.force_login(self.clerk)
        changes = self.client.get(admin_url("unitchange_changelist")).content.decode()
        assert "区划调整…" in changes and self.url in changes
        response = self.preview(self.clerk, self.county.pk)
        assert COUNTS in response.content.decode()
        assert self.confirm(response.context["token"]).status_code == 302
        assert unit(FANGSHI_NEW).name == "方石社区居委会"
        assert not UnitChange.objects.exclude(edition=EDITION).exists()

    def test_a_confirmed_token_is_spent(self):
        token = self.preview(self.clerk, self.county.pk).context["token"]
        self.confirm(token)
        before = written()
        response = self.confirm(token)
        assert response.status_code == 200 and PREVIEW_GONE in response.content.decode()
        assert written() == before

    def test_the_mapping_is_kept_on_the_server_between_preview_and_confirm(self):
        agency = unit_create(parent=unit(CHAYUAN), code="JG-CY-01", name="<b>茶园乡人民政府</b>", kind=kind("agency"))
        refused = self.preview(self.clerk, self.county.pk).content.decode()
        assert "JG-CY-01" in refused and "请在对应表中为它填写" in refused
        assert "&lt;b&gt;茶园乡人民政府&lt;/b&gt;" in refused and "<b>茶园乡" not in refused
        response = self.preview(self.clerk, self.county.pk, mapping_file(f"JG-CY-01,{SHANSHAN},移至"))
        assert "移至到 431302101 之下" in response.content.decode()
        assert 'name="mapping"' not in response.content.decode()  # the file is not sent back to the page
        self.confirm(response.context["token"])
        assert OrgUnit.objects.parent_of(OrgUnit.objects.get(pk=agency.pk)).get().code == SHANSHAN

    # ---- refusals

    def test_a_bad_mapping_lists_its_row_and_column_and_writes_nothing(self):
        before = written()
        response = self.preview(self.clerk, self.county.pk, mapping_file("431302200,431302101,合并"))
        text = response.content.decode()
        assert f"第2行，列“关系”，值“合并”：{errors.MAPPING_BAD_RELATION}" in text
        assert "未写入任何数据" in text and "确认调整" not in text
        assert written() == before

    @override_settings(UPLOAD_LIMIT_BYTES=10)
    def test_a_file_over_the_upload_limit_is_refused(self):
        response = self.preview(self.clerk, self.county.pk, mapping_file("431302200,431302101,并入"))
        assert "超过上限" in response.content.decode()
        assert "token" not in response.context or not response.context.get("token")

    def test_a_file_of_another_type_is_refused(self):
        response = self.preview(self.clerk, self.county.pk, mapping_file(name="对应表.txt"))
        assert "不支持的文件类型" in response.content.decode()

    def test_another_countys_area_reads_like_a_missing_one(self):
        before = written()
        foreign = self.preview(self.sibling_clerk, self.county.pk)
        missing = self.preview(self.sibling_clerk, MISSING_ID)
        assert foreign.status_code == 200 and UNIT_NOT_FOUND in foreign.content.decode()
        assert_same_as_missing(foreign, missing, self.county.pk, "娄星区")
        assert written() == before

    def test_a_county_clerk_must_name_her_area(self):
        response = self.preview(self.clerk)
        assert response.context["form"].errors["area"]
        assert "确认调整" not in response.content.decode()

    def test_without_the_permission_the_page_is_refused(self):
        self.client.force_login(self.outsider)
        assert self.client.get(self.url).status_code == 403
        assert self.preview(self.outsider, self.county.pk).status_code == 403
        assert "区划调整…" not in self.client.get(admin_url("unitchange_changelist")).content.decode()

    def test_a_permission_without_a_unit_to_edit_is_refused(self):
        viewer = make_user("viewer", perms=CLERK_PERMS)
        Assignment.objects.create(user=viewer, unit=self.county, role=Assignment.Role.VIEWER)
        self.client.force_login(viewer)
        assert self.client.get(self.url).status_code == 403

    def test_another_users_token_or_a_made_up_one_is_refused_alike(self):
        token = self.preview(self.clerk, self.county.pk).context["token"]
        before = written()
        for user in (self.sibling_clerk, self.superuser):
            self.client.force_login(user)
            for attempt in (token, "x" * 32, "<script>"):
                response = self.confirm(attempt)
                assert response.status_code == 200 and PREVIEW_GONE in response.content.decode()
        assert written() == before

    def test_the_token_is_refused_once_the_area_is_no_longer_hers(self):
        token = self.preview(self.clerk, self.county.pk).context["token"]
        self.clerk.assignments.all().delete()
        Assignment.objects.create(user=self.clerk, unit=self.sibling, role=Assignment.Role.MANAGER)
        before = written()
        response = self.confirm(token)
        assert UNIT_NOT_FOUND in response.content.decode()
        assert written() == before

    def test_the_confirm_needs_the_csrf_token(self):
        token = self.preview(self.clerk, self.county.pk).context["token"]
        self.client.handler.enforce_csrf_checks = True
        assert self.confirm(token).status_code == 403


class PermissionTests(TestCase):
    def test_the_permission_exists(self):
        assert Permission.objects.filter(codename="apply_divisionchange").exists()
