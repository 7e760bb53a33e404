"""A women's organisation's change of form on a date (会改联: a village 妇代会 becoming a 妇联), so that
the form it had on any earlier day, and the conversion rate, can be read back."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgunits.models import OrgForm


class OrgFormChange(models.Model):
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="form_changes"
    )
    changed_on = models.DateField(_("改建日期"))
    from_form = models.CharField(_("原组织形式"), max_length=16, choices=OrgForm.choices)
    to_form = models.CharField(_("新组织形式"), max_length=16, choices=OrgForm.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # Kept by orgunits.org_forms after every write: the next change's date (None: the latest). Only a
    # change followed by another has one, so the form between two changes is a join with few rows.
    held_until = models.DateField(_("此形式至"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["held_until"])

    class Meta:
        verbose_name = verbose_name_plural = _("组织形式变更")
        ordering = ["unit__path", "changed_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "changed_on"], name="orgformchange_one_per_unit_and_date"),
            models.CheckConstraint(condition=~Q(from_form=F("to_form")), name="orgformchange_changes_the_form"),
            # 会改联 happens once to an organisation: counting it is then a join without duplicates.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(from_form="congress", to_form="federation"),
                name="orgformchange_one_conversion",
            ),
        ]
        indexes = [
            models.Index(fields=["changed_on"], name="orgformchange_date"),
            models.Index(fields=["held_until"], name="orgformchange_followed", condition=Q(held_until__isnull=False)),
        ]

    def __str__(self):
        return f"{self.changed_on} {self.get_from_form_display()}→{self.get_to_form_display()}"
