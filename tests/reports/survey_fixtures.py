"""A second county for survey reports: incomplete coverage, two years of figures and a few officers.

缺口县 (980101) has 3 townships, each with 10 villages and 1 community. Organisations exist since 2010
except in the first three villages of 第2镇 (never) and the first village of 第3镇 (since June 2012).
So at the end of 2012: 33 of 36 units below the county (91.7%), 第2镇 at 75%; a year earlier 32 of 36.
"""

import datetime

from django.contrib.auth.models import Permission

from orgunits.loader import Division, load_divisions
from orgunits.models import OrgUnit
from rosters.models import Appointment, ConcurrentRole, Person, Post, Term
from stats.services import datavalues_save
from tests.base import DOMAIN_APPS

COUNTY = "980101"
YEAR = 2012
ESTABLISHED = datetime.date(2010, 3, 8)

FIGURES = {
    2011: {
        "population": (120_000, 58_500),
        "cadres": (100, 20),
        "npc_deputies": (210, 42),
        "training_sessions": (40, None),
        "complaints_received": (30, None),
        "complaints_resolved": (30, None),
    },
    2012: {
        "population": (120_000, 59_000),
        "cadres": (110, 22),
        "npc_deputies": (200, 40),
        "training_sessions": (50, None),
        "trainees": (8000, 7000),
        "complaints_received": (40, None),
        "complaints_resolved": (36, None),
    },
}


def township_code(n: int) -> str:
    return f"{COUNTY}{100 + n:03d}"


def village_code(township: int, n: int) -> str:
    return f"{township_code(township)}{200 + n:03d}"


def gap_divisions() -> list[Division]:
    divisions = [
        Division("98", "缺口省", "province", None),
        Division("9801", "缺口市", "city", "98"),
        Division(COUNTY, "缺口县", "county", "9801"),
    ]
    for t in (1, 2, 3):
        divisions.append(Division(township_code(t), f"第{t}镇", "township", COUNTY))
        divisions += [Division(village_code(t, n), f"{t}镇{n}村", "village", township_code(t)) for n in range(1, 11)]
        divisions.append(Division(f"{township_code(t)}001", f"{t}镇社区", "community", township_code(t)))
    return divisions


def build_gap_county() -> OrgUnit:
    load_divisions(gap_divisions())
    county = OrgUnit.objects.get(code=COUNTY)
    OrgUnit.objects.subtree(county).update(org_established_on=ESTABLISHED)
    OrgUnit.objects.filter(code__in=[village_code(2, n) for n in (1, 2, 3)]).update(org_established_on=None)
    OrgUnit.objects.filter(code=village_code(3, 1)).update(org_established_on=datetime.date(2012, 6, 1))
    for year, values in FIGURES.items():
        datavalues_save(unit=county, period=str(year), values=values)
    add_officers()
    return county


def add_officers() -> None:
    """第1镇: a full-time chair; four village women's directors (all in a village committee, two of
    them 三位一体), one of whom started in 2012. An overdue term in 第2镇."""
    roles = {role.code: role for role in ConcurrentRole.objects.all()}
    chair, director = Post.objects.get(name="主席"), Post.objects.get(name="妇女主任")
    start = datetime.date(2011, 1, 1)
    township = OrgUnit.objects.get(code=township_code(1))
    head = Person.objects.create(
        name="王芳", birth_date=datetime.date(1975, 5, 1), education="大学本科", political_status="中共党员"
    )
    Appointment.objects.create(person=head, unit=township, post=chair, start_on=start, mode="full")
    for n in range(1, 5):
        person = Person.objects.create(
            name=f"李{n}",
            birth_date=datetime.date(1985 + n, 1, 1),
            education="高中",
            political_status="中共党员" if n % 2 else "群众",
        )
        appointment = Appointment.objects.create(
            person=person,
            unit=OrgUnit.objects.get(code=village_code(1, n)),
            post=director,
            start_on=datetime.date(2012, 3, 1) if n == 4 else start,
        )
        chosen = ["village_committee"] + (["family_planning", "maternal_child_health"] if n <= 2 else [])
        appointment.concurrent_roles.set([roles[code] for code in chosen])
    Term.objects.create(
        unit=OrgUnit.objects.get(code=township_code(2)),
        ordinal=1,
        elected_on=datetime.date(2005, 1, 1),
        due_on=datetime.date(2010, 1, 1),
    )


SURVEY_PERMS = ("view_surveyreport", "add_surveyreport", "change_surveyreport", "delete_surveyreport")


def grant_survey_perms(user, codenames=SURVEY_PERMS):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS, codename__in=codenames)
    )
    return user
