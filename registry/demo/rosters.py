"""The demo's officers and committee terms (换届).

双峰县 is fully staffed the way the post-reform rules ask (祁东县's pattern: each village or community
妇联 has a chair, two vice-chairs and fifteen executive members; each township more), elected with the
village committees in spring 2021 and again in spring 2026, with the usual turnover at each election.
What a clerk would find to do is there on purpose, a handful of each: organisations with no officers,
villages and townships past their re-election date, seats left empty after someone moved away, and
chairs who are also family-planning officers and health workers (身兼数职). 香河县 has entered only
its leaders so far.

The registry's rosters start with the 2021 elections: terms and appointments from then on. The
seats planned here are written by registry.demo.seats.
"""

import datetime
from dataclasses import dataclass, field

from registry.demo.dates import DEMO_TODAY, REFORM, VILLAGE_ELECTIONS_2021, VILLAGE_ELECTIONS_2026, between, seeded
from registry.demo.organisations import CountyPlan
from registry.demo.seats import (
    CHAIR,
    EXEC,
    FAMILY_PLANNING,
    FULL,
    HEALTH_WORKER,
    MEMBER,
    PART,
    PARTY_COMMITTEE,
    SECONDED,
    VICE,
    VILLAGE_COMMITTEE,
    CountyRoster,
    Roster,
    Spell,
)

VILLAGE_EXECS = 15
TOWNSHIP_EXECS = 20
HOST_MEMBERS = 5
# Who leaves at a re-election: a chair in three, a vice-chair a bit more often, an executive member in ten.
TURNOVER = {CHAIR: 0.3, VICE: 0.35, EXEC: 0.1}
TOWNSHIP_TURNOVER = {CHAIR: 0.3, VICE: 0.3, EXEC: 0.2}
# After the 2026 elections: someone took a job in town, or moved away, and nobody has been elected since.
LEFT_AFTER_2026 = (datetime.date(2026, 7, 1), datetime.date(2026, 10, 31))
MID_TERM = (datetime.date(2024, 3, 1), datetime.date(2025, 10, 31))
COUNTY_ELECTION = datetime.date(2022, 4, 15)
XIANGHE_COUNTY_ELECTION = datetime.date(2021, 12, 8)
# The 香河县 townships whose rosters have been entered: 淑阳镇, 蒋辛屯镇, 渠口镇, 安平镇.
XIANGHE_TOWNSHIPS = ("131024100", "131024101", "131024102", "131024104")


@dataclass
class Specials:
    """The villages of 双峰县 that give each worklist its rows: regular villages, each in one set at most."""

    overdue: set[str] = field(default_factory=set)  # not re-elected in 2026: 换届到期, overdue
    short: set[str] = field(default_factory=set)  # executive members left in 2026: 职数空缺
    chair_left: set[str] = field(default_factory=set)  # the chair left in 2026: 职数空缺
    mid_term: set[str] = field(default_factory=set)  # a new chair in 2024 or 2025
    three_in_one: set[str] = field(default_factory=set)  # chair, 计育专干 and 妇幼保健员: 身兼数职
    chair_plus: set[str] = field(default_factory=set)  # chair, 村委会委员 and 计育专干: 身兼数职
    in_township: dict[str, str] = field(default_factory=dict)  # village -> township whose executive she sits on

    @property
    def steady_chairs(self) -> set[str]:
        """Villages whose chair stays from 2021 on: the busy ones."""
        return self.three_in_one | self.chair_plus | set(self.in_township)


SPECIAL_COUNTS = {"overdue": 8, "short": 6, "chair_left": 3, "mid_term": 10, "three_in_one": 12, "chair_plus": 6}
IN_TOWNSHIP = 4


def pick_specials(plan: CountyPlan) -> Specials:
    regular = [v.code for v in plan.regular_villages()]
    seeded("specials", plan.code).shuffle(regular)
    specials = Specials()
    for name, count in SPECIAL_COUNTS.items():
        getattr(specials, name).update(regular[:count])
        regular = regular[count:]
    township_of = {v.code: v.township for v in plan.villages()}
    for code in regular:
        if len(specials.in_township) == IN_TOWNSHIP:
            break
        if township_of[code] not in specials.in_township.values():
            specials.in_township[code] = township_of[code]
    return specials


def _chair_roles(rng, code: str, specials: Specials) -> tuple[str, ...]:
    draw = rng.random()
    committee = VILLAGE_COMMITTEE if draw < 0.53 else PARTY_COMMITTEE
    if code in specials.three_in_one:
        return (committee, FAMILY_PLANNING, HEALTH_WORKER)
    if code in specials.chair_plus:
        return (VILLAGE_COMMITTEE, FAMILY_PLANNING)
    if code in specials.in_township:
        return (committee,)
    # Most chairs sit on the village party or villagers' committee (进两委).
    return (committee,) if draw < 0.85 else ()


def _vice_roles(rng) -> tuple[str, ...]:
    draw = rng.random()
    return (FAMILY_PLANNING,) if draw < 0.2 else (HEALTH_WORKER,) if draw < 0.3 else ()


