from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgunits.models import OrgUnit, UnitKind
from stats import errors
from stats.formatting import APPROXIMATE_MARK
from stats.periods import PeriodField


class Measure(models.TextChoices):
    PEOPLE = "人", _("人")
    ITEMS = "个", _("个")
    CASES = "件", _("件")
    SESSIONS = "场次", _("场次")
    ATTENDANCES = "人次", _("人次")
    # Issue 18: the other measures the seed reports use.
    YUAN = "元", _("元")
    INCIDENTS = "起", _("起")
    LAWSUITS = "宗", _("宗")
    BATCHES = "批", _("批")
    HOUSEHOLDS = "户", _("户")
    CASE_VISITS = "件次", _("件次")


class ElementGroup(models.TextChoices):
    POPULATION = "population", _("人口")
    CADRES = "cadres", _("干部队伍")
    POLITICS = "politics", _("参政议政")
    GRASSROOTS = "grassroots", _("基层组织")
    TRAINING = "training", _("教育培训")
    RIGHTS = "rights", _("维权服务")
    ORGANISATION = "organisation", _("组织建设")


class DataElement(models.Model):
    code = models.CharField(
        _("代码"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", errors.ELEMENT_CODE_FORMAT)],
    )
    name = models.CharField(_("名称"), max_length=60, unique=True)
    measure = models.CharField(_("计量单位"), max_length=8, choices=Measure.choices)
    has_female = models.BooleanField(_("有女性分项"), default=True)
    group = models.CharField(_("分组"), max_length=20, choices=ElementGroup.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        db_table = "reports_dataelement"  # kept when the model moved here from reports
        verbose_name = verbose_name_plural = _("统计指标项")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class DataValue(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="data_values")
    element = models.ForeignKey(DataElement, verbose_name=_("指标项"), on_delete=models.PROTECT, related_name="values")
    period = PeriodField(_("统计期"))
    total = models.PositiveIntegerField(_("合计"))
    female = models.PositiveIntegerField(_("其中女性"), null=True, blank=True)
    approximate = models.BooleanField(
        _("约数"), default=False, help_text=_("数字为约数：填报和导入时写作“5200余”，报告写作“5200余场次”。")
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], table_name="reports_historicaldatavalue")

    class Meta:
        db_table = "reports_datavalue"  # kept when the model moved here from reports
        verbose_name = verbose_name_plural = _("统计数据")
        constraints = [
            models.UniqueConstraint(fields=["unit", "element", "period"], name="datavalue_one_per_unit_period"),
            models.CheckConstraint(
                condition=Q(female__isnull=True) | Q(female__lte=F("total")),
                name="datavalue_female_within_total",
                violation_error_message=errors.FEMALE_ABOVE_TOTAL,
            ),
        ]
        indexes = [models.Index(fields=["element", "period"], name="datavalue_element_period")]

    def __str__(self):
        more = APPROXIMATE_MARK if self.approximate else ""
        female = f"，女{self.female}{more}" if self.female is not None else ""
        return f"{self.unit.name} {self.period.label} {self.element.name}：{self.total}{more}{female}"


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "==", "="
    GE = ">=", "≥"
    GT = ">", ">"


class ValidationRule(models.Model):
    name = models.CharField(_("规则名称"), max_length=80, unique=True)
    left = models.CharField(_("左式"), max_length=200, help_text=_("如 complaints_resolved"))
    operator = models.CharField(_("关系"), max_length=2, choices=Operator.choices, default=Operator.LE)
    right = models.CharField(_("右式"), max_length=200, help_text=_("如 complaints_received"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        db_table = "reports_validationrule"  # kept when the model moved here from reports
        verbose_name = verbose_name_plural = _("校验规则")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80, unique=True)
    numerator = models.CharField(_("分子"), max_length=200, blank=True, help_text=_("如 cadres.female"))
    denominator = models.CharField(_("分母"), max_length=200, blank=True, help_text=_("如 cadres.total；留空则不除"))
    coverage_kind = models.ForeignKey(
        UnitKind,
        verbose_name=_("组建率类型"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("选择后本指标为该类单位的组建率，分子分母不用填。"),
    )
    factor = models.DecimalField(_("系数"), max_digits=10, decimal_places=2, default=100)
    decimals = models.PositiveSmallIntegerField(_("小数位"), default=1)
    suffix = models.CharField(_("单位"), max_length=8, blank=True, default="%")
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords(table_name="reports_historicalindicator")

    class Meta:
        db_table = "reports_indicator"  # kept when the model moved here from reports
        verbose_name = verbose_name_plural = _("指标")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(numerator="") | Q(coverage_kind__isnull=False),
                name="indicator_has_a_definition",
                violation_error_message=errors.INDICATOR_NEEDS_NUMERATOR,
            )
        ]

    def __str__(self):
        return self.name


class EligibilityRule(models.Model):
    """Units of a kind count towards coverage only when a figure of theirs reaches a minimum,
    e.g. agencies with at least 6 female staff ("有6名以上女干部职工的县直机关单位")."""

    class Part(models.TextChoices):
        TOTAL = "total", _("合计")
        FEMALE = "female", _("其中女性")

    kind = models.OneToOneField(
        UnitKind, verbose_name=_("单位类型"), on_delete=models.CASCADE, related_name="eligibility_rule"
    )
    element = models.ForeignKey(DataElement, verbose_name=_("依据指标项"), on_delete=models.PROTECT)
    part = models.CharField(_("取值"), max_length=8, choices=Part.choices, default=Part.FEMALE)
    minimum = models.PositiveIntegerField(_("不少于"))

    class Meta:
        db_table = "reports_eligibilityrule"  # kept when the model moved here from reports
        verbose_name = verbose_name_plural = _("纳入统计条件")

    def __str__(self):
        return f"{self.kind.name}：{self.element.name}（{self.get_part_display()}）≥ {self.minimum}"
