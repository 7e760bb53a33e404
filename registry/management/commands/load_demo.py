import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import CommandError
from django.db import transaction

from access.models import Assignment
from imports.audit import audit_source
from imports.commands import RegistryCommand
from orgunits.loader import DivisionLoadError, load_divisions, read_divisions
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_create
from registry.demo import build as build_demo
from registry.demo.division_change import demo_division_change

DEMO_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
DEMO_REFUSED = "演示数据未载入：{errors}"
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "fulian-demo-2026"


def _perms(actions: tuple[str, ...], models: tuple[str, ...]) -> list[str]:
    return [f"{action}_{model}" for action in actions for model in models]


EDIT = ("view", "add", "change", "delete")
# What a county or township clerk works with; the scope (Assignment) limits where.
CLERK_PERMS = {
    "orgunits": [*_perms(EDIT, ("orgunit", "orgformchange")), *_perms(("view",), ("unitkind",))],
    "rosters": [
        *_perms(EDIT, ("person", "term", "appointment", "dutyrecord", "agebandset", "educationgroupset")),
        *_perms(("view",), ("post", "concurrentrole", "dutytype")),
    ],
    "stats": [
        *_perms(("view", "add", "change"), ("datavalue",)),
        *_perms(("view",), ("dataelement", "validationrule", "indicator", "eligibilityrule")),
    ],
    "facilities": [*_perms(EDIT, ("facility",)), *_perms(("view",), ("facilitykind",))],
    "reports": _perms(("view", "add", "change"), ("surveyreport",)),
    "activities": [*_perms(EDIT, ("activity", "honour", "campaign")), *_perms(("view",), ("activitytype",))],
}
# A manager also hands out scopes inside her county.
MANAGER_PERMS = {**CLERK_PERMS, "access": _perms(EDIT, ("assignment",))}
# The same sets as groups, for the accounts a county manager creates.
DEMO_GROUPS = {"妇联管理员": MANAGER_PERMS, "妇联填报员": CLERK_PERMS}


@dataclass(frozen=True)
class Persona:
    username: str
    unit_code: str
    role: str
    description: str
    perms: dict[str, list[str]]


DEMO_PERSONAS = (
    Persona("shuangfeng", "431321", Assignment.Role.MANAGER, "双峰县妇联，管理全县", MANAGER_PERMS),
    Persona("yongfeng", "431321001", Assignment.Role.EDITOR, "永丰街道妇联，填报本街道", CLERK_PERMS),
)


class Command(RegistryCommand):
    help = (
        "载入演示数据：双峰县、香河县的区划树、若干机关事业单位和企业、妇女组织、干部任职和换届、"
        "两年的统计数据和调研报告；可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--superuser", action="store_true", help="同时创建演示管理员账号")
        parser.add_argument(
            "--personas", action="store_true", help="同时创建演示工作人员账号：双峰县妇联管理员、永丰街道填报员"
        )

    @transaction.atomic
    def handle(self, *args, superuser: bool, personas: bool = False, **options):
        with audit_source("命令 load_demo"):
            try:
                result = load_divisions(read_divisions(DEMO_DIR / "divisions"))
            except DivisionLoadError as exc:  # the database already holds other units under the demo codes
                raise CommandError(DEMO_REFUSED.format(errors="\n".join(exc.messages))) from exc
            created_hosts = self._load_hosts(DEMO_DIR / "hosts.csv")
            built = build_demo(DEMO_DIR, groups=DEMO_GROUPS)
            changed = demo_division_change(DEMO_DIR / "division-change")
        self.stdout.write(
            f"演示数据：新增区划{result.created}个、机关企事业单位{created_hosts}个；"
            f"共{OrgUnit.objects.count()}个单位。{built.summary()}。"
        )
        if changed:
            self.stdout.write(f"娄星区按2022版区划载入后调整到2023版：{changed}")
        if superuser:
            self._ensure_superuser()
        if personas:
            for persona in DEMO_PERSONAS:
                self._ensure_persona(persona)

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

    def _ensure_persona(self, persona: Persona):
        """A staff account with its permissions and its one assignment; an existing account keeps its
        password, and gets back the permissions and the assignment if they were taken away."""
        users = get_user_model()
        user = users.objects.filter(username=persona.username).first()
        created = user is None
        if created:
            user = users.objects.create_user(persona.username, f"{persona.username}@example.com", DEMO_PASSWORD)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        for app_label, codenames in persona.perms.items():
            user.user_permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
        with audit_source("命令 load_demo"):
            Assignment.objects.get_or_create(
                user=user, unit=OrgUnit.objects.get(code=persona.unit_code), defaults={"role": persona.role}
            )
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示账号（{persona.description}）：用户名 {persona.username}，密码 {DEMO_PASSWORD}"
                )
            )
        else:
            self.stdout.write(f"演示账号已存在：用户名 {persona.username}（{persona.description}；密码未改动）")