def _exec_roles(rng) -> tuple[str, ...]:
    return (HEALTH_WORKER,) if rng.random() < 0.08 else ()


def shuangfeng_roster(plan: CountyPlan, specials: Specials) -> Roster:
    county = CountyRoster(plan)
    for village in plan.villages():
        if plan.has_officers(village.code):
            _village(county, village, specials)
    groups = _township_groups(plan)
    short_of_vices = min(code for code, group in groups.items() if group == "upcoming")
    for township in plan.townships():
        _township(county, township, groups[township.code], township.code == short_of_vices, specials)
    _county(county)
    _hosts(county)
    return county.roster


def _village(county: CountyRoster, village, specials: Specials) -> None:
    plan, code = county.plan, village.code
    rng = seeded("village", code)
    established = plan.established[code]
    if established == REFORM:
        start = between(rng, *VILLAGE_ELECTIONS_2021)
    else:  # the founding meeting, a few weeks after the organisation was set up
        start = min(established + datetime.timedelta(days=rng.randint(5, 25)), DEMO_TODAY)
    elections = [start]
    re_elected = established == REFORM and code not in specials.overdue and code not in plan.closed
    if re_elected:
        elections.append(between(rng, *VILLAGE_ELECTIONS_2026))
    county.roster.elections[code] = elections

    def new_chair(day, person=None):
        # Drawn for every village, so that which villages are communities changes no one else's draws.
        mode = FULL if rng.random() < 0.5 and village.kind == "community" else PART
        person = person or county.person(rng, "village_chair", "village")
        return Spell(person, day, roles=_chair_roles(rng, code, specials), mode=mode)

    def new_vice(day):
        return Spell(county.person(rng, "village", "village"), day, roles=_vice_roles(rng))

    def new_exec(day):
        return Spell(county.person(rng, "village", "village"), day, roles=_exec_roles(rng))

    chair = county.seat(code, CHAIR, new_chair(start))
    county.village_chairs[code] = chair
    vices = [county.seat(code, VICE, new_vice(start)) for _ in range(2)]
    execs = [county.seat(code, EXEC, new_exec(start)) for _ in range(VILLAGE_EXECS)]
    if code in specials.mid_term:
        change = between(rng, *MID_TERM)
        chair.replace(change, new_chair(change))
    if re_elected:
        steady = code in specials.steady_chairs
        _re_elect(rng, elections[-1], chair, vices, execs, TURNOVER, new_chair, new_vice, new_exec, steady=steady)
    if code in specials.short:
        for seat in rng.sample(execs, rng.randint(1, 3)):
            seat.vacate(between(rng, *LEFT_AFTER_2026))
    if code in specials.chair_left:
        chair.vacate(between(rng, *LEFT_AFTER_2026))
    if code in plan.closed:
        for seat in (chair, *vices, *execs):
            seat.vacate(plan.closed[code])
        county.roster.closed_terms[code] = plan.closed[code]


def _re_elect(rng, day, chair, vices, execs, turnover, new_chair, new_vice, new_exec, *, steady=False) -> None:
    """Who stays and who is new after a re-election. Half the new chairs were vice-chairs before."""
    promoted = None
    if not steady and rng.random() < turnover[CHAIR]:
        if vices and rng.random() < 0.5:
            promoted = vices[0]
            chair.replace(day, new_chair(day, promoted.holder.person))
            promoted.replace(day, new_vice(day))
        else:
            chair.replace(day, new_chair(day))
    for seat in vices:
        if seat is not promoted and rng.random() < turnover[VICE]:
            seat.replace(day, new_vice(day))
    for seat in execs:
        if rng.random() < turnover[EXEC]:
            seat.replace(day, new_exec(day))


# Townships of 双峰县 by their 妇联's re-election: 9 re-elected in autumn 2026, 3 overdue, 4 due within
# months. (first, last) day of the 2021–22 election for each group.
TOWNSHIP_GROUPS = (
    ("re_elected", 9, (datetime.date(2021, 9, 1), datetime.date(2021, 11, 30))),
    ("overdue", 3, (datetime.date(2021, 9, 1), datetime.date(2021, 11, 15))),
    ("upcoming", 4, (datetime.date(2021, 12, 10), datetime.date(2022, 4, 10))),
)
TOWNSHIP_ELECTIONS_2026 = (datetime.date(2026, 9, 1), datetime.date(2026, 11, 20))


def _township_groups(plan: CountyPlan) -> dict[str, str]:
    codes = [t.code for t in plan.townships()]
    seeded("township-elections", plan.code).shuffle(codes)
    groups = {}
    for name, count, _days in TOWNSHIP_GROUPS:
        groups.update((code, name) for code in codes[:count])
        codes = codes[count:]
    return groups


