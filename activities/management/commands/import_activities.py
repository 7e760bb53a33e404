from access.scope import Scope
from activities.activity_import import ActivityImporter
from imports.import_command import SpreadsheetImportCommand


class Command(SpreadsheetImportCommand):
    help = "导入活动表（.xlsx、.xls、.ods 或 .csv）。任何一行有错，整个文件都不导入。"
    importer_class = ActivityImporter
    scope_for_user = staticmethod(Scope.for_user)
