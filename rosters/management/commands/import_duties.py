from access.scope import Scope
from imports.import_command import SpreadsheetImportCommand
from rosters.duty_import import DutyImporter


class Command(SpreadsheetImportCommand):
    help = "导入执委履职表（.xlsx、.xls、.ods 或 .csv）。任何一行有错，整个文件都不导入。"
    importer_class = DutyImporter
    scope_for_user = staticmethod(Scope.for_user)
