"""Which women's organisations the demo has, and since when.

Most village and community organisations date from the 2017 reform; every seventh village (by code)
had none then. Some of those set theirs up in 2024, 2025 or 2026, so the coverage pages and the
reports have changes to show year on year; a few villages were merged into their neighbours (closed,
their organisations dissolved with them); and a few organisations exist on paper only.

The plan is made from the fixture files alone, never from the database, so a second run plans the
same. Writing fills only what is blank: a date a user has set is hers.
"""

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError

from imports.spreadsheets import Table
from orgunits import unit_import
from orgunits.loader import Division
from orgunits.models import OrgUnit, UnitKind
from orgunits.services import unit_close
from registry.demo.dates import REFORM, between, seeded
from stats.models import DataElement, EligibilityRule

COUNTY_FEDERATIONS = {"431321": datetime.date(1951, 3, 8), "131024": datetime.date(1950, 3, 8)}
# Township federations since the townships were re-established (撤社建乡, 1984); streets are newer.
TOWNSHIP_FEDERATION = datetime.date(1984, 3, 8)
STREET_FEDERATION = datetime.date(2014, 3, 8)
# Organisations set up this late have had no founding meeting yet: nobody holds a post.
FOUNDING_PENDING_AFTER = datetime.date(2026, 9, 1)
CONFLICT = "演示数据与库中已有的数据冲突，未载入：\n{errors}"


@dataclass(frozen=True)
class CountySettings:
    # (first day, last day, how many): villages without an organisation that set one up in that time
    late: tuple[tuple[datetime.date, datetime.date, int], ...]
    paper: int  # organisations since the reform that never had officers (有组织无人员)
    closures: tuple[tuple[datetime.date, int], ...]  # (day, how many villages merged into a neighbour)


SETTINGS = {
    "431321": CountySettings(
        late=(
            (datetime.date(2024, 2, 20), datetime.date(2024, 11, 30), 8),
            (datetime.date(2025, 2, 20), datetime.date(2025, 11, 30), 8),
            (datetime.date(2026, 1, 10), datetime.date(2026, 7, 31), 5),
            (FOUNDING_PENDING_AFTER, datetime.date(2026, 11, 20), 4),
        ),
        paper=3,
        closures=((datetime.date(2025, 6, 30), 2), (datetime.date(2026, 3, 31), 1)),
    ),
    "131024": CountySettings(late=((datetime.date(2025, 3, 1), datetime.date(2025, 10, 31), 2),), paper=0, closures=()),
}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    kind: str
    level: int  # 0 the county, 1 a township (or street, or development zone), 2 a village or community
    township: str  # the township's code, for a village; its own code for a township


@dataclass(frozen=True)
class Host:
    code: str
    name: str
    kind: str
    parent_code: str
    established: datetime.date | None
    dissolved: datetime.date | None


@dataclass
class CountyPlan:
    code: str
    areas: list[Area]
    hosts: list[Host]
    established: dict[str, datetime.date] = field(default_factory=dict)
    dissolved: dict[str, datetime.date] = field(default_factory=dict)
    closed: dict[str, datetime.date] = field(default_factory=dict)
    paper: set[str] = field(default_factory=set)

    def villages(self) -> list[Area]:
        return [area for area in self.areas if area.level == 2]

    def townships(self) -> list[Area]:
        return [area for area in self.areas if area.level == 1]

    def has_officers(self, code: str) -> bool:
        """Whether the organisation is staffed at all: established, not on paper only, past its founding meeting."""
        established = self.established.get(code)
        return bool(established) and code not in self.paper and established < FOUNDING_PENDING_AFTER

    def regular_villages(self) -> list[Area]:
        """Villages organised since the reform, staffed, never merged: the ones special cases are drawn from."""
        return [
            v
            for v in self.villages()
            if self.established.get(v.code) == REFORM and v.code not in self.paper and v.code not in self.closed
        ]


