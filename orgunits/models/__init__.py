from orgunits.models.roster import (
    Appointment,
    AppointmentMode,
    ConcurrentRole,
    Education,
    Person,
    PoliticalStatus,
    Post,
    Sex,
    Term,
)
from orgunits.models.units import NATION_CODE, OrgForm, OrgUnit, OrgUnitQuerySet, UnitKind

__all__ = [
    "NATION_CODE",
    "Appointment",
    "AppointmentMode",
    "ConcurrentRole",
    "Education",
    "OrgForm",
    "OrgUnit",
    "OrgUnitQuerySet",
    "Person",
    "PoliticalStatus",
    "Post",
    "Sex",
    "Term",
    "UnitKind",
]
