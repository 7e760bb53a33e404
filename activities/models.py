"""Activities and campaigns (培训, 三八维权周, 巾帼志愿服务 …) and honours (巾帼文明岗, 示范村): dated records
at a unit, with counts, that the statistics and the survey reports total over any subtree and span."""

import datetime

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from orgunits.models import OrgUnit

# The fixed count columns of an activity: (field, what it counts, the measure word by default).
COUNT_COLUMNS = (
    ("sessions", "场次", "场次"),
    ("participants", "参与人次", "人次"),
    ("served", "服务人数", "人"),
    ("households", "户数", "户"),
    ("cases", "件数", "件"),
    ("amount", "金额（元）", "元"),
)
COUNT_FIELDS = tuple(name for name, _what, _unit in COUNT_COLUMNS)
COUNT_NAMES = {name: what for name, what, _unit in COUNT_COLUMNS}


class ActivityType(models.Model):
    """A national setting: which counts a kind of activity uses, how the reports word them (the phrase
    before the figure and the measure word after it). A count with no measure word is not used."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    sessions_label = models.CharField("场次说法", max_length=40, blank=True)
    sessions_unit = models.CharField("场次单位", max_length=8, blank=True)
    participants_label = models.CharField("参与人次说法", max_length=40, blank=True)
    participants_unit = models.CharField("参与人次单位", max_length=8, blank=True)
    served_label = models.CharField("服务人数说法", max_length=40, blank=True)
    served_unit = models.CharField("服务人数单位", max_length=8, blank=True)
    households_label = models.CharField("户数说法", max_length=40, blank=True)
    households_unit = models.CharField("户数单位", max_length=8, blank=True)
    cases_label = models.CharField("件数说法", max_length=40, blank=True)
    cases_unit = models.CharField("件数单位", max_length=8, blank=True)
    amount_label = models.CharField("金额说法", max_length=40, blank=True)
    amount_unit = models.CharField(
        "金额单位", max_length=8, blank=True, help_text="金额以元记，填“元”即按元/万元书写。"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"
        ordering = ("sort_order", "code")

    def __str__(self):
        return self.name

    def measures(self) -> list[tuple[str, str, str]]:
        """(field, phrase, measure word) of the counts this type uses, in column order."""
        found = []
        for name in COUNT_FIELDS:
            unit = getattr(self, f"{name}_unit")
            if unit:
                found.append((name, getattr(self, f"{name}_label") or COUNT_NAMES[name], unit))
        return found

    def uses(self, name: str) -> bool:
        return bool(getattr(self, f"{name}_unit"))


class Campaign(models.Model):
    """An 活动载体: national (no owner) or a unit's own, for a year or a span of dates."""

    name = models.CharField("名称", max_length=100)
    owner = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动载体"
        verbose_name_plural = "活动载体"
        ordering = ("-year", "name")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=False) | Q(starts_on__isnull=False, ends_on__isnull=False),
                name="campaign_year_or_span",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def span(self):
        """(first day, last day) of the campaign: its dates, else its year."""
        if self.starts_on and self.ends_on:
            return self.starts_on, self.ends_on
        return datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)


def _non_negative(*names: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}), name=f"%(class)s_{name}_ge_0"
        )
        for name in names
    ]


class Activity(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="activities")
    type = models.ForeignKey(ActivityType, verbose_name="活动类型", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        Campaign, verbose_name="活动载体", on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    title = models.CharField("名称", max_length=200)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    sessions = models.PositiveIntegerField("场次", null=True, blank=True)
    participants = models.PositiveIntegerField("参与人次", null=True, blank=True)
    served = models.PositiveIntegerField("服务人数", null=True, blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    cases = models.PositiveIntegerField("件数", null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    approximate = models.BooleanField("约数", default=False, help_text="数字为约数时勾选，报告写作“5200余场次”。")
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ("-started_on", "pk")
        indexes = [models.Index(fields=["unit", "started_on"], name="activity_unit_started")]
        constraints = [
            *_non_negative(*COUNT_FIELDS),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class HonourLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Honour(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="honours")
    title = models.CharField("荣誉称号", max_length=100, help_text="如：巾帼文明岗、巾帼示范村。")
    level = models.CharField("级别", max_length=10, choices=HonourLevel.choices)
    awarded_on = models.DateField("授予日期")
    awarded_by = models.CharField("授予单位", max_length=100, blank=True)
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        ordering = ("-awarded_on", "pk")
        indexes = [models.Index(fields=["unit", "awarded_on"], name="honour_unit_awarded")]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=HonourLevel.values), name="honour_level_known"),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_level_display()}）"
