"""Autocomplete for choosing a unit where there is no foreign key to hang Django's own on
(the parent of a new unit, the target of a move). Never renders a <select> of all units."""

import json

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import reverse

from orgunits.models import OrgUnit

URL_NAME = "orgunits_orgunit_choose"


def location_labels(units) -> dict[int, str]:
    """'湖南省 / 娄底市 / 双峰县' for each unit's ancestors, in one query for the whole batch."""
    chains = OrgUnit.objects.only("name", "path", "depth").ancestor_chains(units)
    return {
        pk: " / ".join(ancestor.name for ancestor in chain if not ancestor.is_root()) for pk, chain in chains.items()
    }


class UnitChoiceView(AutocompleteJsonView):
    """Search units as the unit admin does, within what the user may see."""

    def process_request(self, request):
        return request.GET.get("term", ""), self.admin_site._registry[OrgUnit], None, "pk"

    def has_perm(self, request, obj=None):
        return self.model_admin.has_view_permission(request, obj=obj)

    def get_queryset(self):
        qs = self.model_admin.get_queryset(self.request)
        qs, _ = self.model_admin.get_search_results(self.request, qs, self.term)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.locations = location_labels(context["object_list"])
        return context

    def serialize_result(self, obj, to_field_name):
        where = self.locations.get(obj.pk)
        return {"id": str(obj.pk), "text": f"{obj}　{where}" if where else str(obj)}


class UnitAutocompleteWidget(AutocompleteSelect):
    queryset = OrgUnit.objects.none()  # set by UnitChoiceField to its own queryset

    def __init__(self, admin_site, attrs=None):
        super().__init__(field=None, admin_site=admin_site, attrs=attrs)

    def get_url(self):
        return reverse(f"{self.admin_site.name}:{URL_NAME}")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = forms.Select.build_attrs(self, base_attrs, extra_attrs=extra_attrs)
        css = attrs.get("class", "")
        attrs.update(
            {
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-ajax--url": self.get_url(),
                "data-theme": "admin-autocomplete",
                "data-allow-clear": json.dumps(not self.is_required),
                "data-placeholder": "输入代码或名称搜索",
                "lang": self.i18n_name,
                "class": f"{css} admin-autocomplete".strip(),
            }
        )
        return attrs

    def optgroups(self, name, value, attr=None):
        selected = [v for v in value if v not in ("", None)]
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        # Only units the field accepts: a foreign id in the address renders like a missing one.
        units = self.queryset.filter(pk__in=[v for v in selected if str(v).isdigit()])
        for index, unit in enumerate(units, start=len(options)):
            options.append(self.create_option(name, unit.pk, str(unit), True, index))
        return [(None, options, 0)]


# The same words for a unit that does not exist and one outside her scope: they must read alike.
UNIT_NOT_FOUND = "找不到这个单位，或它不在您的管辖范围内。"


class UnitChoiceField(forms.ModelChoiceField):
    """Accepts no unit at all until limit_unit_choices gives it the user's scope."""

    default_error_messages = {"invalid_choice": UNIT_NOT_FOUND}

    def __init__(self, admin_site, **kwargs):
        super().__init__(queryset=OrgUnit.objects.none(), widget=UnitAutocompleteWidget(admin_site), **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


def limit_unit_choices(form, scope, *, editable: bool = False):
    """Every unit field of the form offers, accepts and shows only units of the scope, so a foreign
    id is an invalid choice, exactly like a missing one, and is never named."""
    for field in form.fields.values():
        if isinstance(field, UnitChoiceField):
            field.queryset = scope.units(editable=editable)
    return form
