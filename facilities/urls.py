from django.contrib import admin
from django.urls import path

from facilities import views

# Mounted under admin/statistics/facilities/, inside the admin's login.
urlpatterns = [
    path("coverage/", admin.site.admin_view(views.coverage_view), name="facilities_coverage"),
]
