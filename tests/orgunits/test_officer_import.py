from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from imports.spreadsheets import BAD_DATE
from orgunits.models import OrgUnit
from rosters import errors
from rosters.models import Appointment, Person
from rosters.officer_export import export_xlsx
from rosters.officers import (
    AMBIGUOUS_PERSON,
    SAME_PERSON_DIFFERS,
    UNKNOWN_POST,
    UNKNOWN_UNIT,
    check_rows,
    read_spreadsheet,
    write,
)
from tests.base import TreeTestCase, day
from tests.conftest import FIXTURES


def snapshot():
    people = list(Person.objects.order_by("pk").values_list())
    appointments = list(
        Appointment.objects.order_by("pk").values_list("pk", "person", "unit", "post", "start_on", "end_on", "mode")
    )
    roles = list(
        Appointment.concurrent_roles.through.objects.order_by("pk").values_list("appointment", "concurrentrole")
    )
    return people, appointments, roles


class OfficerImportTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=day("2016-03-08"))

    def run_import(self, name, *args):
        out = StringIO()
        call_command("import_officers", str(FIXTURES / "officers" / name), *args, stdout=out)
        return out.getvalue()

    def test_an_xlsx_made_by_openpyxl_imports(self):
        output = self.run_import("officers.xlsx")
        assert "新增任职5条" in output and "新增人员4人" in output
        li = Person.objects.get(name="李秀英")
        assert li.appointments.count() == 2
        assert [p.ethnicity for p in Person.objects.filter(name="张丽").order_by("birth_date")] == ["苗族", "汉族"]
        wang = Appointment.objects.get(person__name="王桂兰")
        assert sorted(r.code for r in wang.concurrent_roles.all()) == ["family_planning", "maternal_child_health"]
        assert wang.unit.code == "431321101208" and wang.mode == "part"

    def test_a_gbk_csv_with_english_headers_and_chinese_dates(self):
        self.run_import("officers_gbk.csv")
        zhao = Appointment.objects.get(person__name="赵敏")
        assert (zhao.person.birth_date, zhao.start_on) == (day("1995-11-30"), day("2022-03-01"))

    def test_dry_run_writes_nothing(self):
        assert "检查通过（未写入）：新增任职5条" in self.run_import("officers.xlsx", "--dry-run")
        assert not Person.objects.exists()

    def test_a_second_import_changes_nothing(self):
        self.run_import("officers.xlsx")
        before = snapshot()
        assert "新增任职0条，更新0条，未变5条" in self.run_import("officers.xlsx")
        assert snapshot() == before

    def exported(self, *, reveal: bool) -> bytes:
        appointments = Appointment.objects.select_related("person", "unit", "post").prefetch_related("concurrent_roles")
        return export_xlsx(appointments, reveal_personal_data=reveal)

    def test_export_then_import_changes_nothing(self):
        self.run_import("officers.xlsx")
        self.run_import("officers_gbk.csv")
        before = snapshot()
        report = check_rows(read_spreadsheet(self.exported(reveal=True), "roster.xlsx"))
        assert report.valid and report.count("skip") == 6
        write(report)
        assert snapshot() == before

    def test_a_masked_export_read_back_keeps_the_stored_numbers(self):
        self.run_import("officers.xlsx")
        before = snapshot()
        content = self.exported(reveal=False)
        rows = read_spreadsheet(content, "roster.xlsx")
        assert {row["phone"] for row in rows} >= {"138****1234"}
        assert not any(str(row["phone"]) == "13800001234" for row in rows)
        report = check_rows(rows)
        assert report.valid, report.messages()
        write(report)
        assert snapshot() == before

    def test_two_people_with_the_same_name_stay_apart_and_ambiguity_is_refused(self):
        self.run_import("officers.xlsx")
        Person.objects.create(name="王桂兰", sex="F", birth_date=day("1968-07-01"))
        report = check_rows(
            [
                {
                    "name": "王桂兰",
                    "birth_date": "1968-07-01",
                    "unit_code": "431321101208",
                    "post": "执委",
                    "start_on": "2020-01-01",
                }
            ]
        )
        assert report.messages() == [
            "第2行，列“身份证号”：" + AMBIGUOUS_PERSON.format(count=2, name="王桂兰", birth_date="1968-07-01")
        ]


