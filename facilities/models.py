"""Facilities (阵地): 妇女之家, 儿童之家, 巾帼书屋 … at units, open from a day and perhaps closed on one."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from facilities import errors
from orgunits.models import OrgUnit, UnitKind


class FacilityKind(models.Model):
    """A kind of facility, a national setting: which unit kinds are expected to have one (应建)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    expected_in = models.ManyToManyField(
        UnitKind,
        verbose_name=_("应建单位类型"),
        blank=True,
        related_name="facility_kinds",
        help_text=_("这些类型的单位应建此类阵地，计入覆盖率；其他单位也可登记，但不计入覆盖率。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("阵地类型")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class FacilityQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date):
        """Open on `day`: opened on or before it and not yet closed (a facility closed on a day is
        no longer open that day, like a unit)."""
        return self.filter(opened_on__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))


class Facility(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="facilities")
    kind = models.ForeignKey(
        FacilityKind, verbose_name=_("阵地类型"), on_delete=models.PROTECT, related_name="facilities"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    opened_on = models.DateField(_("启用日期"))
    closed_on = models.DateField(_("停用日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("阵地")
        ordering = ["unit", "kind", "-opened_on"]
        indexes = [models.Index(fields=["unit", "kind", "opened_on"], name="facility_unit_kind_opened")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="facility_closed_after_opened",
                violation_error_message=errors.CLOSED_BEFORE_OPENED_CONSTRAINT,
            ),
            models.UniqueConstraint(
                fields=["unit", "kind"],
                condition=Q(closed_on__isnull=True),
                name="facility_one_open_per_kind",
                violation_error_message=errors.ONE_OPEN,
            ),
        ]

    def __str__(self):
        return f"{self.unit.name}{self.name or self.kind.name}"

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)
