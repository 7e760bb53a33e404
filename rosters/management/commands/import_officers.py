from imports.import_command import SpreadsheetImportCommand
from rosters.officers import check_rows, rows_from_cells, write


class Command(SpreadsheetImportCommand):
    help = "导入人员任职表（.xlsx、.xls、.ods 或 .csv）。任何一行有错，整个文件都不导入。"
    command_name = "import_officers"

    def check_cells(self, cells, scope):
        rows = rows_from_cells(cells)
        report = check_rows(rows, scope=scope)
        report.unknown_headers = rows.unknown_headers
        return report

    def summary(self, report) -> str:
        text = f"新增任职{report.count('new')}条，更新{report.count('update')}条，未变{report.count('skip')}条"
        if report.people_created or report.people_updated:
            text += f"；新增人员{report.people_created}人，更新{report.people_updated}人"
        return text

    def write(self, report) -> None:
        write(report)
