from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgunits.autocomplete import UnitChoiceField
from orgunits.forms import ServiceValidatedForm
from rosters.models import Appointment, Person, Term
from rosters.selectors import latest_term
from rosters.services import appointment_errors, person_validate, term_close_errors, term_open_errors


class PersonForm(ServiceValidatedForm):
    class Meta:
        model = Person
        fields = ["name", "sex", "birth_date", "ethnicity", "education", "political_status", "phone", "id_number"]

    def service_validate(self):
        person_validate(self.instance)


class AppointmentForm(ServiceValidatedForm):
    class Meta:
        model = Appointment
        fields = ["person", "unit", "post", "term", "start_on", "end_on", "mode", "concurrent_roles"]
        widgets = {"concurrent_roles": forms.CheckboxSelectMultiple}

    def service_validate(self):
        problems = appointment_errors(self.instance)
        if problems:
            raise ValidationError(problems)


class TermForm(ServiceValidatedForm):
    """Only the end of a term changes once it exists; opening one goes through term_open."""

    class Meta:
        model = Term
        fields = ["unit", "elected_on", "due_on", "closed_on"]

    def service_validate(self):
        term = self.instance
        if term.pk:
            problems = term_close_errors(Term.objects.get(pk=term.pk), term.closed_on)
        else:
            problems = term_open_errors(latest_term(term.unit), term.elected_on, term.due_on)
        if problems:
            raise ValidationError(problems)


class WorklistForm(forms.Form):
    unit = UnitChoiceField(admin.site, label="范围")
    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    months = forms.IntegerField(label="几个月内到期", min_value=0, max_value=60, required=False)

    @staticmethod
    def defaults():
        return {"on": timezone.localdate(), "months": 6}
