"""Groups hold permissions for everyone in them: changing one is granting, so only national staff may.
Registered by access.admin."""

from django.contrib.auth.admin import GroupAdmin

from access.history_admin import NationalSettingsAdminMixin


class NationalGroupAdmin(NationalSettingsAdminMixin, GroupAdmin):
    pass
