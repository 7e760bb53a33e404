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
from orgunits.models.units import (
    NATION_CODE,
    AccountOrigin,
    Assignment,
    OrgForm,
    OrgUnit,
    OrgUnitQuerySet,
    UnitKind,
)

__all__ = [
    "NATION_CODE",
    "AccountOrigin",
    "Appointment",
    "AppointmentMode",
    "Assignment",
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
