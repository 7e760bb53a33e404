from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils import timezone

from orgunits.autocomplete import UnitChoiceField
from orgunits.models import Appointment, Person
from orgunits.roster_services import appointment_errors, person_validate


class _ServiceValidatedForm(forms.ModelForm):
    """Runs the service's own checks, so the form and the save agree."""

    def service_validate(self):
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
                self.add_error(field if field in self.fields else None, messages)


class PersonForm(_ServiceValidatedForm):
    class Meta:
        model = Person
        fields = ["name", "sex", "birth_date", "ethnicity", "education", "political_status", "phone", "id_number"]

    def service_validate(self):
        person_validate(self.instance)


class AppointmentForm(_ServiceValidatedForm):
    class Meta:
        model = Appointment
        fields = ["person", "unit", "post", "term", "start_on", "end_on", "mode", "concurrent_roles"]
        widgets = {"concurrent_roles": forms.CheckboxSelectMultiple}

    def service_validate(self):
        problems = appointment_errors(self.instance)
        if problems:
            raise ValidationError(problems)


class WorklistForm(forms.Form):
    unit = UnitChoiceField(admin.site, label="范围")
    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    months = forms.IntegerField(label="几个月内到期", min_value=0, max_value=60, required=False)

    @staticmethod
    def defaults():
        return {"on": timezone.localdate(), "months": 6}
