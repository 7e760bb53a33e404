from access.scope import Scope
from imports.import_command import SpreadsheetImportCommand
from orgunits.form_import import FormChangeImporter


class Command(SpreadsheetImportCommand):
    help = (
        "导入妇女组织形式变更（会改联）记录（.xlsx、.xls、.ods 或 .csv）：单位代码、变更日期、原组织形式、"
        "新组织形式、说明。任何一行有错，整个文件都不导入。"
    )
    importer_class = FormChangeImporter
    scope_for_user = staticmethod(Scope.for_user)
