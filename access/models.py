"""Who may see and change what: a user's assignments to subtrees, and who created an account."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgunits.models import OrgUnit


class Assignment(models.Model):
    """A user's scope: the subtree of `unit`, with a role."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("查看")
        EDITOR = "editor", _("填报")
        MANAGER = "manager", _("管理")

    user = models.ForeignKey("auth.User", verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords(table_name="orgunits_historicalassignment")

    class Meta:
        db_table = "orgunits_assignment"  # kept when the model moved here from orgunits
        verbose_name = verbose_name_plural = _("管辖范围")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="assignment_one_per_user_unit")]

    def __str__(self):
        return f"{self.user}：{self.unit.name}（{self.get_role_display()}）"


class AccountOrigin(models.Model):
    """Who created an account. A manager keeps the accounts she created until she assigns them,
    so a new account is not left to whoever finds it first."""

    user = models.OneToOneField(
        "auth.User", verbose_name=_("用户"), on_delete=models.CASCADE, primary_key=True, related_name="origin"
    )
    created_by = models.ForeignKey(
        "auth.User", verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        db_table = "orgunits_accountorigin"  # kept when the model moved here from orgunits
        verbose_name = verbose_name_plural = _("账号来源")

    def __str__(self):
        return f"{self.user}：{self.created_by or '—'}"
