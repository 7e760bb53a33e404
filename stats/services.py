"""Yearly statistics: entering values with their checks, and reading them summed up the tree."""

import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Exists, IntegerField, Max, OuterRef, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from imports.audit import bulk_history_kwargs
from orgunits.as_of import TreeOn, subtree_on
from orgunits.models import OrgUnit
from stats import errors
from stats.expressions import Expression, Values
from stats.formatting import APPROXIMATE_MARK
from stats.models import DataElement, DataValue, Operator, ValidationRule
from stats.periods import Period

_INTEGER = re.compile(r"^[+-]?\d+$")
_COMPARE = {
    Operator.LE: lambda a, b: a <= b,
    Operator.LT: lambda a, b: a < b,
    Operator.EQ: lambda a, b: a == b,
    Operator.GE: lambda a, b: a >= b,
    Operator.GT: lambda a, b: a > b,
}

RawValues = dict[str, tuple[object, object]]  # element code -> (total, female) as entered
Figure = tuple[int | None, int | None, bool]  # (total, female, approximate): 5200余 is (5200, None, True)


def parse_count(raw: object, *, what: str) -> int | None:
    """A count as typed in a form or read from a spreadsheet cell; blank is None."""
    if raw is None or isinstance(raw, bool):
        return None if raw is None else _not_integer(what, raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float | Decimal):
        if raw != int(raw):
            _not_integer(what, raw)
        value = int(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        if not text:
            return None
        if not _INTEGER.match(text):
            _not_integer(what, raw)
        value = int(text)
    if value < 0:
        raise ValidationError(errors.COUNT_NEGATIVE.format(what=what, value=value), code="negative")
    return value


def _not_integer(what: str, raw: object):
    raise ValidationError(errors.COUNT_NOT_INTEGER.format(what=what, value=raw), code="not_integer")


def parse_figure(raw: object, *, what: str) -> tuple[int | None, bool]:
    """A statistics figure as typed or read from a cell, and whether it was given as approximate: "5200余"
    is 5200, approximate, the way the reports write it. Blank is (None, False)."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text.endswith(APPROXIMATE_MARK):
        return parse_count(raw, what=what), False
    number = text.removesuffix(APPROXIMATE_MARK)
    if not _INTEGER.match(number.replace(",", "").replace("，", "")):
        _not_integer(what, raw)  # the message quotes the cell as written, 余 and all
    return parse_count(number, what=what), True


def figure_text(value: int | None, approximate: bool) -> str:
    """A stored figure the way it is typed back: 5200, 5200余; blank when missing."""
    return "" if value is None else f"{value}{APPROXIMATE_MARK if approximate else ''}"


def _clean_values(raw_values: RawValues, elements: dict[str, DataElement]) -> dict[str, Figure]:
    problems: dict[str, list[str]] = defaultdict(list)
    clean = {}
    for code, (raw_total, raw_female) in raw_values.items():
        element = elements.get(code)
        if element is None:
            problems[code].append(errors.UNKNOWN_ELEMENT.format(code=code))
            continue
        try:
            total, total_approximate = parse_figure(raw_total, what=f"{element.name}合计")
            female, female_approximate = parse_figure(raw_female, what=f"{element.name}其中女性")
        except ValidationError as exc:
            problems[code].extend(exc.messages)
            continue
        if female is not None and not element.has_female:
            problems[code].append(errors.FEMALE_NOT_APPLICABLE.format(element=element.name))
        elif female is not None and total is None:
            problems[code].append(errors.FEMALE_WITHOUT_TOTAL.format(element=element.name))
        elif female is not None and female > total:
            problems[code].append(errors.FEMALE_ABOVE_TOTAL.format(element=element.name, female=female, total=total))
        # 余 on either part marks the figure: the report then writes 5200余人次，其中女性3000余人次
        clean[code] = (total, female, total_approximate or female_approximate)
    if problems:
        raise ValidationError(dict(problems))
    return clean


def rule_violations(values: Values, *, rules=None, elements=None) -> list[str]:
    """Messages for the active rules that the values break; rules whose figures are missing are skipped."""
    rules = ValidationRule.objects.filter(active=True) if rules is None else rules
    elements = {e.code: e for e in DataElement.objects.all()} if elements is None else elements
    known = {code: element.has_female for code, element in elements.items()}
    names = {code: element.name for code, element in elements.items()}
    found = []
    for rule in rules:
        left = Expression.parse(rule.left, known)
        right = Expression.parse(rule.right, known)
        left_value, right_value = left.evaluate(values), right.evaluate(values)
        if left_value is None or right_value is None:
            continue
        if not _COMPARE[rule.operator](left_value, right_value):
            found.append(
                errors.RULE_VIOLATED.format(
                    rule=rule.name,
                    left_text=_readable(rule.left, names),
                    left=_plain(left_value),
                    operator=Operator(rule.operator).label,
                    right_text=_readable(rule.right, names),
                    right=_plain(right_value),
                )
            )
    return found


def _readable(text: str, names: dict[str, str]) -> str:
    def name_of(match):
        code, part = match.group(1), match.group(2)
        return names.get(code, code) + ("其中女性" if part == ".female" else "")

    return re.sub(r"\b([a-z][a-z0-9_]*)(\.total|\.female)?\b", name_of, text)


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


@transaction.atomic
def datavalues_save(*, unit: OrgUnit, period: Period | str, values: RawValues) -> int:
    """Save one unit's figures for one period, all or nothing. A blank total removes a figure.

    Raises ValidationError keyed by element code, with rule violations under NON_FIELD_ERRORS.
    Returns the number of figures written or removed.
    """
    period = Period.parse(period)
    elements = {e.code: e for e in DataElement.objects.all()}
    clean = _clean_values(values, elements)
    stored = {
        value.element.code: value
        for value in DataValue.objects.select_for_update().filter(unit=unit, period=period).select_related("element")
    }
    merged = {code: (value.total, value.female) for code, value in stored.items()}
    for code, (total, female, _approximate) in clean.items():
        if total is None:
            merged.pop(code, None)
        else:
            merged[code] = (total, female)
    violations = rule_violations(merged, elements=elements)
    if violations:
        raise ValidationError({NON_FIELD_ERRORS: violations})
    to_create, to_update, to_delete = [], [], []
    for code, (total, female, approximate) in clean.items():
        current = stored.get(code)
        if total is None:
            if current:
                to_delete.append(current.pk)
        elif current is None:
            to_create.append(
                DataValue(
                    unit=unit,
                    element=elements[code],
                    period=period,
                    total=total,
                    female=female,
                    approximate=approximate,
                )
            )
        elif (current.total, current.female, current.approximate) != (total, female, approximate):
            current.total, current.female, current.approximate = total, female, approximate
            to_update.append(current)
    for value in DataValue.objects.filter(pk__in=to_delete):
        value.delete()  # one by one, so each removal is in the history
    datavalues_write(to_create=to_create, to_update=to_update)
    return len(to_create) + len(to_update) + len(to_delete)


def datavalues_write(*, to_create: list[DataValue], to_update: list[DataValue], batch_size: int | None = None) -> None:
    """Bulk writes of checked figures, with history. bulk_update skips auto_now, so the time is set here."""
    history = bulk_history_kwargs()
    bulk_create_with_history(to_create, DataValue, batch_size=batch_size, **history)
    now = timezone.now()
    for value in to_update:
        value.updated_at = now
    fields = ["total", "female", "approximate", "updated_at"]
    bulk_update_with_history(to_update, DataValue, fields, batch_size=batch_size, **history)


def own_figures(unit: OrgUnit, period: Period) -> dict[str, Figure]:
    rows = DataValue.objects.filter(unit=unit, period=period).values_list(
        "element__code", "total", "female", "approximate"
    )
    return {code: (total, female, approximate) for code, total, female, approximate in rows}


class SummedValues(dict):
    """Values (element code -> (total, female)) summed over a subtree, and the codes of the elements
    some of whose figures were given as approximate: a sum with one 5200余 in it is itself approximate."""

    def __init__(self, items=(), *, approximate=frozenset()):
        super().__init__(items)
        self.approximate: frozenset[str] = frozenset(approximate)


def _sums(queryset) -> SummedValues:
    rows = queryset.values("element__code").annotate(
        total_sum=Sum("total"), female_sum=Sum("female"), approximate_any=Max(Cast("approximate", IntegerField()))
    )
    values, approximate = {}, set()
    for row in rows:
        values[row["element__code"]] = (row["total_sum"], row["female_sum"])
        if row["approximate_any"]:
            approximate.add(row["element__code"])
    return SummedValues(values, approximate=approximate)


def subtree_values(unit: OrgUnit, period: Period, *, tree: TreeOn | None = None) -> SummedValues:
    """Each element summed over the unit's subtree as it stood at the end of the period, the unit
    included: last year's figures of a village since moved to another township stay where they were
    reported. One query, and one more to learn whether the tree changed since unless `tree` (the
    TreeOn of the period's end) is given."""
    units = subtree_on(unit, period.end, tree=tree).values("pk")
    return _sums(DataValue.objects.filter(unit__in=units, period=period))


def completeness(unit: OrgUnit, period: Period) -> list[tuple[OrgUnit, bool]]:
    """Each child open at the end of the period, as it was then (then_name), and whether anything in
    its branch then reported for the period. Three queries."""
    tree, place = TreeOn.around(unit, period.end)
    reported = set(
        tree.subtree(unit, place, include_self=False)
        .filter(Exists(DataValue.objects.filter(unit=OuterRef("pk"), period=period)))
        .annotate(branch=tree.branch(place))
        .values_list("branch", flat=True)
        .distinct()
    )
    children = tree.children(unit, place).open_on(period.end).select_related("kind").order_by("then_path")
    return [(child, child.then_path in reported) for child in children]
