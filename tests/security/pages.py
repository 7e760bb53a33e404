"""The pages of the sweep, generated from the URL resolver and the admin registry: a new page joins by
existing. Each page knows its kind (changelist, change, revert form, coverage, …), its model, and
which object it names: one of hers, one outside her scope, a missing id, or none."""

import re

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from access.scope import Scope
from orgunits.models import OrgUnit
from rosters.models import Person, Term
from tests.base import MISSING_ID

# Pages anyone may open, signed in or not.
PUBLIC = {"login", "set_language", "jsi18n", "logout"}
WORKLISTS = ("without-chair", "terms-due", "busy", "vacant-seats")
# The admin's own views by URL name; model admin views by the suffix after app_model_.
SITE_KINDS = {
    "index": "index",
    "app_list": "app_list",
    "password_change": "password_change",
    "password_change_done": "password_change_done",
    "autocomplete": "autocomplete",
    "view_on_site": "view_on_site",
    "rosters_worklist": "worklist",
    "stats_coverage": "coverage",
    "facilities_coverage": "facility_coverage",
    "stats_indicators": "indicators",
    "stats_entry": "entry",
    "activities_totals": "activity_totals",
}
ADMIN_SUFFIXES = {"simple_history": "revert", "password_change": "password"}
APP_OF = {
    "assignment": "access",
    "facility": "facilities",
    "activity": "activities",
    "honour": "activities",
    "campaign": "activities",
}
POST_ONLY = ("finalize", "reopen", "process_import")
# Every report of the world has its coverage paragraph (its unit and the units below hold organisations).
PARAGRAPH_KEY = "basics.coverage"


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, name, name to reverse) for every URL pattern, namespaces included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, f"{namespace}{pattern.name}"


class Page:
    """One URL to ask, and the facts its expected answer depends on."""

    def __init__(self, url, kind, *, route, variant="none", model=None, obj=None, key=None, **facts):
        self.url, self.kind, self.route, self.variant = url, kind, route, variant
        self.model, self.obj = model, obj
        self.key = key or url  # the same page with another id has the same key
        self.version = facts.pop("version", None)  # the version a revert form restores
        self.app_label = facts.pop("app_label", None)
        self.offered = False  # set by the post sweep: whether the page offered her a form
        assert not facts, facts

    @property
    def post_only(self) -> bool:
        return self.kind in POST_ONLY

    def __repr__(self):
        return f"{self.variant}: {self.url}"


def model_admins():
    return list(admin.site._registry.items())


def admin_for(name):
    """The model admin whose URL names start with app_model_, and the suffix."""
    for model, model_admin in model_admins():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            suffix = name.removeprefix(prefix)
            return model, model_admin, ADMIN_SUFFIXES.get(suffix, suffix)
    return None, None, None


