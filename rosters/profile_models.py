"""Officer profiles as data: the age bands and education groups a report counts officers by.

A set belongs to a unit (a county's or city's own bands) or, with no owner, to the whole country.
Each owner has at most one default set; a report that chooses none uses the default of the nearest
owner above its unit, else the national default (rosters.profiles). Bands need not be contiguous
and may overlap: an officer is counted in every band she falls in.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orgunits.models import OrgUnit
from rosters import errors
from rosters.models import Education

NATIONAL_HELP = _("留空表示全国通用（仅全国管理员可设）。")


def _one_default(prefix: str, message: str) -> list:
    """At most one default per owner; owner null (national) needs its own constraint, because NULLs
    never collide in a unique index."""
    return [
        models.UniqueConstraint(
            fields=["owner"],
            condition=Q(is_default=True, owner__isnull=False),
            name=f"{prefix}_one_default_per_owner",
            violation_error_message=message,
        ),
        models.UniqueConstraint(
            fields=["is_default"],
            condition=Q(is_default=True, owner__isnull=True),
            name=f"{prefix}_one_national_default",
            violation_error_message=message,
        ),
    ]


class ProfileSet(models.Model):
    name = models.CharField(_("名称"), max_length=40)
    owner = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=NATIONAL_HELP,
    )
    is_default = models.BooleanField(_("默认"), default=False, help_text=_("报告未选择方案时使用。"))

    class Meta:
        abstract = True
        ordering = ["owner__path", "name"]

    def __str__(self):
        return self.name


class AgeBandSet(ProfileSet):
    class Meta(ProfileSet.Meta):
        verbose_name = verbose_name_plural = _("年龄段方案")
        constraints = _one_default("agebandset", errors.AGE_SET_ONE_DEFAULT)


class AgeBand(models.Model):
    set = models.ForeignKey(AgeBandSet, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("名称"), max_length=20, help_text=_("如“35岁及以下”，报告原样引用。"))
    lower = models.PositiveSmallIntegerField(_("下限（岁）"), null=True, blank=True)
    lower_inclusive = models.BooleanField(_("含下限"), default=True)
    upper = models.PositiveSmallIntegerField(_("上限（岁）"), null=True, blank=True)
    upper_inclusive = models.BooleanField(_("含上限"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("年龄段")
        ordering = ["set", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lower__isnull=False) | Q(upper__isnull=False),
                name="ageband_has_a_bound",
                violation_error_message=errors.AGE_BAND_NO_BOUND,
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=True) | Q(upper__isnull=True) | Q(lower__lte=F("upper")),
                name="ageband_lower_not_above_upper",
                violation_error_message=errors.AGE_BAND_LOWER_ABOVE_UPPER,
            ),
        ]

    def __str__(self):
        return self.label


class EducationGroupSet(ProfileSet):
    class Meta(ProfileSet.Meta):
        verbose_name = verbose_name_plural = _("文化程度分组方案")
        constraints = _one_default("educationgroupset", errors.EDUCATION_SET_ONE_DEFAULT)


def validate_levels(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(errors.EDUCATION_GROUP_EMPTY)
    for level in value:
        if level not in Education.values:
            raise ValidationError(errors.EDUCATION_GROUP_UNKNOWN_LEVEL.format(value=level))


class EducationGroup(models.Model):
    set = models.ForeignKey(EducationGroupSet, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="groups")
    label = models.CharField(_("名称"), max_length=20, help_text=_("如“大学以上”，报告写作“大学以上文化程度的”。"))
    # blank=True so that clean() says what an empty group lacks, instead of Django's generic message.
    levels = models.JSONField(_("包含学历"), default=list, blank=True, validators=[validate_levels])
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("文化程度分组")
        ordering = ["set", "position", "pk"]

    def __str__(self):
        return self.label

    def clean(self):
        if not self.levels:
            raise ValidationError({"levels": errors.EDUCATION_GROUP_EMPTY})
