from imports.import_command import SpreadsheetImportCommand
from imports.spreadsheets import find_table
from orgunits.unit_import import COLUMNS, check_table, write


class Command(SpreadsheetImportCommand):
    help = "导入单位表（.xlsx、.xls、.ods 或 .csv），行的顺序不限。任何一行有错，整个文件都不导入。"
    command_name = "import_units"

    def check_cells(self, cells, scope):
        return check_table(find_table(cells, COLUMNS), scope=scope)

    def summary(self, plan) -> str:
        moves = sum(1 for row in plan.rows if row.kind == "update" and row.moves)
        return (
            f"新增{plan.count('new')}个，修改{plan.count('update')}个，未变{plan.count('skip')}个（其中移动{moves}个）"
        )

    def write(self, plan) -> None:
        write(plan)
