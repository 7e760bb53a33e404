"""Activity and honour spreadsheets in the admin's import flow."""

from access.scope import Scope
from activities.activity_import import ActivityImporter
from activities.honour_import import HonourImporter
from imports.resources import ImporterResource


class ActivityResource(ImporterResource):
    importer_class = ActivityImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "活动表"


class HonourResource(ImporterResource):
    importer_class = HonourImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "荣誉表"
