from access.scope import Scope
from facilities.facility_import import FacilityImporter
from imports.import_command import SpreadsheetImportCommand


class Command(SpreadsheetImportCommand):
    help = (
        "导入阵地（妇女之家、儿童之家、巾帼书屋等；.xlsx、.xls、.ods 或 .csv），列为单位代码、阵地类型、名称、"
        "启用日期、停用日期、备注。任何一行有错，整个文件都不导入。"
    )
    importer_class = FacilityImporter
    scope_for_user = staticmethod(Scope.for_user)
