"""娄星区 (431302) in the demo: loaded from the 2022 edition of the division codes, its organisations
set up, then brought to the 2023 edition on 2023-06-30 by `apply_divisions`, as a federation does each
year. Its history and 区划调整 records then show 方石村 becoming 方石社区 (村改居, recoded), 富冲村
becoming 富冲社区, and the new 金盆岭社区. Both editions are excerpts of the real files."""

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from orgunits.loader import load_divisions, read_divisions
from orgunits.models import OrgUnit

CHANGE_COUNTY = "431302"
CHANGED_ON = "2023-06-30"
ORGANISATIONS_SINCE = datetime.date(2018, 3, 8)


def demo_division_change(directory: Path) -> str:
    """What the apply said, or "" when the county is already there (the demo loads again unchanged)."""
    if OrgUnit.objects.filter(code=CHANGE_COUNTY).exists():
        return ""
    load_divisions(read_divisions(directory / "2022"))
    county = OrgUnit.objects.get(code=CHANGE_COUNTY)
    # Every unit of the county had its organisation before the change: the change must keep them.
    OrgUnit.objects.subtree(county).update(org_established_on=ORGANISATIONS_SINCE)
    out = StringIO()
    call_command(
        "apply_divisions",
        str(directory / "2023"),
        on=CHANGED_ON,
        edition="2023",
        under=CHANGE_COUNTY,
        stdout=out,
    )
    return out.getvalue().splitlines()[0]
