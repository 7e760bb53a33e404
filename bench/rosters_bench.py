"""Benchmark section `rosters`: rosters at national scale (issue 18), on 山东's 1.1 million appointments.

Seeds 山东 (bench/roster_seed.py) unless a kept seed is there, then times, each beside a raw SQL
baseline measured in the same run: roster_stats for the largest county and for the province, each
worklist's first page for the province (sliced and counted as its page does), and the person search
(the admin changelist and the autocomplete, as a clerk types a name) for a superuser and for a clerk
scoped to 山东. The seed is removed at the end unless --keep-rosters is given.
"""

import statistics
import time
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import OperationalError, transaction
from roster_seed import PROVINCE_CODE, execute, remove_seed, seed, seeded

from orgunits.models import OrgUnit

ON = date(2025, 6, 30)
COUNTY_CODE = "370481"  # 滕州市, 山东's county with the most villages (1,180)
COUNTY_BUDGET_MS, PROVINCE_BUDGET_MS, PAGE_BUDGET_MS, SEARCH_BUDGET_MS = 50, 1000, 300, 300
REPEATS, PROVINCE_REPEATS = 7, 3
TIMEOUT_S = 60  # a plan gone wrong must not hang the whole bench
SCOPED_USERNAME = "bench-shandong"
SEARCH_TERMS = ("张", "张秀", "张秀英")
SCOPED_PERMS = ("view_orgunit", "view_person", "view_appointment", "change_appointment", "change_person")


def raw_grouped_count(unit: OrgUnit) -> list[tuple]:
    """What any roster count must at least do: join the active appointments of the subtree to their
    people and group them (by post and sex)."""
    return execute(
        "SELECT a.post_id, p.sex, count(*) FROM orgunits_appointment a "
        "JOIN orgunits_orgunit u ON u.id = a.unit_id JOIN orgunits_person p ON p.id = a.person_id "
        "WHERE u.path >= %s AND u.path < %s AND a.start_on <= %s AND (a.end_on IS NULL OR a.end_on >= %s) "
        "GROUP BY 1, 2",
        [unit.path, unit.path + "~", ON, ON],
    )


def raw_first_page(unit: OrgUnit) -> list[tuple]:
    """The floor of a worklist page: the subtree's first 50 established organisations, and their count."""
    where = "WHERE path >= %s AND path < %s AND org_established_on <= %s"
    params = [unit.path, unit.path + "~", ON]
    execute(f"SELECT * FROM orgunits_orgunit {where} ORDER BY path LIMIT 50", params)
    return execute(f"SELECT count(*) FROM orgunits_orgunit {where}", params)


def raw_name_prefix(term: str) -> list[tuple]:
    return execute("SELECT * FROM orgunits_person WHERE name LIKE %s ORDER BY name, birth_date LIMIT 100", [term + "%"])


class Timer:
    """The shared helpers of bench/run.py (passed in, as run.py imports this module)."""

    def __init__(self, section, row_class, samples_ms, summary_ms, ms, times):
        self.section, self.row = section, row_class
        self.samples_ms, self.summary_ms, self.ms, self.times = samples_ms, summary_ms, ms, times

    def compare(self, label, action, baseline, baseline_label, budget, repeats=REPEATS, prepare=None):
        """A row: the action's median / p95 beside the baseline's median, checked against the budget
        (none: a figure shown for comparison). `prepare` runs untimed before each sample."""
        taken = self.timed_or_none(action, repeats, prepare)
        base = statistics.median(self.samples_ms(baseline, repeats))
        if taken is None:
            cell = self.section.check(False, f"中位数 ≤ {budget} ms", f"{label} 超过 {TIMEOUT_S} s 被中止")
            return self.section.rows.append(self.row(label, f"> {TIMEOUT_S} s（中止）", self.ms(base), "—", cell))
        median = statistics.median(taken)
        if budget is None:
            cell = "—（对照）"
        else:
            cell = self.section.check(median <= budget, f"中位数 ≤ {budget} ms", f"{label} 中位数 {self.ms(median)}")
        baseline_cell = f"{self.ms(base)}（{baseline_label}）"
        self.section.rows.append(self.row(label, self.summary_ms(taken), baseline_cell, self.times(median, base), cell))

    def timed_or_none(self, action, repeats, prepare=None):
        try:
            with transaction.atomic():
                execute(f"SET LOCAL statement_timeout = '{TIMEOUT_S}s'")
                if prepare is None:
                    return self.samples_ms(action, repeats)
                samples = []
                for _ in range(repeats + 1):  # the first is the warm-up
                    prepare()
                    start = time.perf_counter()
                    action()
                    samples.append((time.perf_counter() - start) * 1000)
                return samples[1:]
        except OperationalError:
            return None


