"""The demo data beyond the division tree: who sits on which women's organisation since when, the
statistics, the survey reports and the settings they need. load_demo builds the tree, then this.

Everything is planned from the fixture files and seeded generators (never from the database), then
written through the services and the importers' checked bulk paths, filling in only what is missing:
a second run plans the same and writes nothing.
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission

from orgunits.loader import read_divisions
from registry.demo.activities import apply_activities
from registry.demo.dates import DEMO_TODAY
from registry.demo.duties import apply_duties
from registry.demo.facilities import apply_facilities
from registry.demo.figures import apply_figures
from registry.demo.form_changes import apply_form_changes
from registry.demo.organisations import apply_organisations, county_plans, ensure_agency_rule, read_hosts
from registry.demo.rosters import pick_specials, shuangfeng_roster, xianghe_roster
from registry.demo.seats import apply_officers, apply_terms
from registry.demo.surveys import apply_surveys

__all__ = ["DEMO_TODAY", "Built", "build"]


@dataclass
class Built:
    organisations: int = 0
    form_changes: int = 0
    terms: int = 0
    appointments: int = 0
    people: int = 0
    figures: int = 0
    reports: int = 0
    facilities: int = 0
    activities: int = 0
    honours: int = 0
    duties: int = 0

    def summary(self) -> str:
        return (
            f"妇女组织变动{self.organisations}个、组织形式变更{self.form_changes}个、届次{self.terms}个、"
            f"任职{self.appointments}条（新增人员{self.people}人）、统计数据{self.figures}项、阵地{self.facilities}个、"
            f"调研报告{self.reports}份、活动{self.activities}项、荣誉{self.honours}项、履职记录{self.duties}条"
        )


def build(directory: Path, *, groups: dict[str, dict[str, list[str]]]) -> Built:
    """groups: name -> {app label: permission codenames}, for the roles a manager hands out."""
    plans = {
        plan.code: plan
        for plan in county_plans(read_divisions(directory / "divisions"), read_hosts(directory / "hosts.csv"))
    }
    shuangfeng, xianghe = plans["431321"], plans["131024"]
    built = Built()
    ensure_agency_rule()
    built.organisations = apply_organisations(list(plans.values()))
    built.form_changes = apply_form_changes(list(plans.values()))
    rosters = [shuangfeng_roster(shuangfeng, pick_specials(shuangfeng)), xianghe_roster(xianghe)]
    built.terms = apply_terms(rosters)
    built.appointments, built.people = apply_officers(rosters)
    built.duties = apply_duties(rosters[0])
    built.figures = apply_figures(shuangfeng)
    built.facilities = apply_facilities(shuangfeng)
    built.activities, built.honours = apply_activities()
    _ensure_groups(groups)
    built.reports = apply_surveys(directory / "surveys")
    return built


def _ensure_groups(groups: dict[str, dict[str, list[str]]]) -> None:
    for name, perms in groups.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codenames in perms.items():
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
