"""Activity spreadsheets in the admin's import flow."""

from access.scope import Scope
from activities.activity_import import ActivityImporter
from imports.resources import ImporterResource


class ActivityResource(ImporterResource):
    importer_class = ActivityImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "活动表"
