from access.scope import Scope
from activities.honour_import import HonourImporter
from imports.import_command import SpreadsheetImportCommand


class Command(SpreadsheetImportCommand):
    help = "导入荣誉表（.xlsx、.xls、.ods 或 .csv）。任何一行有错，整个文件都不导入。"
    importer_class = HonourImporter
    scope_for_user = staticmethod(Scope.for_user)
