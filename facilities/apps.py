from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "阵地建设"

    def ready(self):
        from facilities.closures import close_facilities_on_units_closed
        from orgunits.signals import units_closed

        units_closed.connect(close_facilities_on_units_closed, dispatch_uid="facilities_close_on_units_closed")
