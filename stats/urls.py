from django.contrib import admin
from django.urls import path

from stats import views

# Mounted under admin/ before the admin site's own URLs, inside the admin's login.
urlpatterns = [
    path("coverage/", admin.site.admin_view(views.coverage_view), name="stats_coverage"),
    path("indicators/", admin.site.admin_view(views.indicators_view), name="stats_indicators"),
    path("entry/", admin.site.admin_view(views.entry_view), name="stats_entry"),
]
