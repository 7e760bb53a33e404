"""Maintained rollups for the roster statistics: a subtree's counts on a day added up from the tallies
of its roster cells (rosters.roster_tally), kept exact by the database.

Every unit at or above the township level is a cell of its own appointments; a township-level unit is
also the cell of everything below it. A tally is kept per cell, day and key (the set of age bands,
or a worklist: rosters.worklist_counts, rosters.busy_rollups). The database's triggers (migration
rosters/0009) raise a cell's version whenever something its tallies count changes: an appointment at
one of its units (or any appointment of a person holding one there, since she may count once across
cells), a concurrent role, a person's details, a term, a new unit, a unit's move, kind or dates.
Changes that touch every cell (a post's chair flag or name, a role's code, a kind's code, the posts'
seats) raise the global version. A tally is used only while both versions are those it was counted
under; the rest are counted again, all in one pass, and kept.

The versions are read before anything is counted, so a change committed while counting leaves the new
tally already stale: it is counted again next time, never trusted.

Used for the subtree as it stands (a past day after a division change is counted directly).
"""

import datetime
import gc
import hashlib
import json
from contextlib import contextmanager

import orjson
from django.db.models import OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast

from orgunits.models import OrgUnit
from rosters.models import Appointment
from rosters.rollup_models import GLOBAL_CELL, RosterCell, RosterCellTally
from rosters.roster_tally import CELL_PATH_LENGTH, Partial, by_cell, combine

# Above this many stale cells the whole subtree is counted in one pass (a range on the path index)
# rather than cell by cell (an OR of ranges).
FEW_CELLS = 64


def covers(unit: OrgUnit) -> bool:
    """Whether the unit's subtree is made of whole cells (it is at or above the township level)."""
    return len(unit.path) <= CELL_PATH_LENGTH


def bands_key(age_bands) -> str:
    bands = [(b.label, b.lower, b.lower_inclusive, b.upper, b.upper_inclusive) for b in age_bands]
    return hashlib.sha256(json.dumps(bands, ensure_ascii=False).encode()).hexdigest()


def cells_q(cells, via: str = "") -> Q:
    """The units of these cells (reached through `via`)."""
    found = Q()
    for cell in cells:
        if len(cell) < CELL_PATH_LENGTH:
            found |= Q(**{f"{via}path": cell})
        else:
            found |= OrgUnit.subtree_q(cell, via=via)
    return found


def _keep(counted: dict[str, dict], versions: dict[str, int], global_version: int, on, key: str) -> None:
    tally = {"on": on, "key": key, "global_version": global_version, "read_on": datetime.date.today()}
    rows = [
        RosterCellTally(path=cell, version=versions[cell], payload=p, **tally)
        for cell, p in sorted(counted.items())  # one order for every writer: no deadlock between two
    ]
    RosterCellTally.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["path", "on", "key"],
        update_fields=["version", "global_version", "payload", "read_on"],
    )


def _drop_outdated(cells: list[str]) -> None:
    """Tallies of these cells counted under an earlier version, on whatever day and key (only a cell
    counted again can have them: its version changed, or it was never counted)."""
    current = RosterCell.objects.filter(path=OuterRef("path")).values("version")[:1]
    RosterCellTally.objects.filter(path__in=cells, version__lt=Subquery(current)).delete()


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while tallies are decoded: the 61,000 small lists of 山东's
    身兼数职 set it off again and again (35 ms of 65). Decoded JSON holds no cycles to collect."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def kept_payloads(unit: OrgUnit, on: datetime.date, key: str, count) -> list[dict]:
    """The payload of every cell of the unit's subtree (as it stands) for the day and key: read where
    good, else counted again by `count(within, stale)` and kept. `within(via)` is a Q for units (reached
    through `via`) that holds the stale cells: their ranges, or the whole subtree when there are many;
    count returns {cell: payload} with at least the stale cells. Two queries when all are good (a third,
    once a day, marks them read), three more beside the counting when some are not."""
    first, last = OrgUnit.subtree_range(unit.path)
    cells = RosterCell.objects.filter(Q(path__range=(first, last)) | Q(path=GLOBAL_CELL))
    versions = dict(cells.values_list("path", "version"))
    global_version = versions.pop(GLOBAL_CELL, 0)
    tallies = RosterCellTally.objects.filter(path__range=(first, last), on=on, key=key)
    # Read as text and decoded by orjson: the standard json module took 55 ms of the 90 that 山东's
    # 身兼数职 took to read its 1,853 cells' lists (1.3 MB); orjson takes 14 (with the collector paused).
    rows = list(tallies.values_list("path", "version", "global_version", Cast("payload", TextField()), "read_on"))
    found = {path: (v, g, text) for path, v, g, text, _read_on in rows}
    today = datetime.date.today()
    if any(read_on < today for *_tally, read_on in rows):
        tallies.filter(read_on__lt=today).update(read_on=today)
    good, stale = [], []
    with _collector_paused():
        for cell, version in versions.items():
            tally = found.get(cell)
            if tally and tally[0] == version and tally[1] == global_version:
                good.append(orjson.loads(tally[2]))
            else:
                stale.append(cell)
    if not stale:
        return good

    def within(via: str = "") -> Q:
        return OrgUnit.subtree_q(unit.path, via=via) if len(stale) > FEW_CELLS else cells_q(stale, via=via)

    counted = count(within, stale)
    counted = {cell: counted[cell] for cell in stale}
    _keep(counted, versions, global_version, on, key)
    _drop_outdated(stale)
    return [*good, *counted.values()]


def subtree_partial(unit: OrgUnit, on: datetime.date, age_bands) -> Partial:
    """The roster statistics of the unit's subtree (as it stands) on the day, from the cells' tallies."""

    def count(within, stale: list[str]) -> dict[str, dict]:
        active = Appointment.objects.filter(within("unit__")).active_on(on)
        counted = by_cell(active, OrgUnit.objects.filter(within()).values("pk"), on, age_bands)
        return {cell: counted.get(cell, Partial()).as_json() for cell in stale}

    return combine(kept_payloads(unit, on, bands_key(age_bands), count))
