"""What of a person a user may see: one rule for every page, form, filter, autocomplete, import and
export. Which people she may see and change at all is rosters.selectors.people_for.

Identity numbers and phones are masked, and cannot be searched, filtered, ordered or diffed, without
`rosters.view_personal_data`.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

from rosters.identity import mask_id_number, mask_phone
from rosters.models import Person

PERSONAL_DATA_PERM = "rosters.view_personal_data"
PERSONAL_FIELDS = {"phone": mask_phone, "id_number": mask_id_number}


def may_see_personal_data(user) -> bool:
    return user.has_perm(PERSONAL_DATA_PERM)


def shown_personal_value(field: str, value, *, reveal: bool):
    """A personal field as this user may see it; any other field unchanged."""
    if reveal or field not in PERSONAL_FIELDS:
        return value
    return PERSONAL_FIELDS[field](value)


def touches_personal_data(model, lookup: str) -> bool:
    """Whether a changelist lookup such as person__id_number__startswith reaches a personal field."""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup or transform name: the field path has ended
        if model is Person and part in PERSONAL_FIELDS:
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False
