"""Statistics spreadsheets (long or wide) in the admin's import flow."""

from access.scope import Scope
from imports.resources import ImporterResource
from stats.stats_import import StatsImporter


class StatsResource(ImporterResource):
    importer_class = StatsImporter
    scope_for_user = staticmethod(Scope.for_user)

    class Meta:
        name = "统计数据表"
