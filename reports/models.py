from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgunits.models import OrgUnit
from reports import errors
from rosters.models import AgeBandSet, EducationGroupSet
from stats.periods import SPAN_CHOICES, Period, period_of


class SurveyReport(models.Model):
    """调研报告: one per unit and period (a year, or a shorter span of it such as 1–9月, compared with
    上年同期). Its figures are computed from the data each time it is shown, until it is made final; then
    they are frozen in `snapshot`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FINAL = "final", _("定稿")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="survey_reports")
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1949), MaxValueValidator(2100)], help_text=_("统计数据所属年度")
    )
    span = models.CharField(
        _("统计期"),
        max_length=3,
        choices=SPAN_CHOICES,
        blank=True,
        default="",
        help_text=_("全年，或年内的季度、月份、1–N月；与上年同期比较。"),
    )
    title = models.CharField(_("标题"), max_length=200)
    problems = models.TextField(
        _("问题与挑战"), blank=True, help_text=_("空行分段；以“1.”“（1）”“一是”开头的行为分条。")
    )
    measures = models.TextField(
        _("思考与对策"), blank=True, help_text=_("空行分段；以“1.”“（1）”“一是”开头的行为分条。")
    )
    age_band_set = models.ForeignKey(
        AgeBandSet,
        verbose_name=_("年龄段方案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空则用本单位或上级的默认方案，再无则用全国默认。"),
    )
    education_group_set = models.ForeignKey(
        EducationGroupSet,
        verbose_name=_("文化程度分组方案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空则用本单位或上级的默认方案，再无则用全国默认。"),
    )
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(_("定稿数据快照"), null=True, blank=True, editable=False)
    # Paragraph key -> {"text": the user's text, "generated": the generated text it replaced}.
    edits = models.JSONField(_("修改的段落"), default=dict, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("定稿时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")
        ordering = ["-year", "span", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "span"],
                name="surveyreport_one_per_unit_period",
                violation_error_message=errors.SURVEY_EXISTS,
            ),
            models.CheckConstraint(
                condition=(Q(status="draft") & Q(snapshot__isnull=True) & Q(frozen_at__isnull=True))
                | (Q(status="final") & Q(snapshot__isnull=False) & Q(frozen_at__isnull=False)),
                name="surveyreport_final_has_snapshot",
                violation_error_message=errors.SURVEY_SNAPSHOT_STATE,
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """A set owned by a unit serves that unit's subtree only."""
        for name in ("age_band_set", "education_group_set"):
            chosen = getattr(self, name)
            if chosen is None or chosen.owner_id is None or self.unit_id is None:
                continue
            if not OrgUnit.path_within(self.unit.path, chosen.owner.path):
                raise ValidationError({name: errors.SURVEY_SET_NOT_FOR_UNIT.format(name=chosen.name)})

    @property
    def period(self) -> Period:
        return period_of(self.year, self.span)

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL
