from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from registry.login import login

admin.site.site_header = "妇联组织信息管理系统"
admin.site.site_title = "妇联组织信息管理系统"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", login, name="login"),
    path("admin/statistics/facilities/", include("facilities.urls")),
    path("admin/statistics/", include("stats.urls")),
    path("admin/worklists/", include("rosters.urls")),
    path("admin/activities-totals/", include("activities.urls")),
    path("admin/", admin.site.urls),
]