def _township(county: CountyRoster, township, group: str, short_of_vices: bool, specials: Specials) -> None:
    code = township.code
    rng = seeded("township", code)
    days = next(days for name, _count, days in TOWNSHIP_GROUPS if name == group)
    start = between(rng, *days)
    elections = [start]
    if group == "re_elected":
        elections.append(between(rng, *TOWNSHIP_ELECTIONS_2026))
    county.roster.elections[code] = elections

    def new_chair(day, person=None):
        person = person or county.person(rng, "cadre", "township")
        return Spell(person, day, mode=FULL if rng.random() < 0.6 else PART)

    def new_vice(day, mode=PART):
        return Spell(county.person(rng, "cadre", "township"), day, mode=mode)

    def new_exec(day):
        return Spell(county.person(rng, "village", "township"), day)

    chair = county.seat(code, CHAIR, new_chair(start))
    county.chairs_on[code] = chair.holder
    modes = (FULL,) if short_of_vices else (FULL, PART, SECONDED)
    vices = [county.seat(code, VICE, new_vice(start, mode)) for mode in modes]
    execs = [county.seat(code, EXEC, new_exec(start)) for _ in range(TOWNSHIP_EXECS)]
    for village, its_township in sorted(specials.in_township.items()):
        if its_township == code:  # a village chair on her township's executive committee, kept on at re-election
            county.seat(code, EXEC, Spell(county.village_chairs[village].holder.person, start))
    if group == "re_elected":
        _re_elect(rng, elections[-1], chair, vices, execs, TOWNSHIP_TURNOVER, new_chair, new_vice, new_exec)


def _county(county: CountyRoster) -> None:
    code = county.plan.code
    rng = seeded("county", code)
    start = COUNTY_ELECTION
    county.roster.elections[code] = [start]
    county.seat(code, CHAIR, Spell(county.person(rng, "cadre", "township"), start, mode=FULL))
    for mode in (FULL, FULL, SECONDED):
        county.seat(code, VICE, Spell(county.person(rng, "cadre", "township"), start, mode=mode))
    # The county's executive committee: the township chairs, and women from agencies and enterprises.
    for _township_code, chair in sorted(county.chairs_on.items()):
        county.seat(code, EXEC, Spell(chair.person, start))
    for _ in range(8):
        county.seat(code, EXEC, Spell(county.person(rng, "cadre", "township"), start))


HOST_TERMS_2021 = (datetime.date(2021, 5, 10), datetime.date(2021, 6, 30))
SHORT_HOSTS = 2


def _hosts(county: CountyRoster) -> None:
    plan = county.plan
    staffed = [h for h in plan.hosts if h.code in plan.established]
    open_ones = sorted(h.code for h in staffed if h.code not in plan.dissolved)
    seeded("hosts", plan.code).shuffle(open_ones)
    short = set(open_ones[:SHORT_HOSTS])
    for host in sorted(staffed, key=lambda h: h.code):
        rng = seeded("host", host.code)
        established = plan.established[host.code]
        if established < HOST_TERMS_2021[0]:
            start = between(rng, *HOST_TERMS_2021)
        else:
            start = min(established + datetime.timedelta(days=rng.randint(7, 20)), DEMO_TODAY)
        dissolved = plan.dissolved.get(host.code)
        count = 3 if host.code in short or dissolved else HOST_MEMBERS
        for _ in range(count):
            seat = county.seat(host.code, MEMBER, Spell(county.person(rng, "cadre", "host"), start))
            if dissolved:
                seat.vacate(dissolved)


def xianghe_roster(plan: CountyPlan) -> Roster:
    """香河县: the county's and four townships' leaders, and the chairs of most of those townships' villages."""
    county = CountyRoster(plan)
    rng = seeded("county", plan.code)
    county.roster.elections[plan.code] = [XIANGHE_COUNTY_ELECTION]
    county.seat(plan.code, CHAIR, Spell(county.person(rng, "cadre", "township"), XIANGHE_COUNTY_ELECTION, mode=FULL))
    for mode in (FULL, PART):
        county.seat(plan.code, VICE, Spell(county.person(rng, "cadre", "township"), XIANGHE_COUNTY_ELECTION, mode=mode))
    none = Specials()
    for township in plan.townships():
        if township.code not in XIANGHE_TOWNSHIPS:
            continue
        rng = seeded("township", township.code)
        start = between(rng, datetime.date(2021, 9, 1), datetime.date(2021, 12, 20))
        county.roster.elections[township.code] = [start]
        county.seat(township.code, CHAIR, Spell(county.person(rng, "cadre", "township"), start, mode=FULL))
        for mode in (PART, SECONDED):
            county.seat(township.code, VICE, Spell(county.person(rng, "cadre", "township"), start, mode=mode))
        for _ in range(8):
            county.seat(township.code, EXEC, Spell(county.person(rng, "village", "township"), start))
    for village in plan.villages():
        if village.township not in XIANGHE_TOWNSHIPS or not plan.has_officers(village.code):
            continue
        rng = seeded("village", village.code)
        established = plan.established[village.code]
        if established == REFORM:
            start = between(rng, *VILLAGE_ELECTIONS_2021)
        else:
            start = min(established + datetime.timedelta(days=rng.randint(5, 25)), DEMO_TODAY)
        if rng.random() < 0.7:
            person = county.person(rng, "village_chair", "village")
            county.seat(village.code, CHAIR, Spell(person, start, roles=_chair_roles(rng, village.code, none)))
            if rng.random() < 0.4:
                county.seat(village.code, VICE, Spell(county.person(rng, "village", "village"), start))
    return county.roster
