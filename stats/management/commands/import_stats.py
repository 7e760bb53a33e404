from imports.import_command import SpreadsheetImportCommand
from stats import stats_import


class Command(SpreadsheetImportCommand):
    help = (
        "导入统计数据（.xlsx、.xls、.ods 或 .csv），长表（每行一个数）或宽表（每行一个单位）。"
        "任何一行有错，整个文件都不导入。"
    )
    command_name = "import_stats"

    def check_cells(self, cells, scope):
        plan = stats_import.check_table(*stats_import.read_table(cells), scope=scope)
        plan.unknown_headers = plan.table.unknown_headers
        return plan

    def summary(self, plan) -> str:
        shape = "宽表" if plan.shape == "wide" else "长表"
        return (
            f"{shape}{len(plan.rows)}行：新增数据{len(plan.to_create)}项，"
            f"修改{len(plan.to_update)}项，未变{plan.count('skip')}行"
        )

    def write(self, plan) -> None:
        stats_import.write(plan)
