"""The import pipeline on its own, with a tiny importer of user accounts: table → plan → preview → write."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase

from imports.errors import REQUIRED_VALUE, ROW_ERROR, ROW_ERROR_NO_COLUMN, ROW_ERROR_NO_VALUE
from imports.pipeline import Importer, PlannedRow
from imports.resources import ImporterResource
from imports.spreadsheets import Column, plain_text

User = get_user_model()
NAME, FIRST = "用户名", "名字"
REFUSED = "这个用户名不能导入。"
NOT_YOURS = "不在您的范围内。"
CLASH = "写入时发现冲突。"


class AccountImporter(Importer):
    """Usernames with a first name: new accounts, or a changed first name; a scope is a set of usernames."""

    columns = [Column("username", NAME, required=True), Column("first_name", FIRST)]

    def plan_rows(self, plan, table, *, scope):
        stored = {user.username: user for user in User.objects.all()}
        for number, raw in table.rows:
            row = PlannedRow(number, raw)
            plan.rows.append(row)
            name, first = plain_text(raw.get("username")), plain_text(raw.get("first_name"))
            if not name:
                row.errors[NAME].append(REQUIRED_VALUE)
            elif name == "root":
                row.errors[""].append(REFUSED)
            elif scope is not None and name not in scope:
                row.errors[NAME].append(NOT_YOURS)
            elif name in stored:
                before = stored[name].first_name
                row.kind = "skip" if before == first else "update"
                if row.kind == "update":
                    row.changes[FIRST] = before

    def write_rows(self, plan):
        for row in plan.rows:
            name, first = plain_text(row.raw["username"]), plain_text(row.raw.get("first_name"))
            if first == "冲突":  # something the checks could not foresee, found halfway through
                raise ValidationError(CLASH)
            if row.kind == "new":
                User.objects.create(username=name, first_name=first)
            elif row.kind == "update":
                User.objects.filter(username=name).update(first_name=first)


class AccountResource(ImporterResource):
    importer_class = AccountImporter
    scope_for_user = staticmethod(lambda user: None)

    class Meta:
        name = "账号表"


def planned(cells, scope=None):
    importer = AccountImporter()
    return importer, importer.plan(importer.read(cells), scope=scope)


class PipelineTests(TestCase):
    def setUp(self):
        User.objects.create(username="wang", first_name="桂兰")

    def test_a_title_row_is_skipped_and_rows_keep_their_numbers_and_kinds(self):
        _importer, plan = planned(
            [["账号导入"], [NAME, FIRST, "备注"], ["li", "秀英"], ["wang", "桂兰"], ["wang", "兰"]]
        )
        assert [(row.number, row.kind) for row in plan.rows] == [(3, "new"), (4, "skip"), (5, "update")]
        assert plan.unknown_headers == ["备注"]
        assert plan.valid and plan.messages() == []

    def test_every_row_error_is_written_by_the_one_formatter(self):
        _importer, plan = planned([[NAME, FIRST], ["", "无名"], ["root", ""], ["zhao", "燕"]], scope={"wang"})
        assert [row.kind for row in plan.rows] == ["invalid", "invalid", "invalid"]
        assert plan.messages() == [
            ROW_ERROR_NO_VALUE.format(row=2, column=NAME, message=REQUIRED_VALUE),
            ROW_ERROR_NO_COLUMN.format(row=3, message=REFUSED),
            ROW_ERROR.format(row=4, column=NAME, value="zhao", message=NOT_YOURS),
        ]

    def test_an_importer_that_keeps_values_out_of_its_errors_names_the_column_only(self):
        class Discreet(AccountImporter):
            quotes_values = False

        importer = Discreet()
        plan = importer.plan(importer.read([[NAME], ["zhao"]]), scope=set())
        assert plan.messages() == [ROW_ERROR_NO_VALUE.format(row=2, column=NAME, message=NOT_YOURS)]

    def test_a_plan_with_any_error_writes_nothing(self):
        importer, plan = planned([[NAME, FIRST], ["li", "秀英"], ["", "无名"]])
        with pytest.raises(ValidationError) as refused:
            importer.write(plan)
        assert refused.value.messages == plan.messages()
        assert not User.objects.filter(username="li").exists()

    def test_a_write_that_fails_halfway_is_rolled_back(self):
        importer, plan = planned([[NAME, FIRST], ["li", "秀英"], ["wang", "兰"], ["zhao", "冲突"]])
        assert plan.valid
        with pytest.raises(ValidationError):
            importer.write(plan)
        assert list(User.objects.values_list("username", "first_name")) == [("wang", "桂兰")]

    def test_a_valid_plan_is_written_whole(self):
        importer, plan = planned([[NAME, FIRST], ["li", "秀英"], ["wang", "兰"]])
        importer.write(plan)
        assert dict(User.objects.values_list("username", "first_name")) == {"wang": "兰", "li": "秀英"}
        assert importer.summary(plan) == "新增1行，修改1行，未变0行"


class AdapterTests(TestCase):
    def setUp(self):
        User.objects.create(username="wang", first_name="桂兰")

    def test_the_preview_shows_each_change_beside_the_stored_value_and_writes_nothing(self):
        result = AccountResource().import_data([[NAME, FIRST], ["wang", "兰"], ["li", "秀英"]], dry_run=True)
        assert result.diff_headers == [NAME, FIRST]
        assert [(row.number, row.label, row.cells) for row in result.preview_rows] == [
            (3, "新增", [("li", None), ("秀英", None)]),
            (2, "修改", [("wang", None), ("兰", "桂兰")]),
        ]
        assert [(label, count) for label, count, _kind in result.summary] == [
            ("新增", 1),
            ("修改", 1),
            ("未变", 0),
            ("错误", 0),
        ]
        assert User.objects.get(username="wang").first_name == "桂兰"
        assert not User.objects.filter(username="li").exists()

    def test_confirming_writes_and_an_unforeseen_conflict_is_reported_with_nothing_written(self):
        AccountResource().import_data([[NAME, FIRST], ["li", "秀英"]], dry_run=False)
        assert User.objects.filter(username="li").exists()
        result = AccountResource().import_data([[NAME, FIRST], ["zhao", "燕"], ["sun", "冲突"]], dry_run=False)
        assert [str(error.error) for error in result.base_errors] == [CLASH]
        assert not User.objects.filter(username="zhao").exists()

    def test_errors_are_listed_and_a_file_without_a_header_is_refused(self):
        result = AccountResource().import_data([[NAME, FIRST], ["root", ""]], dry_run=True)
        assert result.error_messages == [ROW_ERROR_NO_COLUMN.format(row=2, message=REFUSED)]
        assert result.has_validation_errors()
        refused = AccountResource().import_data([["甲", "乙"]], dry_run=True)
        assert refused.has_errors() and not refused.preview_rows
