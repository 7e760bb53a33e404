"""Groups hold permissions for everyone in them: changing one is granting, so only national staff may."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group

from access.history_admin import NationalSettingsAdminMixin


class NationalGroupAdmin(NationalSettingsAdminMixin, GroupAdmin):
    pass


admin.site.unregister(Group)
admin.site.register(Group, NationalGroupAdmin)
