"""The exact status every page owes each persona, worked out from who she is, never from the answer.

A persona is described by facts: superuser or not, her model permissions, and her scope (the units
she views, edits and manages, access.scope). Each admin adds its own rule to Django's model
permission; FAMILY says which rule, and `Persona.may` applies it. `expected_status` then reads the
table KINDS: one line per kind of page, for an object of her own, one outside her scope, a missing
id, or no object at all.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import admin
from django.contrib.auth.models import Group, User

from access.models import Assignment
from access.scope import Scope
from access.selectors import accounts_managed_by
from activities.models import Activity, ActivityType, Campaign, Honour
from facilities.models import Facility, FacilityKind
from orgunits.models import OrgFormChange, OrgUnit, UnitChange, UnitKind
from reports.models import SurveyReport
from rosters.models import (
    AgeBandSet,
    Appointment,
    ConcurrentRole,
    DutyRecord,
    DutyType,
    EducationGroupSet,
    Person,
    Post,
    Term,
)
from rosters.selectors import people_for
from stats.models import DataElement, DataValue, EligibilityRule, Indicator, ValidationRule

# Each admin's rule beyond the model permission (for add, change and delete; viewing is the model
# permission on what her queryset holds):
SCOPED = "scoped"  # rows of a unit (scoped_admin.ScopedAdminMixin): change where she edits the unit
PEOPLE = "people"  # people (roster_admin.PersonAdmin): people_for(scope, editable=True)
NATIONAL = "national"  # the whole country's settings (NationalSettingsAdminMixin): Scope.national
ACCOUNTS = "accounts"  # users and assignments (access.accounts): accounts she manages
FIGURES = "figures"  # data values (stats.admin.DataValueAdmin): written on the entry page only
# Profile sets (rosters.profile_admin): the national ones (no owner) are everyone's to view and change
# where Scope.national; a unit's are seen and changed like its other rows.
PROFILES = "profiles"
RECORDS = "records"  # dated division changes (orgunits.change_admin): viewed like a unit's rows, never written
FAMILY = {
    OrgUnit: SCOPED,
    Term: SCOPED,
    Appointment: SCOPED,
    DutyRecord: SCOPED,
    SurveyReport: SCOPED,
    Facility: SCOPED,
    DataValue: FIGURES,
    UnitChange: RECORDS,
    OrgFormChange: SCOPED,
    Person: PEOPLE,
    Assignment: ACCOUNTS,
    User: ACCOUNTS,
    UnitKind: NATIONAL,
    Post: NATIONAL,
    ConcurrentRole: NATIONAL,
    DutyType: NATIONAL,
    DataElement: NATIONAL,
    ValidationRule: NATIONAL,
    Indicator: NATIONAL,
    EligibilityRule: NATIONAL,
    FacilityKind: NATIONAL,
    Group: NATIONAL,
    AgeBandSet: PROFILES,
    EducationGroupSet: PROFILES,
    ActivityType: NATIONAL,
    Campaign: PROFILES,  # national (no owner) or a unit's own, like the profile sets
    Activity: SCOPED,
    Honour: SCOPED,
}
# Admins that answer a missing id with 404 (scoped_admin.NotFoundMixin), so that an id outside her
# scope reads as missing. The national settings' admins are Django's own, which send a missing id to
# the index with a message (302): every national setting is visible to whoever may view the model.
NOT_FOUND_IS_404 = {
    OrgUnit,
    OrgFormChange,
    UnitChange,
    Term,
    Appointment,
    DutyRecord,
    SurveyReport,
    Facility,
    DataValue,
    Person,
    Assignment,
    User,
    AgeBandSet,
    EducationGroupSet,
    Campaign,
    Activity,
    Honour,
}
# Admins whose history pages are history_admin.GuardedHistoryAdmin's: the list of versions and the
# revert form answer 404 for anything she may not view, before any other question.
GUARDED_HISTORY = {
    OrgUnit,
    OrgFormChange,
    UnitKind,
    Person,
    Term,
    Appointment,
    DutyRecord,
    Assignment,
    DataValue,
    Indicator,
    SurveyReport,
    Facility,
    FacilityKind,
    ActivityType,
    Campaign,
    Activity,
    Honour,
}


@dataclass(eq=False)
class Persona:
    label: str
    user: object  # None for an anonymous visitor

    def __post_init__(self):
        # Read now, before any post of hers changes (and rolls back) her assignments or accounts.
        for fact in ("scope", "perms", "managed"):
            getattr(self, fact)

    @property
    def anonymous(self) -> bool:
        return self.user is None

    @property
    def superuser(self) -> bool:
        return self.user is not None and self.user.is_superuser

    @cached_property
    def scope(self) -> Scope:
        return Scope(unrestricted=False) if self.user is None else Scope.for_user(self.user)

    @cached_property
    def perms(self) -> set[str]:
        return set() if self.user is None else self.user.get_all_permissions()

    @cached_property
    def managed(self) -> set[int]:
        return set() if self.user is None else set(accounts_managed_by(self.user).values_list("pk", flat=True))

    def perm(self, action: str, model) -> bool:
        return self.perm_named(f"{model._meta.app_label}.{action}_{model._meta.model_name}")

    def perm_named(self, name: str) -> bool:
        return self.superuser or name in self.perms

    def may(self, action: str, model, obj=None) -> bool:
        """Whether the admin grants `action` on the model (obj None), or on one of the objects she sees."""
        if not self.perm(action, model):
            return False
        if action == "view":
            return True
        family, scope = FAMILY[model], self.scope
        if family == RECORDS:
            return False
        if family == FIGURES:
            return action == "delete" and (scope.can_edit_anything if obj is None else scope.can_edit(obj.unit))
        if self.superuser:
            return not (action == "change" and isinstance(obj, SurveyReport) and obj.is_final)
        if family == NATIONAL:
            return scope.national
        if family == PROFILES:
            if obj is None:
                return scope.can_edit_anything
            return scope.national if obj.owner_id is None else scope.can_edit(obj.owner)
        if family == SCOPED:
            if obj is None:
                return scope.can_edit_anything
            final = action == "change" and isinstance(obj, SurveyReport) and obj.is_final
            return scope.can_edit(unit_of(obj)) and not final
        if family == PEOPLE:
            if obj is None:
                return scope.can_edit_anything
            return people_for(scope, editable=True).filter(pk=obj.pk).exists()
        # ACCOUNTS: adding needs a unit she manages; a user's pages need only the permission until
        # there is an account, an assignment's a unit she manages. An account is hers to change when
        # she manages it; an assignment when she manages its account (never her own).
        if obj is None:
            return bool(scope.manage_paths) if action == "add" or model is Assignment else True
        account = obj.pk if model is User else obj.user_id
        return account in self.managed

    def views(self, model) -> bool:
        """Django's has_view_or_change_permission on the model."""
        return self.may("view", model) or self.may("change", model)

    def sees(self, model, pk) -> bool:
        """Whether a version naming this unit, person or term may be shown to her (GuardedHistoryAdmin)."""
        if self.superuser:
            return True
        if model is OrgUnit:
            return self.scope.units().filter(pk=pk).exists()
        if model is Person:
            return people_for(self.scope).filter(pk=pk).exists()
        return self.scope.filter(Term.objects.all(), "unit__").filter(pk=pk).exists()