class PageGenerator:
    """Every page for one persona (user None: an anonymous visitor)."""

    factory = RequestFactory()

    def __init__(self, user, world):
        self.user, self.world = user, world
        self._related = {}
        self.scope = Scope.for_user(user) if user else Scope(unrestricted=False)

    # ---- what she owns and what lies outside her scope

    def visible(self, model_admin):
        request = self.factory.get("/")
        request.user = self.user
        return model_admin.get_queryset(request)

    def objects_for(self, model, model_admin) -> dict:
        """{variant: (pk, object)} for one model: one she sees, one she does not, and a missing id."""
        found = {"missing": (MISSING_ID, None)}
        everything = model._default_manager.order_by("pk")
        mine = everything.none() if self.user is None else self.visible(model_admin)
        own = mine.order_by("pk").first()
        outside = everything.exclude(pk__in=mine.values("pk"))
        if self.user is not None and model is type(self.user):
            outside = outside.exclude(pk=self.user.pk)  # her own account: she knows it exists
        foreign = outside.order_by("-pk").first()
        if own is not None:
            found["own"] = (own.pk, own)
        if foreign is not None:
            found["foreign"] = (foreign.pk, foreign)
        return found

    def foreign_unit(self):
        world = self.world
        for unit in (world.shutang, world.heye, world.yongfeng, world.xianghe):
            if not self.scope.can_view(unit) and not any(root.startswith(unit.path) for root in self.scope.view_paths):
                return unit
        return None

    def related_ids(self, model):
        """{variant: (pk, object)} of the model she may pick, may not, and a missing one."""
        if model not in self._related:
            self._related[model] = self.objects_for(model, admin.site._registry[model])
        return self._related[model]

    # ---- the pages

    def pages(self):
        history_routes = {}
        for route, name, full_name in url_patterns():
            if name in PUBLIC:
                continue
            if name is None:
                yield from self._unnamed(route)
                continue
            model, model_admin, kind = admin_for(name)
            if kind == "revert":
                history_routes[name] = route
            elif model is not None and "<str:key>" in route:  # a report's generated paragraph
                yield from self._object_pages(route, name, model, model_admin, kind, PARAGRAPH_KEY)
            elif model is not None and ("<path:object_id>" in route or "<id>" in route):
                yield from self._object_pages(route, name, model, model_admin, kind)
            elif model is not None and "<str:token>" in route:
                yield Page(reverse(full_name, args=["0123456789abcdef"]), kind, route=route, model=model)
            elif model is not None:
                yield Page(reverse(full_name), kind, route=route, model=model)
            elif name == "rosters_worklist":
                for worklist in WORKLISTS:
                    yield from self._unit_pages(route, "worklist", reverse(full_name, args=[worklist]) + "?unit={}")
            elif name == "stats_coverage":
                for query in ("on=2024-01-01", "on=bad", "on=2024-01-01&export=xlsx", "on=2024-01-01&export=csv"):
                    yield from self._unit_pages(route, "coverage", reverse(full_name) + "?unit={}&" + query)
            elif name == "facilities_coverage":
                for query in ("on=2024-01-01", "on=bad", "on=2024-01-01&export=xlsx", "on=2024-01-01&export=csv"):
                    yield from self._unit_pages(route, "facility_coverage", reverse(full_name) + "?unit={}&" + query)
            elif name == "activities_totals":
                for query in ("year=2023", "year=bad", "year=2023&export=xlsx", "year=2023&export=csv"):
                    yield from self._unit_pages(route, "activity_totals", reverse(full_name) + "?unit={}&" + query)
            elif name in ("stats_indicators", "stats_entry"):
                yield from self._unit_pages(route, SITE_KINDS[name], reverse(full_name) + "?unit={}&year=2023")
            elif name == "view_on_site":
                yield from self._view_on_site_pages(route)
            elif name == "app_list":
                for app_label in (
                    "auth",
                    "orgunits",
                    "access",
                    "rosters",
                    "stats",
                    "facilities",
                    "activities",
                    "reports",
                ):
                    url = reverse("admin:app_list", args=[app_label])
                    yield Page(url, "app_list", route=route, app_label=app_label)
            else:
                yield Page(reverse(full_name), SITE_KINDS[name], route=route)
        yield from self._history_form_pages(history_routes)
        yield from self._parameter_pages()

    def _unnamed(self, route):
        """Django's own unnamed patterns: the root, <id>/ (on to <id>/change/) and the admin's catch-all."""
        if route == "":
            yield Page("/", "root", route=route)
        elif route.endswith("<path:object_id>/"):
            model = next(
                m
                for m, _ma in model_admins()
                if route == f"admin/{m._meta.app_label}/{m._meta.model_name}/<path:object_id>/"
            )
            for variant, (pk, obj) in self.objects_for(model, admin.site._registry[model]).items():
                url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/"
                yield Page(url, "redirect", route=route, variant=variant, model=model, obj=obj, key=route)
        else:
            yield Page("/admin/no-such-page/", "catch_all", route=route)

    def _object_pages(self, route, name, model, model_admin, kind, *more):
        for variant, (pk, obj) in self.objects_for(model, model_admin).items():
            url = reverse(f"admin:{name}", args=[pk, *more])
            yield Page(url, kind, route=route, variant=variant, model=model, obj=obj, key=name)

    def _view_on_site_pages(self, route):
        for model, model_admin in model_admins():
            content_type = ContentType.objects.get_for_model(model)
            for variant, (pk, obj) in self.objects_for(model, model_admin).items():
                url = reverse("admin:view_on_site", args=[content_type.pk, pk])
                yield Page(url, "view_on_site", route=route, variant=variant, model=model, obj=obj, key=content_type.pk)

    def _history_form_pages(self, routes):
        for name, route in routes.items():
            model, model_admin, _kind = admin_for(name)
            history = model.history
            for variant, (pk, obj) in self.objects_for(model, model_admin).items():
                record = history.filter(**{model._meta.pk.attname: pk}).order_by("history_id").first()
                version = None
                if record is not None:
                    version = record.instance
                    if model is OrgUnit:  # the history keeps no tree columns: the live row's hold
                        version.path, version.depth = obj.path, obj.depth
                url = reverse(f"admin:{name}", args=[pk, record.history_id if record else 1])
                yield Page(url, "revert", route=route, variant=variant, model=model, obj=obj, key=name, version=version)

    def _unit_pages(self, route, kind, template, model=None):
        own, foreign = self.scope.home(), self.foreign_unit()
        if own is not None:
            yield Page(template.format(own.pk), kind, route=route, variant="own", model=model, obj=own, key=template)
        if foreign is not None:
            url = template.format(foreign.pk)
            yield Page(url, kind, route=route, variant="foreign", model=model, obj=foreign, key=template)
        yield Page(template.format(MISSING_ID), kind, route=route, variant="missing", model=model, key=template)

    def _parameter_pages(self):
        """Pages that take an id in the query string and render it as a chosen option or a label.
        The variant names the id's object; the page itself is the list or the blank add form."""
        from access.models import Assignment
        from activities.models import Activity, Honour
        from facilities.models import Facility
        from reports.models import SurveyReport
        from rosters.models import Appointment

        for kind, model, template in (
            ("changelist", OrgUnit, reverse("admin:orgunits_orgunit_changelist") + "?parent={}"),
            ("add", OrgUnit, reverse("admin:orgunits_orgunit_add") + "?parent={}"),
            ("changelist", Appointment, reverse("admin:rosters_appointment_changelist") + "?subtree={}"),
            ("add", Appointment, reverse("admin:rosters_appointment_add") + "?unit={}"),
            ("add", Term, reverse("admin:rosters_term_add") + "?unit={}"),
            ("add", Assignment, reverse("admin:access_assignment_add") + "?unit={}"),
            ("add", SurveyReport, reverse("admin:reports_surveyreport_add") + "?unit={}"),
            ("add", Facility, reverse("admin:facilities_facility_add") + "?unit={}"),
            ("add", Activity, reverse("admin:activities_activity_add") + "?unit={}"),
            ("add", Honour, reverse("admin:activities_honour_add") + "?unit={}"),
        ):
            yield from self._unit_pages(None, kind, template, model)  # pages of patterns swept above
        for model, related, template in (
            (Appointment, Person, reverse("admin:rosters_appointment_add") + "?person={}"),
            (Appointment, Term, reverse("admin:rosters_appointment_add") + "?term={}"),
            (Assignment, get_user_model(), reverse("admin:access_assignment_add") + "?user={}"),
        ):
            for variant, (pk, _obj) in self.related_ids(related).items():
                url = template.format(pk)
                yield Page(url, "add", route=None, variant=variant, model=model, key=template)
        for field_name, model_name, related, term in (
            ("person", "appointment", Person, "香河"),
            ("person", "appointment", Person, "永丰"),
            ("unit", "appointment", OrgUnit, "1310"),
            ("term", "appointment", Term, "淑阳"),
            ("user", "assignment", get_user_model(), "xianghe"),
            ("unit", "assignment", OrgUnit, "香河"),
            ("owner", "agebandset", OrgUnit, "香河"),
            ("owner", "educationgroupset", OrgUnit, "1310"),
            ("unit", "facility", OrgUnit, "香河"),
            ("unit", "activity", OrgUnit, "香河"),
            ("unit", "honour", OrgUnit, "1310"),
            ("owner", "campaign", OrgUnit, "香河"),
        ):
            app_label = APP_OF.get(model_name, "rosters")
            query = f"?app_label={app_label}&model_name={model_name}&field_name={field_name}&term={term}"
            yield Page(reverse("admin:autocomplete") + query, "autocomplete", route=None, model=related)
        for term in ("香河", "1310", "荷叶", "431321101"):
            url = reverse("admin:orgunits_orgunit_choose") + f"?term={term}"
            yield Page(url, "choose", route=None, model=OrgUnit)


def ids_in(url) -> set[str]:
    return set(re.findall(r"(?<=[/=])\d+(?=[/&]|$)", url))
