from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgunits.autocomplete import UnitChoiceField
from stats.expressions import Expression
from stats.models import DataElement, Indicator, ValidationRule
from stats.periods import SPAN_CHOICES, Period, period_of


def _known_elements() -> dict[str, bool]:
    return dict(DataElement.objects.values_list("code", "has_female"))


class UnitYearForm(forms.Form):
    unit = UnitChoiceField(admin.site, label="单位")
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    span = forms.ChoiceField(label="统计期", choices=SPAN_CHOICES, required=False)

    def period(self) -> Period:
        return period_of(self.cleaned_data["year"], self.cleaned_data.get("span") or "")


class CoverageForm(forms.Form):
    unit = UnitChoiceField(admin.site, label="单位")
    on = forms.DateField(label="截至日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    compare = forms.BooleanField(label="与上年同期比较", required=False)

    @classmethod
    def defaults(cls):
        return {"on": timezone.localdate(), "compare": True}


class FiguresForm(forms.Form):
    """One unit's figures for one period: total and female side by side, one row per element."""

    def __init__(self, *args, elements: list[DataElement], **kwargs):
        super().__init__(*args, **kwargs)
        self.elements = elements
        for element in elements:
            attrs = {"size": 10, "autocomplete": "off"}  # not inputmode=numeric: 5200余 needs the 余
            self.fields[f"{element.code}__total"] = forms.CharField(
                label=f"{element.name}（{element.measure}）", required=False, widget=forms.TextInput(attrs=attrs)
            )
            if element.has_female:
                self.fields[f"{element.code}__female"] = forms.CharField(
                    label="其中女性", required=False, widget=forms.TextInput(attrs=attrs)
                )

    def raw_values(self) -> dict[str, tuple[str, str | None]]:
        return {
            e.code: (self.cleaned_data.get(f"{e.code}__total"), self.cleaned_data.get(f"{e.code}__female"))
            for e in self.elements
        }

    def rows(self):
        """(group label, element, total field, female field or None), for the template."""
        for element in self.elements:
            female = self[f"{element.code}__female"] if element.has_female else None
            yield element.get_group_display(), element, self[f"{element.code}__total"], female

    def add_service_errors(self, exc: ValidationError):
        for key, messages in exc.message_dict.items():
            field = f"{key}__total"
            self.add_error(field if field in self.fields else None, messages)


class _ExpressionFormMixin:
    expression_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        known = _known_elements()
        for name in self.expression_fields:
            text = (cleaned.get(name) or "").strip()
            if text:
                try:
                    Expression.parse(text, known)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned


class ValidationRuleForm(_ExpressionFormMixin, forms.ModelForm):
    expression_fields = ("left", "right")

    class Meta:
        model = ValidationRule
        fields = ["name", "left", "operator", "right", "active"]


class IndicatorForm(_ExpressionFormMixin, forms.ModelForm):
    expression_fields = ("numerator", "denominator")

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "numerator",
            "denominator",
            "coverage_kind",
            "factor",
            "decimals",
            "suffix",
            "sort_order",
        ]
