"""Applying a new edition of the division codes (区划调整) to the tree, all or nothing.

The plan (division_plan) says which unit is which; this module checks that every unit's fate is
decided and then writes, in one transaction: the state each changed unit had (UnitPastState), the
new codes, names and kinds, the new units (open from the date), the moves, the closures (with their
organisations dissolved and, through `units_closed`, their rosters ended) and one dated UnitChange
per unit. A unit keeps its identity (its row), so its organisation, officers, figures, assignments
and history stay attached. Applying the same edition again finds nothing to change.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max

from imports.audit import bulk_history_kwargs
from imports.queries import chunked_in
from orgunits import errors
from orgunits.division_matching import MappingEntry
from orgunits.division_plan import DivisionPlan, DivisionPlanError, plan_changes
from orgunits.division_writes import ChangeWriter, HandDecision, hand_decisions
from orgunits.loader import ANALYZE_AFTER_ROWS, Division
from orgunits.models import OrgUnit, UnitChange, UnitPastState
from orgunits.selectors import open_divisions


@dataclass(frozen=True)
class MergeEffect:
    """What a merge (并入) leaves for the county to do: an organisation dissolved, officers to re-appoint."""

    code: str
    name: str
    successor_code: str
    successor_name: str
    had_org: bool
    officers: int


@dataclass
class ApplyResult:
    plan: DivisionPlan
    edition: str
    on: datetime.date
    dry_run: bool
    hand_decisions: list[HandDecision] = field(default_factory=list)
    closed: int = 0
    dissolved: int = 0
    roster_counts: Counter = field(default_factory=Counter)
    merges: list[MergeEffect] = field(default_factory=list)

    def counts(self) -> Counter:
        return self.plan.counts()


def divisions_apply(
    *,
    divisions: list[Division],
    on: datetime.date,
    edition: str,
    under: OrgUnit | None = None,
    mapping: list[MappingEntry] = (),
    dry_run: bool = False,
) -> ApplyResult:
    """Bring the units open on `on` (under `under`) to the edition `divisions`; raises DivisionPlanError
    listing every problem, having written nothing. With `dry_run`, everything is done and rolled back."""
    with transaction.atomic():
        # Other writers wait until the end; readers go on reading the tree as it was.
        OrgUnit.objects.lock_for_bulk_write()
        _check_date(on, under)
        old, hand_added = open_divisions(on, under=under)
        mapping = _not_yet_applied(mapping, on=on, edition=edition)
        plan = plan_changes(old, divisions, mapping=mapping, hand_added=hand_added)
        decisions = hand_decisions(mapping, plan=plan, hand_added=hand_added, divisions=divisions)
        _check_decided(plan, decisions)
        result = ApplyResult(plan, edition, on, dry_run, hand_decisions=decisions)
        if plan.changes or decisions:
            writer = ChangeWriter(plan=plan, decisions=decisions, on=on, edition=edition, history=bulk_history_kwargs())
            writer.check()
            writer.write()
            result.closed, result.dissolved, result.roster_counts = (
                writer.closed,
                writer.dissolved,
                writer.roster_counts,
            )
            result.merges = _merge_effects(writer, {division.code: division.name for division in divisions})
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and len(plan.changes) >= ANALYZE_AFTER_ROWS:
        _refresh_statistics()
    return result


def _refresh_statistics() -> None:
    """Fresh statistics after a big change, so that the planner joins a county's few units to their
    past states by index rather than hashing the whole table (autovacuum may be long in coming)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (UnitPastState, UnitChange, OrgUnit):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _not_yet_applied(mapping, *, on: datetime.date, edition: str) -> list[MappingEntry]:
    """The mapping without the rows this same change already carried out: applying the edition again
    with the file that completed it the first time then finds nothing to change, not unknown codes."""
    changes = UnitChange.objects.filter(changed_on=on, edition=edition).exclude(old_code="").order_by()
    done = set()
    for chunk in chunked_in(changes, "old_code", {entry.old_code for entry in mapping}):
        done.update(chunk.values_list("old_code", flat=True))
    return [entry for entry in mapping if entry.old_code not in done]


def _check_date(on: datetime.date, under: OrgUnit | None) -> None:
    changes = UnitChange.objects.all()
    if under is not None:
        changes = changes.filter(OrgUnit.subtree_q(under.path, via="unit__"))
    last = changes.aggregate(last=Max("changed_on"))["last"]
    if last is not None and on < last:
        raise DivisionPlanError([errors.APPLY_BEFORE_LAST.format(on=on, last=last)])


def _check_decided(plan: DivisionPlan, decisions: list[HandDecision]) -> None:
    problems = [
        errors.APPLY_UNDECIDED.format(name=change.old_name, code=change.old_code, note=change.note)
        for change in plan.changes
        if change.kind == "待定"
    ]
    decided = {decision.code for decision in decisions}
    listed = {change.old_code for change in plan.hand_added}
    for change in plan.hand_added:
        # A unit under another listed one follows its parent's fate unless decided on its own.
        if change.old_code not in decided and change.old_parent not in listed:
            problems.append(
                errors.APPLY_HAND_ADDED_UNDECIDED.format(name=change.old_name, code=change.old_code, note=change.note)
            )
    if problems:
        raise DivisionPlanError(problems)


def _merge_effects(writer: ChangeWriter, names: dict[str, str]) -> list[MergeEffect]:
    """Per merged unit: whether its organisation is dissolved, and how many officers were in post.
    A successor is a code of the edition, so `names` (the edition's) names it without a query."""
    effects = []
    for change in writer.merged_changes():
        unit = writer.unit(change.old_code)
        effects.append(
            MergeEffect(
                change.old_code,
                change.old_name,
                change.successor,
                names[change.successor],
                unit.pk in writer.dissolved_units,
                writer.ended_by_unit[unit.pk],
            )
        )
    return effects