BAD_FILES = {
    "bad_check_digit.csv": ("身份证号", "校验位错误"),
    "bad_id_contradicts_birth.csv": (
        "身份证号",
        errors.ID_BIRTH_MISMATCH.format(encoded="1988-06-30", given="1988-06-29"),
    ),
    "bad_id_contradicts_sex.csv": ("身份证号", errors.ID_SEX_MISMATCH.format(encoded="女", given="男")),
    "bad_unknown_unit.csv": ("单位代码", UNKNOWN_UNIT.format(code="431321999999")),
    "bad_unknown_post.csv": (
        "职务",
        UNKNOWN_POST.format(value="秘书长", choices="主席、副主席、执委、妇女主任、妇代会主任、委员"),
    ),
    "bad_end_before_start.csv": (
        "任职结束",
        errors.APPOINTMENT_END_BEFORE_START.format(end_on="2021-12-31", start_on="2022-01-01"),
    ),
    "bad_phone_letters.csv": ("手机", errors.PHONE_FORMAT.format(value="1350000abcd")),
    "bad_bad_date.csv": ("任职开始", BAD_DATE.format(value="2022-13-01")),
    "bad_overlap.csv": ("任职开始", "时间重叠"),
}


class BadOfficerFilesTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=day("2016-03-08"))

    def test_each_bad_file_names_the_row_and_column_and_nothing_is_written(self):
        for name, (column, message) in BAD_FILES.items():
            with self.subTest(name), pytest.raises(CommandError) as exc:
                call_command("import_officers", str(FIXTURES / "officers" / name), stdout=StringIO())
            assert f"第3行，列“{column}”：" in str(exc.value), str(exc.value)
            assert message in str(exc.value)
            assert snapshot() == ([], [], [])

    def test_a_missing_column_is_named(self):
        with pytest.raises(CommandError) as exc:
            call_command("import_officers", str(FIXTURES / "officers" / "bad_missing_column.csv"), stdout=StringIO())
        assert "缺少列：单位代码、任职开始" in str(exc.value)

    def test_an_unsupported_file_type_is_refused(self):
        with pytest.raises(Exception, match="不支持的文件类型"):
            read_spreadsheet(b"x", "roster.pdf")