def ensure_seed(section) -> None:
    found = seeded()
    if found:
        section.notes.append("沿用上次保留的山东任职数据（--keep-rosters）。")
        return
    from run import mark_organisations_established, timed

    section.notes.append(mark_organisations_established())
    counts = {}
    seconds = timed(lambda: counts.update(seed()))
    section.notes.append(
        f"用 INSERT … SELECT 写入山东数据 {seconds:.0f} s（不计入结果）；另给 {counts['established']} 个村（社区）"
        "设了妇女组织成立日期，结束时收回。"
    )


def seed_summary() -> str:
    [(active, ended, people, units)] = execute(
        "SELECT count(*) FILTER (WHERE end_on IS NULL), count(*) FILTER (WHERE end_on IS NOT NULL), "
        "count(DISTINCT person_id), count(DISTINCT unit_id) FROM orgunits_appointment a "
        "JOIN orgunits_orgunit u ON u.id = a.unit_id WHERE u.code LIKE %s",
        [PROVINCE_CODE + "%"],
    )
    return f"山东 {units:,} 个村（社区）妇联，在任任职 {active:,} 条、已结束 {ended:,} 条，{people:,} 人"


def village_change(county: OrgUnit):
    """A write a clerk makes: one village appointment's mode changed back and forth, committed as the
    admin commits it (the triggers raise that village's cell, and its person's other cells)."""
    from rosters.models import Appointment

    appointment = Appointment.objects.filter(OrgUnit.subtree_q(county.path, via="unit__"), unit__depth=6).earliest("pk")

    def change():
        appointment.mode = "full" if appointment.mode == "part" else "part"
        Appointment.objects.filter(pk=appointment.pk).update(mode=appointment.mode)

    return change


def bench_stats(timer: Timer) -> None:
    """roster_stats for the county and the province: the budget is for a read after a clerk's change in
    one village (the changed cells counted again, the rest read from the rollups). Beside it, for
    comparison: a read with nothing changed, a count from scratch (every tally dropped first, as after a
    post's chair flag changed), and the direct count without rollups."""
    from rosters.models import RosterCellTally
    from rosters.profiles import roster_stats

    county, province = OrgUnit.objects.get(code=COUNTY_CODE), OrgUnit.objects.get(code=PROVINCE_CODE)
    changed = village_change(county)
    size = f"{roster_stats(county, ON).appointments:,} 人次"
    for unit, budget, repeats, name in (
        (county, COUNTY_BUDGET_MS, REPEATS, f"{county.name}（{size}）"),
        (province, PROVINCE_BUDGET_MS, PROVINCE_REPEATS, f"{province.name}（全省）"),
    ):
        baseline = lambda u=unit: raw_grouped_count(u)  # noqa: E731
        baseline_label = "同范围在任任职连人员按职务、性别分组计数的原始 SQL"
        first, last = OrgUnit.subtree_range(unit.path)
        cases = (
            ("一村改动之后", changed, budget, repeats, True),
            ("无改动", None, None, repeats, True),
            ("从零计数", lambda r=(first, last): RosterCellTally.objects.filter(path__range=r).delete(), None, 1, True),
            ("直接计数，不用汇总", None, None, 1, False),
        )
        for case, prepare, case_budget, case_repeats, rollups in cases:
            timer.compare(
                f"roster_stats，{name}，{case}",
                lambda u=unit, r=rollups: roster_stats(u, ON, use_rollups=r),
                baseline,
                baseline_label,
                case_budget,
                case_repeats,
                prepare=prepare,
            )


