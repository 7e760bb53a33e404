"""What the import commands share: the file, --dry-run, --user and its scope, Chinese errors."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from imports.audit import audit_source
from imports.commands import RegistryCommand
from imports.errors import SpreadsheetError
from imports.pipeline import Importer
from imports.readers import read_upload

FILE_MISSING = "文件不存在：{path}"
UNKNOWN_HEADERS = "注意：以下列无法识别，未导入：{headers}。"
FILE_HAS_ERRORS = "文件有错，未导入任何数据：\n{errors}"
NOT_IMPORTED = "未导入任何数据：{reasons}"
CHECKED = "检查通过（未写入）：{summary}。"
IMPORTED = "已导入：{summary}。"


class SpreadsheetImportCommand(RegistryCommand):
    """Every import_* command: a subclass names its `importer_class`, how a user becomes a scope
    (`scope_for_user`), and its help."""

    importer_class: type[Importer] = Importer
    scope_for_user = None

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="要导入的文件：.xlsx、.xls、.ods 或 .csv")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="以该用户的管辖范围导入：范围外的单位算错误")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        scope = self.scope_for_user(self.find_user(user)) if user else None
        if not file.exists():
            raise CommandError(FILE_MISSING.format(path=file))
        with self.reading(file):
            content = file.read_bytes()
        importer = self.importer_class()
        try:
            plan = importer.plan(importer.read(read_upload(content, file.name)), scope=scope)
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from exc
        if plan.unknown_headers:
            self.stderr.write(UNKNOWN_HEADERS.format(headers="、".join(plan.unknown_headers)))
        if not plan.valid:
            raise CommandError(FILE_HAS_ERRORS.format(errors="\n".join(plan.messages())))
        for note in plan.notes():
            self.stdout.write(note)
        if dry_run:
            self.stdout.write(CHECKED.format(summary=importer.summary(plan)))
            return
        try:
            with audit_source(f"命令 {self.command_name} {file.name}"):
                importer.write(plan)
        except ValidationError as exc:  # a conflict the checks could not foresee; the write was rolled back
            raise CommandError(NOT_IMPORTED.format(reasons="；".join(exc.messages))) from exc
        self.stdout.write(self.style.SUCCESS(IMPORTED.format(summary=importer.summary(plan))))

    @property
    def command_name(self) -> str:
        return type(self).__module__.rsplit(".", 1)[-1]
