"""Officer spreadsheets in the admin's import flow."""

from access.scope import Scope
from imports.resources import ImporterResource
from rosters.duty_import import DutyImporter
from rosters.officers import OfficerImporter


class OfficerResource(ImporterResource):
    importer_class = OfficerImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "人员任职表"


class DutyResource(ImporterResource):
    importer_class = DutyImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "执委履职表"
