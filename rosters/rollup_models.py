"""Maintained roster rollups (rosters.roster_rollups): the tallies kept per roster cell, day and key
(the age bands the statistics count by, or a worklist's name), and each cell's version, which the
database's triggers (migration rosters/0009) raise whenever something a tally counts changes. A tally
is good while its cell's version, and the version of everything (`GLOBAL_CELL`), are still those it
was counted under."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

GLOBAL_CELL = ""  # raised by changes that touch every cell: a post's name or chair flag, a role's code


class RosterCell(models.Model):
    path = models.CharField(_("单元路径"), max_length=255, primary_key=True)
    version = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("统计单元版本")
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"{self.path or '全部'}：{self.version}"


class RosterCellTally(models.Model):
    path = models.CharField(_("单元路径"), max_length=255)
    on = models.DateField(_("统计日"))
    key = models.CharField(_("计数内容"), max_length=64)  # the age bands counted by, or a worklist's name
    version = models.BigIntegerField(_("单元版本"))
    global_version = models.BigIntegerField(_("全局版本"))
    payload = models.JSONField(_("计数"))
    # The last day it was read (or counted): prune_roster_rollups drops those unread for a while, since
    # every day's default date (today) leaves a whole set behind.
    read_on = models.DateField(_("最近读取日"), default=datetime.date.today)

    class Meta:
        verbose_name = _("任职统计小计")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["path", "on", "key"], name="roster_tally_one_per_cell_day_key")]

    def __str__(self):
        return f"{self.path} {self.on}"
