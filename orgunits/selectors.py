"""Read-side queries of the unit tree that pages share."""

import datetime

from django.db.models import Q

from orgunits.loader import Division
from orgunits.models import OrgUnit, UnitPastState


def is_code_term(term: str) -> bool:
    """A search term that reads as a code (letters, digits, "-" and "_"), searched by code prefix."""
    return bool(term) and term.isascii() and term.replace("-", "").replace("_", "").isalnum()


# More units than a page would show: enough to find a unit by a code it had before.
OLD_CODE_MATCHES = 200


def search_units(queryset, term: str, *, old_codes: dict | None = None):
    """Units whose code starts with `term` (a code term) or whose name contains it.

    The code prefix is also given as a range, so the code index returns matches in code order. A code
    a unit had before a division change finds it too; `old_codes`, when given, receives
    {unit id: the old code matched} for labelling (原代码).
    """
    term = term.strip()
    if not term:
        return queryset
    if not is_code_term(term):
        return queryset.filter(name__contains=term)
    prefix = term.upper()
    matches = Q(code__startswith=prefix)
    if prefix.isalnum():
        # LIKE alone cannot use the code index under a C.UTF-8 collation, and the planner would walk
        # the path index instead. Only for letters and digits: linguistic collations ignore "-" and
        # "_", so the range could miss rows.
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        matches &= Q(code__gte=prefix, code__lt=after)
    earlier = _units_by_old_code(prefix)
    if old_codes is not None:
        old_codes.update(earlier)
    # Only OR-ed in when some unit had such a code, so the usual search keeps its plain index plan.
    return queryset.filter(matches | Q(pk__in=list(earlier)) if earlier else matches)


def _units_by_old_code(prefix: str) -> dict[int, str]:
    states = UnitPastState.objects.filter(code__startswith=prefix).exclude(unit__code__startswith=prefix)
    return dict(states.order_by("code").values_list("unit_id", "code")[:OLD_CODE_MATCHES])


def drilldown_chain(unit_id: str, scope) -> list[OrgUnit]:
    """The unit with id `unit_id` and its ancestors, root first, when the scope lets her see the unit.

    Each carries `viewable`: an ancestor above her units is named, as a breadcrumb, but never linked,
    since its list would only say "不存在或无权查看".
    """
    unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id.isdigit() else None
    if unit is None or not scope.can_view(unit):
        return []
    chain = [*OrgUnit.objects.ancestors_of(unit), unit]
    for link in chain:
        link.viewable = scope.can_view(link)
    return chain


def open_divisions(day: datetime.date, *, under: OrgUnit | None = None) -> tuple[list[Division], list[Division]]:
    """The units open on `day` as divisions, in one query: (area units, hand-added units).

    Under `under`, its subtree and its ancestors. The national root stands for no unit of an edition:
    the provinces are its roots, so it is left out and its children get no parent.
    """
    units = OrgUnit.objects.open_on(day)
    if under is not None:
        units = units.filter(OrgUnit.subtree_q(under.path) | Q(path__in=under.ancestor_paths()))
    rows = units.codes_with_parent_codes("name", "kind__code", "kind__is_area")
    roots = {code for code, _parent, _name, kind, _area in rows if kind == "nation"}
    area, hand_added = [], []
    for code, parent, name, kind, is_area in rows:
        if kind != "nation":
            division = Division(code, name, kind, None if parent in roots else parent or None)
            (area if is_area else hand_added).append(division)
    return area, hand_added
