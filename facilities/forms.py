from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from facilities.models import Facility
from facilities.services import facility_errors
from orgunits.autocomplete import UnitChoiceField
from orgunits.forms import ServiceValidatedForm


class FacilityForm(ServiceValidatedForm):
    class Meta:
        model = Facility
        fields = ["unit", "kind", "name", "opened_on", "closed_on", "note"]

    def service_validate(self):
        problems = facility_errors(self.instance)
        if problems:
            raise ValidationError(problems)


class FacilityCoverageForm(forms.Form):
    unit = UnitChoiceField(admin.site, label="单位")
    on = forms.DateField(label="截至日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    @classmethod
    def defaults(cls):
        return {"on": timezone.localdate()}
