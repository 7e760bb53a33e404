"""What a division change (区划调整) leaves behind: a dated record of each change, and the state a
unit had before it, so that the tree can be read as it stood on any earlier date."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orgunits.codes import CODE_MAX_LENGTH


class UnitChange(models.Model):
    """One unit's change on one date: 新增, 撤销, 并入, 更名, 改代码, 隶属变更, 类型变更 (joined by "+")."""

    changed_on = models.DateField(_("调整日期"))
    edition = models.CharField(_("区划版本"), max_length=32)
    change_type = models.CharField(_("变更类型"), max_length=40)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="division_changes"
    )
    old_code = models.CharField(_("原代码"), max_length=CODE_MAX_LENGTH, blank=True)
    new_code = models.CharField(_("新代码"), max_length=CODE_MAX_LENGTH, blank=True)
    old_name = models.CharField(_("原名称"), max_length=100, blank=True)
    new_name = models.CharField(_("新名称"), max_length=100, blank=True)
    old_parent = models.CharField(_("原上级代码"), max_length=CODE_MAX_LENGTH, blank=True)
    new_parent = models.CharField(_("新上级代码"), max_length=CODE_MAX_LENGTH, blank=True)
    old_kind = models.CharField(_("原类型"), max_length=32, blank=True)
    new_kind = models.CharField(_("新类型"), max_length=32, blank=True)
    successor = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("并入单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed_changes",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("区划调整记录")
        ordering = ["-changed_on", "old_code", "new_code"]
        permissions = [("apply_divisionchange", _("可在后台执行本区域的区划调整"))]
        indexes = [
            models.Index(fields=["changed_on"], name="unitchange_date"),
            models.Index(fields=["old_code"], name="unitchange_old_code"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "changed_on"], name="unitchange_one_per_unit_and_date"),
        ]

    def __str__(self):
        return f"{self.changed_on} {self.change_type} {self.old_code or self.new_code}"


class UnitPastState(models.Model):
    """The code, name, kind and place a unit had from `valid_from` (None: from the start) until the
    day before `valid_until`, when a division change altered one of them."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="past_states"
    )
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_until = models.DateField(_("截止日期（不含）"))
    code = models.CharField(_("代码"), max_length=CODE_MAX_LENGTH)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.ForeignKey("orgunits.UnitKind", verbose_name=_("类型"), on_delete=models.PROTECT, related_name="+")
    path = models.CharField(_("路径"), max_length=255)
    depth = models.PositiveIntegerField(_("层级"))

    class Meta:
        verbose_name = verbose_name_plural = _("单位历史状态")
        ordering = ["unit", "valid_until"]
        indexes = [
            # The states below a path (orgunits.as_of): a range on path, then the date.
            models.Index(fields=["path", "valid_until"], name="unitpaststate_path_until"),
            # Whether anything changed after a day.
            models.Index(fields=["valid_until"], name="unitpaststate_until"),
            models.Index(fields=["code"], name="unitpaststate_code"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_until"], name="unitpaststate_one_per_unit_and_date"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_from__lt=F("valid_until")),
                name="unitpaststate_from_before_until",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}，至{self.valid_until}前）"
