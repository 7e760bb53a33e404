from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "rosters"
    verbose_name = "干部队伍"

    def ready(self):
        from orgunits.signals import units_closed
        from rosters.closures import end_rosters_on_units_closed

        units_closed.connect(end_rosters_on_units_closed, dispatch_uid="rosters_end_on_units_closed")