def unit_of(obj) -> OrgUnit:
    return obj if isinstance(obj, OrgUnit) else obj.unit


# ---- the table


def refused_or_missing(p: Persona, model, allowed: bool) -> int:
    """An id she cannot reach: refused (403) when the model is not hers, else missing: 404, or Django's
    redirect to the index for admins whose objects are all visible to whoever may view the model."""
    if not allowed:
        return 403
    return 404 if model in NOT_FOUND_IS_404 else 302


def protected(obj) -> bool:
    """Whether rows that point at it with PROTECT keep it from being deleted (Django's delete page
    then lists them and offers no button)."""
    from django.contrib.admin.utils import NestedObjects

    collector = NestedObjects(using="default")
    collector.collect([obj])
    return bool(collector.protected)


def named_anywhere(unit) -> bool:
    """Whether any row points at the unit (a person registered there, a term, an assignment, …)."""
    return any(
        relation.related_model._default_manager.filter(**{relation.field.name: unit}).exists()
        for relation in OrgUnit._meta.related_objects
    )


def changelist(p, page, method):
    if not p.views(page.model):
        return 403
    if method == "POST" and admin.site._registry[page.model].list_editable:
        # The list's own form saves its editable column: only for those who may change the model.
        return 302 if p.may("change", page.model) else 403
    return 200  # a post without an action shows the list again


