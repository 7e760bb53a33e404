from access.scope import Scope
from imports.import_command import SpreadsheetImportCommand
from stats.stats_import import StatsImporter


class Command(SpreadsheetImportCommand):
    help = (
        "导入统计数据（.xlsx、.xls、.ods 或 .csv），长表（每行一个数）或宽表（每行一个单位）。"
        "任何一行有错，整个文件都不导入。"
    )
    importer_class = StatsImporter
    scope_for_user = staticmethod(Scope.for_user)
