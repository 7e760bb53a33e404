"""会改联 in the demo: the village and community organisations founded at the 2017 reform were 妇代会
until that day and 妇联 from it, recorded as dated form changes (orgunits.org_forms); a few of
双峰县's communities have kept their 妇代会, so the coverage page and the report have a 改建率 below 100%.

Writing fills only what is blank: a unit with recorded changes, or a form of its own, is left alone.
"""

from orgunits.models import OrgForm, OrgUnit
from orgunits.org_forms import FormStep, org_form_changes_add
from orgunits.services import unit_update
from registry.demo.dates import REFORM, seeded
from registry.demo.organisations import CountyPlan

STILL_CONGRESS = {"431321": 3}  # communities per county that have not become 妇联
NOTE = "会改联"


def apply_form_changes(plans: list[CountyPlan]) -> int:
    """Returns the number of units given a change or a form."""
    changed = 0
    for plan in plans:
        reformed = [code for code, day in sorted(plan.established.items()) if day == REFORM]
        units = OrgUnit.objects.filter(code__in=reformed, kind__code__in=("village", "community"), org_form="")
        units = list(units.exclude(form_changes__isnull=False).select_related("kind").order_by("code"))
        communities = [unit for unit in units if unit.kind.code == "community"]
        still = set(
            seeded("forms", plan.code).sample(communities, min(STILL_CONGRESS.get(plan.code, 0), len(communities)))
        )
        for unit in units:
            if unit in still:
                unit_update(unit=unit, org_form=OrgForm.CONGRESS)
            else:
                org_form_changes_add(unit=unit, steps=[FormStep(REFORM, OrgForm.FEDERATION, OrgForm.CONGRESS, NOTE)])
            changed += 1
    return changed
