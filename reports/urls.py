from django.contrib import admin
from django.urls import path

from reports import views

# Mounted under admin/ before the admin site's own URLs, inside the admin's login.
urlpatterns = [
    path("coverage/", admin.site.admin_view(views.coverage_view), name="reports_coverage"),
    path("indicators/", admin.site.admin_view(views.indicators_view), name="reports_indicators"),
    path("entry/", admin.site.admin_view(views.entry_view), name="reports_entry"),
]
