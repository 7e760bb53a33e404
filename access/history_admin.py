"""History pages under the same rules as the change page, for every admin that keeps history.

django-simple-history's own revert form answers anyone who may *view* the object, judges the
permission on the old version only, and saves with the form alone. Here:
- the history list and the revert form exist only for objects in the user's queryset; anything
  else answers 404, exactly like a missing id;
- a revert is a change: it needs the change permission on the live object and on the version being
  restored (a viewer never gets the form), it is the change page's form bound to the live object,
  and it is saved through save_model, that is through the services;
- the list never shows identity numbers or phones to those without the permission, nor names
  of units or people outside the scope.
"""

from functools import cached_property

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from access.scope import scope_of
from orgunits.models import OrgUnit
from rosters.models import Person, Term
from rosters.people import may_see_personal_data, shown_personal_value, touches_personal_data
from rosters.selectors import people_for

HIDDEN_VALUE = "（无权查看）"
HIDDEN_VERSION = "（此版本涉及您管辖范围以外的单位或人员）"
# Foreign keys whose targets are scoped: a version or a diff may name them only inside her scope.
SCOPED_MODELS = (OrgUnit, Person, Term)


class PersonalLookupGuardMixin:
    """Changelist filters such as ?id_number__startswith= would reveal a masked number digit by digit."""

    def lookup_allowed(self, lookup, value, request):
        if touches_personal_data(self.model, lookup) and not may_see_personal_data(request.user):
            return False
        return super().lookup_allowed(lookup, value, request)


class GuardedRecordContextHelper(HistoricalRecordContextHelper):
    def __init__(self, model, record, *, shown):
        super().__init__(model, record)
        self.shown = shown

    def prepare_delta_change_value(self, change, value):
        return super().prepare_delta_change_value(change, self.shown(change.field, value))