def add_page(p, page, method):
    return 200 if p.may("add", page.model) else 403  # the blank form, or posted back with its errors


def change_page(p, page, method):
    model, obj = page.model, page.obj
    if method == "POST":
        if page.variant != "own":
            return refused_or_missing(p, model, p.may("change", model))
        return 302 if p.may("change", model, obj) else 403  # the form as shown is valid: saved
    if page.variant != "own":
        return refused_or_missing(p, model, p.views(model))
    return 200 if p.may("view", model) or p.may("change", model, obj) else 403


def delete_page(p, page, method):
    model, obj = page.model, page.obj
    if page.variant != "own":
        return refused_or_missing(p, model, p.may("delete", model))
    if not p.may("delete", model, obj):
        return 403
    if model is OrgUnit:
        # Only a unit entered by mistake is deleted; one with children or rows of its own is closed
        # instead: the page sends her back to the unit with the reason. Which one she gets depends
        # on the unit, so the fact is read from it.
        return 302 if obj.numchild or named_anywhere(obj) else (302 if method == "POST" else 200)
    if protected(obj):
        return 200  # the page names what protects it; a post without its button shows it again
    return 302 if method == "POST" else 200


def history_page(p, page, method):
    model = page.model
    if FAMILY[model] == NATIONAL and not p.views(model):
        return 403  # before the object is looked up: a missing id reads as one that exists
    if model in GUARDED_HISTORY:
        return 200 if page.variant == "own" and p.may("view", model) else 404
    if page.variant != "own":
        return 404 if model in NOT_FOUND_IS_404 else 302  # Django looks the object up before asking
    return 200 if p.views(model) else 403


def revert_page(p, page, method):
    model, obj, version = page.model, page.obj, page.version
    # Missing, outside her scope, not hers to view, or without that version (loaded units and seeded
    # settings have no history of their own): all alike.
    if page.variant != "own" or not p.may("view", model) or version is None:
        return 404
    if not (p.may("change", model, obj) and p.may("change", model, version) and version_shown(p, model, version)):
        return 403
    return 302 if method == "POST" else 200  # the version as shown is valid: restored


def version_shown(p, model, version) -> bool:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model in (OrgUnit, Person, Term):
            related = getattr(version, field.attname)
            if related is not None and not p.sees(field.related_model, related):
                return False
    return True


def unit_action(p, page, method):
    """Move and close: her own unit only, and never moving her top unit (its parent is not hers)."""
    if page.variant != "own":
        return 404
    unit = page.obj
    if not p.may("change", OrgUnit, unit):
        return 403
    parent_path = OrgUnit.parent_path_of(unit.path)
    if page.kind == "move" and not (parent_path and p.scope.can_edit(OrgUnit(path=parent_path))):
        return 403
    return 200  # the blank form, or posted back with its errors


def report_page(p, page, method):
    if page.variant != "own":
        return 404
    return 200 if p.may("view", SurveyReport) else 403


def report_transition(p, page, method):
    if method == "GET":
        return 405
    if page.variant != "own":
        return 404
    if not (p.may("view", SurveyReport) and p.perm("change", SurveyReport) and p.scope.can_edit(page.obj.unit)):
        return 403
    return 302  # done, or refused with a message on the report's page