def read_hosts(path: Path) -> list[Host]:
    with path.open(encoding="utf-8") as handle:
        return [
            Host(
                row["code"],
                row["name"],
                row["kind"],
                row["parent_code"],
                _date(row["org_established_on"]),
                _date(row.get("org_dissolved_on") or ""),
            )
            for row in csv.DictReader(handle)
        ]


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def county_plans(divisions: list[Division], hosts: list[Host]) -> list[CountyPlan]:
    return [_county_plan(code, divisions, hosts) for code in SETTINGS]


def _county_plan(county: str, divisions: list[Division], hosts: list[Host]) -> CountyPlan:
    areas = [Area(county, "", "county", 0, county)]
    for division in divisions:
        if division.code.startswith(county) and len(division.code) == 9:
            areas.append(Area(division.code, division.name, division.kind, 1, division.code))
        elif division.code.startswith(county) and len(division.code) == 12:
            areas.append(Area(division.code, division.name, division.kind, 2, division.parent_code))
    areas.sort(key=lambda area: area.code)
    plan = CountyPlan(county, areas, [h for h in hosts if h.parent_code.startswith(county)])
    settings = SETTINGS[county]
    plan.established[county] = COUNTY_FEDERATIONS[county]
    for township in plan.townships():
        plan.established[township.code] = STREET_FEDERATION if township.kind == "street" else TOWNSHIP_FEDERATION
    gaps = []
    for village in plan.villages():
        if int(village.code) % 7 == 0:
            gaps.append(village.code)
        else:
            plan.established[village.code] = REFORM
    rng = seeded("organisations", county)
    rng.shuffle(gaps)
    for first, last, count in settings.late:
        for code in gaps[:count]:
            plan.established[code] = between(rng, first, last)
        gaps = gaps[count:]
    regular = [v.code for v in plan.regular_villages()]
    rng.shuffle(regular)
    plan.paper = set(regular[: settings.paper])
    regular = regular[settings.paper :]
    for day, count in settings.closures:
        for code in regular[:count]:
            plan.closed[code] = day
        regular = regular[count:]
    for host in plan.hosts:
        if host.established:
            plan.established[host.code] = host.established
        if host.dissolved:
            plan.dissolved[host.code] = host.dissolved
    return plan


def apply_organisations(plans: list[CountyPlan]) -> int:
    """Fill the blank organisation dates through the unit importer's bulk path, then close the merged
    villages. Returns the number of units changed."""
    wanted: dict[str, tuple[datetime.date | None, datetime.date | None]] = {}
    for plan in plans:
        for code, day in plan.established.items():
            wanted[code] = (day, plan.dissolved.get(code))
    units = OrgUnit.objects.filter(code__in=wanted).select_related("kind").in_bulk(field_name="code")
    rows = []
    for code, unit in sorted(units.items()):
        established = unit.org_established_on or wanted[code][0]
        dissolved = unit.org_dissolved_on or wanted[code][1]
        if (established, dissolved) != (unit.org_established_on, unit.org_dissolved_on):
            rows.append(
                {
                    "code": code,
                    "name": unit.name,
                    "kind": unit.kind.code,
                    "org_established_on": established,
                    "org_dissolved_on": dissolved,
                }
            )
    changed = 0
    if rows:
        fields = ("code", "name", "kind", "org_established_on", "org_dissolved_on")
        columns = [column for column in unit_import.COLUMNS if column.field in fields]
        checked = unit_import.check_table(Table(1, columns, list(enumerate(rows, start=2))))
        if not checked.valid:
            raise CommandError(CONFLICT.format(errors="\n".join(checked.messages())))
        changed = unit_import.write(checked).updated
    for plan in plans:
        for code, day in sorted(plan.closed.items()):
            unit = units.get(code)
            if unit is not None and unit.closed_on is None:
                changed += unit_close(unit=unit, closed_on=day)
    return changed


def ensure_agency_rule() -> None:
    """Agencies count for coverage only with at least 6 women on the staff (report 1: "有6名以上女干部职工的
    县直机关单位均建立了妇委会"); the demo's agencies report their staff for that."""
    agency = UnitKind.objects.get(code="agency")
    if not EligibilityRule.objects.filter(kind=agency).exists():
        EligibilityRule.objects.create(
            kind=agency,
            element=DataElement.objects.get(code="staff"),
            part=EligibilityRule.Part.FEMALE,
            minimum=6,
        )
