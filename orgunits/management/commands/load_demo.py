import csv
import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from orgunits.loader import load_divisions, read_divisions
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_create
from registry.audit import audit_source

DEMO_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "fulian-demo-2026"


class Command(BaseCommand):
    help = "载入演示数据：双峰县、香河县的区划树及若干机关、事业单位、企业；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--superuser", action="store_true", help="同时创建演示管理员账号")

    @transaction.atomic
    def handle(self, *args, superuser: bool, **options):
        with audit_source("命令 load_demo"):
            result = load_divisions(read_divisions(DEMO_DIR / "divisions"))
            created_hosts = self._load_hosts(DEMO_DIR / "hosts.csv")
        self.stdout.write(
            f"演示数据：新增区划{result.created}个、机关企事业单位{created_hosts}个；"
            f"共{OrgUnit.objects.count()}个单位。"
        )
        if superuser:
            self._ensure_superuser()

    def _load_hosts(self, path: Path) -> int:
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        created = 0
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if OrgUnit.objects.filter(code=row["code"]).exists():
                    continue
                established = row["org_established_on"]
                unit_create(
                    parent=OrgUnit.objects.get(code=row["parent_code"]),
                    code=row["code"],
                    name=row["name"],
                    kind=kinds[row["kind"]],
                    org_established_on=datetime.date.fromisoformat(established) if established else None,
                )
                created += 1
        return created

    def _ensure_superuser(self):
        users = get_user_model()
        if users.objects.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(f"演示管理员已存在：用户名 {DEMO_USERNAME}（密码未改动，初始为 {DEMO_PASSWORD}）")
            return
        users.objects.create_superuser(DEMO_USERNAME, "admin@example.com", DEMO_PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"演示管理员：用户名 {DEMO_USERNAME}，密码 {DEMO_PASSWORD}"))
