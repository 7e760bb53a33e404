from django.contrib import admin
from django.urls import path

from activities import views

# Mounted under admin/ before the admin site's own URLs, inside the admin's login.
urlpatterns = [
    path("totals/", admin.site.admin_view(views.totals_view), name="activities_totals"),
]