def first_page(name: str, unit: OrgUnit, build, per_page: int):
    """What the worklist page runs: whether the tree changed, the list, the page's rows and the
    paginator's count (kept per cell for the lists rosters.worklist_counts serves)."""
    from orgunits.as_of import TreeOn
    from rosters.worklist_counts import worklist_paginator

    tree = TreeOn.of(ON)
    queryset = build(unit, ON, 12, tree)[1]
    page = worklist_paginator(name, unit, ON, queryset, per_page, tree=tree).get_page(1)
    return list(page.object_list), page.paginator.count


def bench_worklists(timer: Timer) -> None:
    """Each worklist's first page for the province as its page builds it (rosters.views), after a
    clerk's change in one village (as for roster_stats: the cells it touched are counted again)."""
    from rosters.views import PER_PAGE, WORKLISTS

    province = OrgUnit.objects.get(code=PROVINCE_CODE)
    changed = village_change(OrgUnit.objects.get(code=COUNTY_CODE))
    for name, (title, _description, build, _via) in WORKLISTS.items():
        _rows, count = first_page(name, province, build, PER_PAGE)
        timer.compare(
            f"工作清单首页：{title}（山东，共 {count:,} 条），一村改动之后",
            lambda name=name, build=build: first_page(name, province, build, PER_PAGE),
            lambda: raw_first_page(province),
            "山东已建组织单位的前 50 行和计数",
            PAGE_BUDGET_MS,
            PROVINCE_REPEATS,
            prepare=changed,
        )


def scoped_user():
    from access.models import Assignment

    user, _ = get_user_model().objects.update_or_create(
        username=SCOPED_USERNAME, defaults={"is_staff": True, "is_superuser": False, "is_active": True}
    )
    user.user_permissions.set(Permission.objects.filter(codename__in=SCOPED_PERMS))
    Assignment.objects.update_or_create(
        user=user, unit=OrgUnit.objects.get(code=PROVINCE_CODE), defaults={"role": Assignment.Role.MANAGER}
    )
    return user


def bench_search(timer: Timer, admin_client, static_files) -> None:
    from django.test import Client

    scoped = Client()
    scoped.force_login(scoped_user())
    autocomplete = "/admin/autocomplete/?app_label=rosters&model_name=appointment&field_name=person&term="
    with static_files():
        for who, client in (("超级管理员", admin_client), ("山东的管理员", scoped)):
            for term in SEARCH_TERMS:
                for what, url in (
                    ("人员列表搜索", f"/admin/rosters/person/?q={term}"),
                    ("自动补全", autocomplete + term),
                ):
                    timer.compare(
                        f"{what}“{term}”，{who}",
                        lambda c=client, u=url: ok(c.get(u), u),
                        lambda t=term: raw_name_prefix(t),
                        "姓名前缀的原始 SQL，前 100 行",
                        SEARCH_BUDGET_MS,
                    )


def ok(response, url):
    if response.status_code != 200:
        raise AssertionError(f"{url} 返回 {response.status_code}")


def bench_rosters(timer: Timer, admin_client, static_files, officers, *, keep: bool):
    ensure_seed(timer.section)
    try:
        timer.section.notes.insert(0, seed_summary() + f"；统计日 {ON}。")
        bench_stats(timer)
        bench_worklists(timer)
        bench_search(timer, admin_client, static_files)
        officers(timer.section)
    finally:
        if not keep:
            remove_seed()
            timer.section.notes.append("山东任职数据已删除，库恢复原状。")
    return timer.section