class GuardedHistoryAdmin(PersonalLookupGuardMixin, SimpleHistoryAdmin):
    object_history_form_template = "simple_history/object_history_form.html"

    # ---- the list of versions

    def history_view(self, request, object_id, extra_context=None):
        self._live_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        request._visible_ids = self._visible_ids(request, historical_records)
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)

    def render_history_view(self, request, template, context, **kwargs):
        records = context.get("page_obj")
        if records is not None:
            visible = getattr(request, "_visible_ids", None) or self._visible_ids(request, records)
            self._name_versions(records)
            for record in records:
                if not self._version_visible(visible, record):
                    record.history_object = HIDDEN_VERSION
        return super().render_history_view(request, template, context, **kwargs)

    def _name_versions(self, records) -> None:
        """Each row names its version, whose __str__ may read its foreign keys: fetch those once per
        page, not once per row (simple_history builds a fresh, unloaded instance on every access)."""
        versions = [record.history_object for record in records]
        prefetch_related_objects(versions, *self._foreign_keys)
        for record, version in zip(records, versions, strict=True):
            record.history_object = version

    def get_historical_record_context_helper(self, request, historical_record):
        reveal = may_see_personal_data(request.user)
        if not hasattr(request, "_visible_ids"):  # asked outside history_view: judge this record alone
            request._visible_ids = self._visible_ids(request, [historical_record])
        visible = request._visible_ids

        def shown(field, value):
            if value is None:
                return value
            if isinstance(value, DeletedObject):
                return HIDDEN_VALUE if visible is not None else value
            if visible is not None and type(value) in visible and value.pk not in visible[type(value)]:
                return HIDDEN_VALUE
            return shown_personal_value(field, value, reveal=reveal)

        return GuardedRecordContextHelper(self.model, historical_record, shown=shown)

    @cached_property
    def _foreign_keys(self) -> list[str]:
        return [field.name for field in self.model._meta.concrete_fields if field.many_to_one]

    @cached_property
    def _scoped_references(self):
        """The model's foreign keys to scoped models: fixed per model, so worked out once."""
        return [
            field
            for field in self.model._meta.concrete_fields
            if field.is_relation and field.related_model in SCOPED_MODELS
        ]

    def _visible_ids(self, request, records) -> dict | None:
        """For each scoped model the versions refer to, the ids she may see; None when she sees everything."""
        scope = scope_of(request)
        if scope.unrestricted:
            return None
        wanted = {model: set() for model in SCOPED_MODELS}
        for record in records:
            for field in self._scoped_references:
                related_id = getattr(record, field.attname)
                if related_id is not None:
                    wanted[field.related_model].add(related_id)
        visible = {
            OrgUnit: scope.units(),
            Person: people_for(scope),
            Term: scope.filter(Term.objects.all(), "unit__"),
        }
        return {
            model: set(visible[model].filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
            for model, ids in wanted.items()
        }

    def _version_visible(self, visible, version) -> bool:
        if visible is None:
            return True
        for field in self._scoped_references:
            related_id = getattr(version, field.attname)
            if related_id is not None and related_id not in visible[field.related_model]:
                return False
        return True

    # ---- one version, and its revert

    def _live_object(self, request, object_id):
        live = self.get_object(request, unquote(object_id))
        if live is None or not self.has_view_permission(request, live):
            raise Http404
        return live

    def _version(self, request, live, version_id):
        if not str(version_id).isdigit():
            raise Http404
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        # On the history model "pk" is history_id: the object's own key goes by its attname.
        record = history.filter(**{self.model._meta.pk.attname: live.pk, "history_id": version_id}).first()
        if record is None:
            raise Http404
        version = record.instance
        version._state.adding = False
        # Columns the history does not keep (tree columns, timestamps) are the live row's.
        kept = {field.attname for field in record._meta.concrete_fields}
        for field in self.model._meta.concrete_fields:
            if field.attname not in kept:
                setattr(version, field.attname, getattr(live, field.attname))
        return version

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.current_app = self.admin_site.name
        live = self._live_object(request, object_id)
        version = self._version(request, live, version_id)
        if not self.may_revert(request, live, version):
            raise PermissionDenied
        form_class = self.get_form(request, live, change=True)
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, instance=live)
            if form.is_valid():
                try:
                    saved = self.save_form(request, form, change=True)
                    self.save_model(request, saved, form, change=True)
                    self.save_related(request, form, [], change=True)
                except ValidationError as exc:  # another writer changed what the form checked
                    for message in exc.messages:
                        messages.error(request, message)
                else:
                    self.log_change(request, saved, self.construct_change_message(request, form, []))
                    return self.response_change(request, saved)
        else:
            form = form_class(instance=version)
            for note in self.revert_notes(request, live, version):
                messages.warning(request, note)
        return self.render_history_view(
            request,
            self.object_history_form_template,
            self._revert_context(request, live, version, form, extra_context),
        )

    def revert_notes(self, request, live, version) -> list[str]:
        """What the revert will not restore, said on its page (personal data she may not see)."""
        return []

    def may_revert(self, request, live, version) -> bool:
        return (
            self.has_change_permission(request, live)
            and self.has_change_permission(request, version)
            and self._version_visible(self._visible_ids(request, [version]), version)
        )

    def revert_disabled(self, request, obj=None):
        return obj is None or not self.has_change_permission(request, obj)

    def _revert_context(self, request, live, version, form, extra_context):
        opts = self.model._meta
        admin_form = helpers.AdminForm(
            form,
            self.get_fieldsets(request, live),
            self.get_prepopulated_fields(request, live),
            self.get_readonly_fields(request, live),
            model_admin=self,
        )
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        return {
            **self.admin_site.each_context(request),
            "title": self.history_form_view_title(request, live),
            "adminform": admin_form,
            "object_id": live.pk,
            "original": version,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),
            "errors": helpers.AdminErrorList(form, []),
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{prefix}_changelist"),
            "change_url": reverse(f"{prefix}_change", args=(live.pk,)),
            "history_url": reverse(f"{prefix}_history", args=(live.pk,)),
            "change_history": False,
            "revert_disabled": False,
            "add": False,
            "change": True,
            "has_add_permission": self.has_add_permission(request),
            "has_view_permission": True,
            "has_change_permission": True,
            "has_delete_permission": self.has_delete_permission(request, live),
            "has_file_field": True,
            "has_absolute_url": False,
            "form_url": "",
            "opts": getattr(self.model, self.model._meta.simple_history_manager_attribute).model._meta,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": self.save_as,
            "save_on_top": self.save_on_top,
            "root_path": getattr(self.admin_site, "root_path", None),
            **(extra_context or {}),
        }


class NationalSettingsAdminMixin:
    """Kinds, posts, roles, elements, indicators and rules hold for the whole country: only superusers
    and editors of the national root change them, whatever model permissions a clerk was given."""

    def _national(self, request) -> bool:
        return scope_of(request).national

    def history_view(self, request, object_id, extra_context=None):
        # Django looks the object up before the permission: to someone who may not view the model, a
        # missing id would answer (302) otherwise than one that exists (403).
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._national(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._national(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._national(request)
