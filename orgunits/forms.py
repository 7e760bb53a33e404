from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import construct_instance

from access.scope import OUT_OF_SCOPE
from orgunits.autocomplete import UnitChoiceField, limit_unit_choices
from orgunits.models import OrgUnit
from orgunits.org_forms import form_step_of_edit, form_step_problems
from orgunits.services import EDITABLE_FIELDS, unit_validate


class ServiceValidatedForm(forms.ModelForm):
    """A model form whose validation is the service's own, so the form and the save agree.

    Errors keyed by a field the form shows go to that field; the rest go to the top of the form.
    """

    def service_validate(self) -> None:
        raise NotImplementedError

    def _post_clean(self):
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
            return
        if self.errors:
            return
        try:
            self.service_validate()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else NON_FIELD_ERRORS, messages)


class OrgUnitForm(ServiceValidatedForm):
    form_changed_on = forms.DateField(
        label="组织形式变更日期",
        required=False,
        help_text="妇女组织形式变了（如妇代会改建妇联），填变更日期，记入“组织形式变更”；留空则是更正录错的形式，不记变更。",
    )

    class Meta:
        model = OrgUnit
        fields = EDITABLE_FIELDS

    def unit_parent(self) -> OrgUnit | None:
        return self.instance.parent() if self.instance.pk else None

    def service_validate(self) -> None:
        unit_validate(unit=self.instance, parent=self.unit_parent())
        if self.instance.pk:
            self._check_form_change()

    def _check_form_change(self) -> None:
        on = self.cleaned_data.get("form_changed_on")
        if on is None:
            return
        stored = OrgUnit.objects.select_related("kind").get(pk=self.instance.pk)
        step = form_step_of_edit(self.instance, stored.effective_org_form, on)
        problems = form_step_problems(self.instance, step) if step else []
        if problems:
            raise ValidationError({"form_changed_on": problems})


class OrgUnitAddForm(OrgUnitForm):
    parent = UnitChoiceField(
        admin.site, label="上级单位", required=False, help_text="输入代码或名称搜索；只有“全国”可以不选上级。"
    )

    scope = None  # set per request by the admin

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.scope is not None:
            limit_unit_choices(self, self.scope, editable=True)

    def unit_parent(self) -> OrgUnit | None:
        return self.cleaned_data.get("parent")

    def service_validate(self) -> None:
        parent = self.unit_parent()
        if self.scope is not None and not (self.scope.can_edit(parent) if parent else self.scope.unrestricted):
            raise ValidationError({"parent": [OUT_OF_SCOPE.format(unit=parent.name if parent else "全国")]})
        super().service_validate()


class MoveForm(forms.Form):
    new_parent = UnitChoiceField(admin.site, label="移到此单位之下")


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label="撤销日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="本单位及全部下级单位在此日撤销，其妇女组织同日撤销。",
    )
