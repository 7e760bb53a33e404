from access.scope import Scope
from imports.import_command import SpreadsheetImportCommand
from rosters.officers import OfficerImporter


class Command(SpreadsheetImportCommand):
    help = "导入人员任职表（.xlsx、.xls、.ods 或 .csv）。任何一行有错，整个文件都不导入。"
    importer_class = OfficerImporter
    scope_for_user = staticmethod(Scope.for_user)