class OfficerAdminFlowTests(TreeTestCase):
    """Upload, preview and confirm through django-import-export's admin pages; export back."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        OrgUnit.objects.subtree(cls.heye).update(org_established_on=day("2016-03-08"))

    def setUp(self):
        self.client.force_login(self.superuser)

    def upload(self, name):
        with (FIXTURES / "officers" / name).open("rb") as handle:
            return self.client.post(reverse("admin:rosters_appointment_import"), {"import_file": handle, "format": "0"})

    def test_upload_preview_and_confirm(self):
        preview = self.upload("officers.xlsx")
        assert preview.status_code == 200
        result = preview.context["result"]
        assert not result.has_validation_errors() and result.totals["new"] == 5
        assert not Appointment.objects.exists()  # the preview wrote nothing
        confirm = preview.context["confirm_form"].initial
        response = self.client.post(reverse("admin:rosters_appointment_process_import"), confirm)
        assert response.status_code == 302
        assert Appointment.objects.count() == 5

    def test_a_changed_row_shows_what_it_replaces_with_personal_numbers_masked(self):
        from io import BytesIO

        from openpyxl import load_workbook

        self.client.post(
            reverse("admin:rosters_appointment_process_import"),
            self.upload("officers.xlsx").context["confirm_form"].initial,
        )
        content = export_xlsx(Appointment.objects.select_related("person", "unit", "post"), reveal_personal_data=True)
        book = load_workbook(BytesIO(content))
        sheet = book.active
        headers = [cell.value for cell in sheet[1]]
        rows = list(sheet.iter_rows(min_row=2))
        phones = [r[headers.index("手机")].value for r in rows]
        row = next(
            r for r in rows if r[headers.index("手机")].value and phones.count(r[headers.index("手机")].value) == 1
        )
        old_phone = row[headers.index("手机")].value
        row[headers.index("手机")].value = "13900009999"
        row[headers.index("任职结束")].value = "2026-12-31"
        out = BytesIO()
        book.save(out)
        out.name = "changed.xlsx"
        out.seek(0)
        preview = self.client.post(reverse("admin:rosters_appointment_import"), {"import_file": out, "format": "0"})
        result = preview.context["result"]
        changed = [r for r in result.preview_rows if r.kind == "update"]
        assert len(changed) == 1
        assert {label: count for label, count, _kind in result.summary}["未变"] == 4
        shown = dict(zip(result.diff_headers, changed[0].cells, strict=True))
        assert shown["手机"] == ("13900009999", old_phone[:3] + "****" + old_phone[-4:])
        assert shown["任职结束"] == ("2026-12-31", "")
        assert shown["姓名"][1] is None  # unchanged cells carry no "before"

    def test_a_bad_file_shows_row_and_column_errors_and_cannot_be_confirmed(self):
        preview = self.upload("bad_unknown_unit.csv")
        result = preview.context["result"]
        assert result.has_validation_errors()
        invalid = result.invalid_rows[0]
        assert invalid.number == 3
        assert invalid.field_specific_errors == {"单位代码": [UNKNOWN_UNIT.format(code="431321999999")]}
        assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
        assert not Appointment.objects.exists()

    def test_the_export_of_a_subtree_is_masked_without_the_permission(self):
        call_command("import_officers", str(FIXTURES / "officers" / "officers.xlsx"), stdout=StringIO())
        clerk = self.county_clerk
        from django.contrib.auth.models import Permission

        clerk.user_permissions.add(Permission.objects.get(codename="view_appointment"))
        self.client.force_login(clerk)
        village = OrgUnit.objects.get(code="431321101208")
        response = self.client.get(reverse("admin:rosters_appointment_export") + f"?subtree={village.pk}")
        rows = read_spreadsheet(response.content, "export.xlsx")
        assert [row["name"] for row in rows] == ["王桂兰"]
        self.client.force_login(self.superuser)
        rows = read_spreadsheet(self.client.get(reverse("admin:rosters_appointment_export")).content, "all.xlsx")
        assert len(rows) == 5 and "13800001234" in {str(row["phone"]) for row in rows}

    def test_the_outsider_cannot_import_or_export(self):
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("admin:rosters_appointment_import")).status_code == 403
        assert self.client.get(reverse("admin:rosters_appointment_export")).status_code == 403


class ExportSafetyTests(TreeTestCase):
    def test_a_name_that_looks_like_a_formula_stays_text(self):
        from io import BytesIO

        import openpyxl

        from rosters.services import appointment_create, person_create
        from tests.orgunits.test_roster import post

        OrgUnit.objects.filter(pk=self.heye.pk).update(org_established_on=day("2016-03-08"))
        names = ['=HYPERLINK("http://x")', "@SUM(A1)", "+1+2", "-3+4"]
        for number, name in enumerate(names, start=1):
            person = person_create(name=name, sex="F", birth_date=day(f"1990-01-0{number}"))
            appointment_create(person=person, unit=self.heye, post=post("执委"), start_on=day("2020-01-01"))
        content = export_xlsx(Appointment.objects.all(), reveal_personal_data=False)
        sheet = openpyxl.load_workbook(BytesIO(content)).active
        cells = [sheet.cell(row, 1) for row in range(2, 2 + len(names))]
        assert sorted((cell.value, cell.data_type) for cell in cells) == sorted((name, "s") for name in names)


class SamePersonTwiceTests(TreeTestCase):
    def test_one_identity_number_with_two_names_is_refused(self):
        OrgUnit.objects.filter(pk=self.heye.pk).update(org_established_on=day("2016-03-08"))
        from tests.orgunits.test_roster import id_number

        number = id_number("19850312")
        base = {"birth_date": "1985-03-12", "id_number": number, "unit_code": "431321101", "start_on": "2021-01-01"}
        report = check_rows([{**base, "name": "李秀英", "post": "主席"}, {**base, "name": "李秀瑛", "post": "执委"}])
        assert report.messages() == ["第3行，列“姓名”：" + SAME_PERSON_DIFFERS.format(other=2)]
