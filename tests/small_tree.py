"""A few units built directly with treebeard, for the rule tests that `make mutate` runs.

Those tests run with --no-migrations (docs/mutation.md), so they seed the unit kinds themselves:
ensure_kinds() puts them back the way the migrations do, and does nothing when they are there.
The units go in through treebeard, not the services, so the data does not depend on the rules
under test.
"""

from orgunits.models import OrgUnit
from tests.base import ensure_kinds, kind


def seed_kinds() -> None:
    ensure_kinds()


def add(parent: OrgUnit | None, code: str, name: str, kind_code: str, **fields) -> OrgUnit:
    unit = OrgUnit(code=code, name=name, kind=kind(kind_code), **fields)
    if parent is None:
        return OrgUnit.objects.add_root(instance=unit)
    parent.refresh_from_db()
    return OrgUnit.objects.add_child(parent, instance=unit)
