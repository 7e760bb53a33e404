"""The facilities spreadsheet in the admin's import flow."""

from access.scope import Scope
from facilities.facility_import import FacilityImporter
from imports.resources import ImporterResource


class FacilityResource(ImporterResource):
    importer_class = FacilityImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "阵地表"
