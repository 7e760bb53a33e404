"""Admin of the officer profile sets (age bands, education groups).

The national sets (no owner) are the whole country's: everyone who may view the model sees them,
only national administrators change them. A set owned by a unit is seen and changed like the unit's
other rows: inside her scope only, and out of scope it is missing (404).
"""

from django import forms
from django.contrib import admin
from django.db.models import Q

from access.scope import Scope, scope_of
from access.scoped_admin import RuledAdminMixin
from rosters.models import AgeBand, AgeBandSet, Education, EducationGroup, EducationGroupSet


def sets_for(scope: Scope, queryset):
    """The national sets and those owned by units in her scope."""
    if scope.unrestricted:
        return queryset
    owned = scope.filter(queryset, "owner__")
    return queryset.filter(Q(owner__isnull=True) | Q(pk__in=owned.values("pk")))


def may_change_set(scope: Scope, profile_set) -> bool:
    if profile_set is None:
        return scope.can_edit_anything
    return scope.national if profile_set.owner_id is None else scope.can_edit(profile_set.owner)


class ParentRuledInline(admin.TabularInline):
    """Bands and groups are part of their set: whoever may change the set changes them."""

    extra = 0

    def _parent(self):
        return self.admin_site._registry[self.parent_model]

    def _may_write(self, request, obj) -> bool:
        parent = self._parent()
        return parent.has_change_permission(request, obj) if obj else parent.has_add_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)


class AgeBandInline(ParentRuledInline):
    model = AgeBand
    fields = ("position", "label", "lower", "lower_inclusive", "upper", "upper_inclusive")


class EducationGroupForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(label="包含学历", choices=Education.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = EducationGroup
        fields = ("position", "label", "levels")


class EducationGroupInline(ParentRuledInline):
    model = EducationGroup
    form = EducationGroupForm
    fields = ("position", "label", "levels")


class ProfileSetAdmin(RuledAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "is_default")
    list_select_related = ("owner",)
    list_filter = ("is_default",)
    search_fields = ("name",)
    autocomplete_fields = ("owner",)
    fields = ("name", "owner", "is_default")

    def get_queryset(self, request):
        return sets_for(scope_of(request), super().get_queryset(request))

    def may_add(self, request) -> bool:
        return scope_of(request).can_edit_anything

    def may_change(self, request, obj) -> bool:
        return may_change_set(scope_of(request), obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            # Only her own units to choose from; only a national administrator may leave it empty.
            scope = scope_of(request)
            kwargs["queryset"] = scope.units(editable=True)
            kwargs["required"] = not scope.national
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AgeBandSet)
class AgeBandSetAdmin(ProfileSetAdmin):
    inlines = [AgeBandInline]


@admin.register(EducationGroupSet)
class EducationGroupSetAdmin(ProfileSetAdmin):
    inlines = [EducationGroupInline]
