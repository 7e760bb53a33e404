from django.contrib import admin
from django.urls import path

from rosters import views as roster_views

# Mounted under admin/ before the admin site's own URLs, inside the admin's login.
urlpatterns = [
    path("<slug:name>/", admin.site.admin_view(roster_views.worklist_view), name="rosters_worklist"),
]
