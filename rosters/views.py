"""Worklist pages: each a paginated list with its count, for a subtree and a date."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from access.scope import scope_of
from orgunits.as_of import TreeOn
from orgunits.autocomplete import limit_unit_choices, location_labels
from orgunits.models import UnitKind
from rosters.busy_rollups import RankedPeople, kept_busy
from rosters.executive import executives_below_norm
from rosters.forms import WorklistForm
from rosters.selectors import busy_people, organisations_without_chair, people_for, terms_due, vacant_seats
from rosters.worklist_counts import worklist_paginator

PER_PAGE = 50
EMPTY_WORKLIST = "没有需要处理的条目。"
CHAIR_VACANCY = "负责人空缺"
CHAIR_VACANCY_HELP = "{titles}同为组织负责人，只计一席，任一在任即不空缺。"


def _unit_link(unit):
    """Named as it was on the list's date where the list knows (then_name), else as today."""
    name = getattr(unit, "then_name", unit.name)
    return format_html('<a href="{}">{}</a>', reverse("admin:orgunits_orgunit_change", args=[unit.pk]), name)


def _kind_names() -> dict[int, str]:
    """Kind names by pk, for the kind a unit had on the list's date (then_kind_id)."""
    return dict(UnitKind.objects.values_list("pk", "name"))


# Each list gives its headers, its queryset, the cells of a row (given where each listed unit is, as
# `所属`) and the unit a row is about (None for lists of people): two units may share a name.


def _without_chair(unit, on, months, tree):
    rows, kinds = organisations_without_chair(unit, on, tree=tree), _kind_names()
    return (
        ["单位", "所属", "代码", "类型", "妇女组织成立"],
        rows,
        lambda u, where: [_unit_link(u), where[u.pk], u.then_code, kinds[u.then_kind_id], u.org_established_on],
        lambda u: u,
    )


def _terms_due(unit, on, months, tree):
    rows = terms_due(unit, on, months, tree=tree)
    return (
        ["单位", "所属", "届次", "选举日期", "届满日期", "状态"],
        rows,
        lambda t, where: [
            _unit_link(t.unit),
            where[t.unit.pk],
            f"第{t.ordinal}届",
            t.elected_on,
            t.due_on,
            "已逾期" if t.overdue else "即将到期",
        ],
        lambda t: t.unit,
    )


def _busy(unit, on, months, tree):
    busy = kept_busy(unit, on, tree=tree)
    rows = busy_people(unit, on, tree=tree) if busy is None else RankedPeople(busy, unit, on)
    return (
        ["姓名", "出生日期", "在任职务数", "兼任数", "合计"],
        rows,
        lambda p, where: [
            format_html('<a href="{}">{}</a>', reverse("admin:rosters_person_change", args=[p.pk]), p.name),
            p.birth_date,
            p.posts,
            p.roles,
            p.load,
        ],
        None,
    )


def _vacant(unit, on, months, tree):
    (posts, rows), kinds = vacant_seats(unit, on, tree=tree), _kind_names()
    chairs = [p for p in posts if p.counts_as_chair]
    others = [p for p in posts if not p.counts_as_chair]
    chair_header = (
        [
            format_html(
                '<abbr title="{}">{}</abbr>',
                CHAIR_VACANCY_HELP.format(titles="、".join(map(str, chairs))),
                CHAIR_VACANCY,
            )
        ]
        if chairs
        else []
    )
    return (
        ["单位", "所属", "类型", *chair_header, *[f"{p.name}空缺" for p in others], "合计空缺"],
        rows,
        lambda u, where: [
            _unit_link(u),
            where[u.pk],
            kinds[u.then_kind_id],
            *([u.vacant_chair or ""] if chairs else []),
            *[getattr(u, f"vacant_{p.pk}") or "" for p in others],
            u.vacant_total,
        ],
        lambda u: u,
    )


def _below_norm(unit, on, months, tree):
    rows, kinds = executives_below_norm(unit, on, tree=tree), _kind_names()
    return (
        ["单位", "所属", "类型", "执委在任", "配备标准", "差额"],
        rows,
        lambda u, where: [
            _unit_link(u),
            where[u.pk],
            kinds[u.then_kind_id],
            u.executives,
            u.executive_norm,
            u.executive_norm - u.executives,
        ],
        lambda u: u,
    )


# Name -> (title, description, builder, the path from a row to its unit for the user's scope; None
# for people, who are hers through people_for). On a past date the subtree then may hold units that
# have since moved out of her scope: she sees only the units of her scope today, where they stood then.
WORKLISTS = {
    "without-chair": (
        "有组织无人员",
        "已建立妇女组织、但当日没有主席（或妇女主任、妇代会主任）在任的单位。",
        _without_chair,
        "",
    ),
    "terms-due": ("换届到期", "未结束、在所选月数内到期或已逾期的届次。", _terms_due, "unit__"),
    "busy": ("身兼数职", "当日在任职务与兼任合计三项及以上的人员。", _busy, None),
    "vacant-seats": (
        "职数空缺",
        "在任人数少于职务默认职数的组织。职务只在其适用的单位类型中计职数，未设适用类型的职务不计；"
        "算作负责人的职务（主席、妇女主任、妇代会主任等）只计一席。",
        _vacant,
        "",
    ),
    "executives-below-norm": (
        "执委未达标",
        "当日已建立妇女组织、在任执委少于其单位类型配备标准（职务“执委”的职数，村和社区默认15人，"
        "乡镇和街道默认25人）的组织。",
        _below_norm,
        "",
    ),
}


def _in_scope(scope, queryset, via: str | None):
    if scope.unrestricted:
        return queryset
    return scope.filter(queryset, via) if via is not None else queryset.filter(pk__in=people_for(scope).values("pk"))


def worklist_view(request, name: str):
    if not request.user.has_perms(["orgunits.view_orgunit", "rosters.view_appointment"]):
        raise PermissionDenied
    if name not in WORKLISTS:
        raise Http404(name)
    title, description, build, via = WORKLISTS[name]
    data = request.GET.copy()
    for key, value in WorklistForm.defaults().items():
        data.setdefault(key, value)
    if "unit" not in data:
        home = scope_of(request).home()
        data["unit"] = home.pk if home else ""
    form = limit_unit_choices(WorklistForm(data), scope_of(request))
    context = {
        **admin.site.each_context(request),
        "title": title,
        "description": description,
        "form": form,
        "media": form.media,
        "worklists": [(key, entry[0]) for key, entry in WORKLISTS.items()],
        "current": name,
        "empty_message": EMPTY_WORKLIST,
    }
    if form.is_valid():
        unit, on = form.cleaned_data["unit"], form.cleaned_data["on"]
        tree = TreeOn.of(on)  # whether the tree changed since: asked once for the list and its count
        headers, queryset, cells, unit_of = build(unit, on, form.cleaned_data.get("months") or 0, tree)
        if isinstance(queryset, QuerySet):  # else a list kept per cell, all hers (see below)
            queryset = _in_scope(scope_of(request), queryset, via)
        # The form offers only units of her scope, and below such a unit everything is hers: the lists
        # and counts kept per cell (rosters.busy_rollups, rosters.worklist_counts) are hers too.
        page = worklist_paginator(name, unit, on, queryset, PER_PAGE, tree=tree).get_page(request.GET.get("page"))
        items = list(page.object_list)
        where = location_labels(unit_of(item) for item in items) if unit_of else {}
        context.update(headers=headers, page=page, rows=[cells(item, where) for item in items], unit=unit, on=on)
    return TemplateResponse(request, "admin/rosters/worklist.html", context)
