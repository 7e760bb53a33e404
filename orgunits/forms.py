from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import construct_instance

from orgunits.autocomplete import UnitChoiceField
from orgunits.models import OrgUnit
from orgunits.services import EDITABLE_FIELDS, unit_validate


def _errors_for(form: forms.Form, exc: ValidationError) -> dict:
    """Service errors keyed by model field; anything the form does not show goes to the top."""
    mapped: dict[str, list] = {}
    for field, messages in exc.message_dict.items():
        key = field if field in form.fields else NON_FIELD_ERRORS
        mapped.setdefault(key, []).extend(messages)
    return mapped


class OrgUnitForm(forms.ModelForm):
    """Validates with the same service rules that the save will apply."""

    class Meta:
        model = OrgUnit
        fields = EDITABLE_FIELDS

    def unit_parent(self) -> OrgUnit | None:
        return self.instance.parent() if self.instance.pk else None

    def _post_clean(self):
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
            return
        if self.errors:
            return
        try:
            unit_validate(unit=self.instance, parent=self.unit_parent())
        except ValidationError as exc:
            self.add_error(None, _errors_for(self, exc))


class OrgUnitAddForm(OrgUnitForm):
    parent = UnitChoiceField(
        admin.site, label="上级单位", required=False, help_text="输入代码或名称搜索；只有“全国”可以不选上级。"
    )

    def unit_parent(self) -> OrgUnit | None:
        return self.cleaned_data.get("parent")


class MoveForm(forms.Form):
    new_parent = UnitChoiceField(admin.site, label="移到此单位之下")


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label="撤销日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="本单位及全部下级单位在此日撤销，其妇女组织同日撤销。",
    )
