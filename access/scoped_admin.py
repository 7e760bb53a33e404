"""Admin classes that obey the user's scope (see access.scope): their permission rules and export pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from access.scope import scope_of
from orgunits.models import OrgUnit
from rosters.models import Person, Term
from rosters.selectors import people_for


class NotFoundMixin:
    """Objects outside get_queryset (the user's scope) do not exist for this user, on any page,
    including history pages that rebuild an object from its records."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope looks exactly like missing: no redirect that confirms the id exists.
        raise Http404

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        )


class ChangelistExportMixin:
    """An export/ page beside the list: the rows as filtered on screen, for whoever may view them.
    `?format=` picks the file format and is no filter."""

    def export_file(self, request, rows, file_format: str):
        raise NotImplementedError

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [path("export/", self.admin_site.admin_view(self.export_view), name=name), *super().get_urls()]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        file_format = params.pop("format", ["xlsx"])[-1]
        request.GET = params
        return self.export_file(request, self.get_changelist_instance(request).get_queryset(request), file_format)


class RuledAdminMixin(NotFoundMixin):
    """Add asks `may_add`, change and delete both ask `may_change`: each admin states its rule once."""

    def may_add(self, request) -> bool:
        raise NotImplementedError

    def may_change(self, request, obj) -> bool:
        raise NotImplementedError

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.may_add(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_change(request, obj)


class ScopedAdminMixin(RuledAdminMixin):
    """Rows reach their unit through `scope_via` ("" for units themselves, "unit__" for rows with a unit)."""

    scope_via = "unit__"

    def has_import_permission(self, request):
        # An import writes only inside her scope: with no unit she may edit, it has nothing to offer.
        return super().has_import_permission(request) and scope_of(request).can_edit_anything

    def unit_of(self, obj) -> OrgUnit | None:
        return obj if not self.scope_via else getattr(obj, self.scope_via.removesuffix("__"))

    def get_queryset(self, request):
        return scope_of(request).filter(super().get_queryset(request), self.scope_via)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or scope_of(request).can_view(self.unit_of(obj))
        )

    def may_add(self, request) -> bool:
        return scope_of(request).can_edit_anything

    def may_change(self, request, obj) -> bool:
        scope = scope_of(request)
        return scope.can_edit_anything if obj is None else scope.can_edit(self.unit_of(obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Every choice she could pick is one she may change; a foreign id is then an invalid choice,
        # exactly like a missing one, and the autocomplete never renders it as selected.
        scope = scope_of(request)
        if db_field.related_model is OrgUnit:
            kwargs["queryset"] = scope.units(editable=True)
        elif db_field.related_model is Person:
            kwargs["queryset"] = people_for(scope, editable=True)
        elif db_field.related_model is Term:
            kwargs["queryset"] = scope.filter(Term.objects.all(), "unit__", editable=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
