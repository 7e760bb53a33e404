"""Unit and organisation form change spreadsheets in the admin's import flow."""

from access.scope import Scope
from imports.resources import ImporterResource
from orgunits.form_import import FormChangeImporter
from orgunits.unit_import import UnitImporter


class UnitResource(ImporterResource):
    importer_class = UnitImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "单位表"


class FormChangeResource(ImporterResource):
    importer_class = FormChangeImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "组织形式变更表"
