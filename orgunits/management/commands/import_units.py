from access.scope import Scope
from imports.import_command import SpreadsheetImportCommand
from orgunits.unit_import import UnitImporter


class Command(SpreadsheetImportCommand):
    help = "导入单位表（.xlsx、.xls、.ods 或 .csv），行的顺序不限。任何一行有错，整个文件都不导入。"
    importer_class = UnitImporter
    scope_for_user = staticmethod(Scope.for_user)