def report_paragraph(p, page, method):
    """A draft's paragraph: for those who may change the report, in her scope; a final report is read-only."""
    if page.variant != "own":
        return 404
    if not p.may("view", SurveyReport):
        return 403
    report = page.obj
    if report.is_final or not (p.perm("change", SurveyReport) and p.scope.can_edit(report.unit)):
        return 403
    return 302 if method == "POST" else 200  # saved, and back to the report


def user_password(p, page, method):
    if page.variant != "own":
        return refused_or_missing(p, User, p.may("change", User))
    return 200 if p.may("change", User, page.obj) else 403


def entry(p, page, method):
    if not (p.perm("view", OrgUnit) and p.perm("add", DataValue) and p.perm("change", DataValue)):
        return 403
    if method == "POST" and page.variant == "own":
        return 302 if p.scope.can_edit(page.obj) else 403  # saved; a viewer is refused
    return 200  # an id outside her scope is an invalid choice, like a missing one: the page says so


def app_list(p, page, method):
    models = [model for model in FAMILY if model._meta.app_label == page.app_label]
    offered = any(p.may(action, model) for model in models for action in ("view", "add", "change", "delete"))
    return 200 if offered else 404


def import_view(p, page, method):
    # The add permission (django-import-export's question) and a unit she may edit (ScopedAdminMixin).
    return 200 if p.perm("add", page.model) and p.scope.can_edit_anything else 403


def divisions_page(p, page, method):
    """区划调整 (orgunits.division_upload_admin): its own permission and a unit she may edit. The swept
    post has no edition chosen: the form comes back with its errors."""
    return 200 if p.perm_named("orgunits.apply_divisionchange") and p.scope.can_edit_anything else 403


KINDS = {
    "root": lambda p, page, m: 302,  # on to the admin
    "catch_all": lambda p, page, m: 404,
    "index": lambda p, page, m: 200,
    "app_list": app_list,
    "password_change": lambda p, page, m: 200,
    "password_change_done": lambda p, page, m: 405 if m == "POST" else 200,
    "changelist": changelist,
    "add": add_page,
    "change": change_page,
    "redirect": lambda p, page, m: 302,  # <id>/ goes on to <id>/change/, whatever the id
    "delete": delete_page,
    "history": history_page,
    "revert": revert_page,
    "view_on_site": lambda p, page, m: 404,  # no model has a page of its own outside the admin
    "move": unit_action,
    "close": unit_action,
    "report": report_page,
    "docx": report_page,
    "finalize": report_transition,
    "reopen": report_transition,
    "paragraph": report_paragraph,
    "password": user_password,
    "import": import_view,
    "process_import": lambda p, page, m: 405 if m == "GET" else import_view(p, page, m),
    "import_errors": lambda p, page, m: 404 if import_view(p, page, m) == 200 else 403,  # no such file
    "export": lambda p, page, m: 200 if p.views(page.model) else 403,
    "choose": lambda p, page, m: 405 if m == "POST" else (200 if p.views(OrgUnit) else 403),
    # Without a model (no parameters) Django's autocomplete refuses everyone.
    "autocomplete": lambda p, page, m: 405 if m == "POST" else (200 if page.model and p.views(page.model) else 403),
    "worklist": lambda p, page, m: 200 if p.perm("view", OrgUnit) and p.perm("view", Appointment) else 403,
    "coverage": lambda p, page, m: 200 if p.perm("view", OrgUnit) else 403,
    "facility_coverage": lambda p, page, m: 200 if p.perm("view", OrgUnit) and p.perm("view", Facility) else 403,
    "indicators": lambda p, page, m: 200 if p.perm("view", OrgUnit) and p.perm("view", DataValue) else 403,
    "entry": entry,
    "activity_totals": lambda p, page, m: 200 if p.perm("view", OrgUnit) and p.perm("view", Activity) else 403,
    "divisions": divisions_page,
}


def expected_status(p: Persona, page, method: str = "GET") -> int:
    if p.anonymous:
        return 302  # to the login, on every page (the root first goes on to the admin)
    return KINDS[page.kind](p, page, method)
