"""People, posts, committee terms (换届) and appointments: the officer rosters."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgunits.as_of import TreeOn
from orgunits.models import OrgUnit, UnitKind
from rosters import errors
from rosters.identity import validate_id_number, validate_mobile

ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "其他",
]


class KeptTableHistory(HistoricalRecords):
    """History whose m2m table keeps the name it had before the rosters left the orgunits app;
    simple-history takes `table_name` for the main history table only."""

    def get_meta_options_m2m(self, through_model):
        name = self.get_history_model_name(through_model).lower()
        return {**super().get_meta_options_m2m(through_model), "db_table": f"orgunits_{name}"}


class Sex(models.TextChoices):
    FEMALE = "F", _("女")
    MALE = "M", _("男")


class Education(models.TextChoices):
    POSTGRADUATE = "研究生", _("研究生")
    BACHELOR = "大学本科", _("大学本科")
    COLLEGE = "大学专科", _("大学专科")
    VOCATIONAL = "中专", _("中专")
    HIGH_SCHOOL = "高中", _("高中")
    JUNIOR_OR_BELOW = "初中及以下", _("初中及以下")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "中共党员", _("中共党员")
    PROBATIONARY = "中共预备党员", _("中共预备党员")
    LEAGUE_MEMBER = "共青团员", _("共青团员")
    DEMOCRATIC_PARTY = "民主党派", _("民主党派")
    MASSES = "群众", _("群众")


class AppointmentMode(models.TextChoices):
    FULL_TIME = "full", _("专职")
    PART_TIME = "part", _("兼职")
    SECONDED = "seconded", _("挂职")


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=40)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, default=Sex.FEMALE)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=10, choices=[(e, e) for e in ETHNICITIES], default="汉族")
    education = models.CharField(_("学历"), max_length=10, choices=Education.choices, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=10, choices=PoliticalStatus.choices, blank=True)
    phone = models.CharField(_("手机"), max_length=11, blank=True, validators=[validate_mobile])
    id_number = models.CharField(
        _("身份证号"), max_length=18, null=True, blank=True, unique=True, validators=[validate_id_number]
    )
    registered_in = models.ForeignKey(
        OrgUnit,
        verbose_name=_("登记单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("录入此人的单位。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("此人尚无任职时，只有录入人（和超级管理员）能看到。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], table_name="orgunits_historicalperson")

    class Meta:
        db_table = "orgunits_person"  # kept when the model moved here from orgunits
        verbose_name = verbose_name_plural = _("人员")
        ordering = ["name", "birth_date"]
        indexes = [models.Index(fields=["name", "birth_date"], name="person_name_birth")]
        permissions = [("view_personal_data", _("查看完整身份证号和手机号"))]

    def __str__(self):
        return f"{self.name}（{self.birth_date:%Y-%m}）"


class Post(models.Model):
    name = models.CharField(_("职务"), max_length=20, unique=True)
    is_leadership = models.BooleanField(_("领导职务"), default=False)
    counts_as_chair = models.BooleanField(
        _("算作负责人"), default=False, help_text=_("有此职务在任，组织就不算“有组织无人员”。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        db_table = "orgunits_post"  # kept when the model moved here from orgunits
        verbose_name = verbose_name_plural = _("职务")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class PostSeats(models.Model):
    """How many hold a post in an organisation of a kind (职数): the norm a roster is checked against.
    A post has seats only in the kinds listed here."""

    post = models.ForeignKey(Post, verbose_name=_("职务"), on_delete=models.CASCADE, related_name="seats")
    kind = models.ForeignKey(UnitKind, verbose_name=_("单位类型"), on_delete=models.CASCADE, related_name="+")
    seats = models.PositiveSmallIntegerField(_("职数"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("职数")
        ordering = ["post", "kind__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "kind"],
                name="post_seats_one_per_kind",
                violation_error_message=errors.SEATS_ONE_PER_KIND,
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="post_seats_at_least_one",
                violation_error_message=errors.SEATS_AT_LEAST_ONE,
            ),
        ]

    def __str__(self):
        return f"{self.post.name}（{self.kind.name}）{self.seats}人"


class ConcurrentRole(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)

    class Meta:
        db_table = "orgunits_concurrentrole"  # kept when the model moved here from orgunits
        verbose_name = verbose_name_plural = _("兼任职务")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Term(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="terms")
    ordinal = models.PositiveSmallIntegerField(_("届次"))
    elected_on = models.DateField(_("选举日期"))
    due_on = models.DateField(_("届满日期"))
    closed_on = models.DateField(_("换届结束日期"), null=True, blank=True)
    history = HistoricalRecords(table_name="orgunits_historicalterm")

    class Meta:
        db_table = "orgunits_term"  # kept when the model moved here from orgunits
        verbose_name = verbose_name_plural = _("届次")
        ordering = ["unit", "-ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "ordinal"], name="term_ordinal_per_unit"),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(closed_on__isnull=True),
                name="term_one_open_per_unit",
                violation_error_message=errors.TERM_ONE_OPEN.format(unit="本单位"),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=F("elected_on")),
                name="term_due_after_elected",
                violation_error_message=errors.TERM_DUE_BEFORE_ELECTED.format(due_on="届满日期", elected_on="选举日期"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("elected_on")),
                name="term_closed_after_elected",
                violation_error_message=errors.TERM_CLOSED_BEFORE_ELECTED.format(
                    closed_on="换届结束日期", elected_on="选举日期"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.unit.name}第{self.ordinal}届（{self.elected_on:%Y}）"


class AppointmentQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(start_on__lte=day).filter(Q(end_on__isnull=True) | Q(end_on__gte=day))

    def in_subtree(self, unit: OrgUnit, *, tree: TreeOn | None = None):
        """At units of the unit's subtree: today's, or as it stood on the day of `tree` (区划调整 since)."""
        if tree is None or not tree.changed:
            # A range on the joined unit's path, not `unit_id IN (…)`: the roster statistics join the
            # unit anyway (for its kind), and a province's took 1.1 s longer through the subquery.
            return self.filter(OrgUnit.subtree_q(unit.path, via="unit__"))
        return self.filter(unit__in=tree.subtree(unit).values("pk"))


class Appointment(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="appointments")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="appointments")
    post = models.ForeignKey(Post, verbose_name=_("职务"), on_delete=models.PROTECT, related_name="appointments")
    term = models.ForeignKey(
        Term, verbose_name=_("届次"), on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    start_on = models.DateField(_("任职开始"))
    end_on = models.DateField(_("任职结束"), null=True, blank=True)
    mode = models.CharField(
        _("任职方式"), max_length=10, choices=AppointmentMode.choices, default=AppointmentMode.PART_TIME
    )
    concurrent_roles = models.ManyToManyField(
        ConcurrentRole, verbose_name=_("兼任"), blank=True, db_table="orgunits_appointment_concurrent_roles"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()
    history = KeptTableHistory(m2m_fields=[concurrent_roles], table_name="orgunits_historicalappointment")

    class Meta:
        db_table = "orgunits_appointment"  # kept when the model moved here from orgunits
        verbose_name = verbose_name_plural = _("任职")
        ordering = ["unit", "post__sort_order", "start_on"]
        indexes = [models.Index(fields=["unit", "post", "start_on"], name="appointment_unit_post")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="appointment_end_after_start",
                violation_error_message=errors.APPOINTMENT_END_BEFORE_START.format(
                    end_on="任职结束日期", start_on="开始日期"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person.name}：{self.unit.name}{self.post.name}"


class DutyType(models.Model):
    """履职类型: a national setting (入户走访, 参加活动 …)."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("履职类型")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class DutyRecord(models.Model):
    """执委履职: one duty a person did at a unit on a day, with the households and women reached."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="duties")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="duties")
    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("任职"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duties",
        help_text=_("可不填；填写时须是该人员在该单位、履职当日的任职。"),
    )
    done_on = models.DateField(_("履职日期"))
    duty_type = models.ForeignKey(DutyType, verbose_name=_("履职类型"), on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField(_("走访户数"), default=0)
    women = models.PositiveIntegerField(_("联系妇女人数"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("执委履职")
        ordering = ["-done_on", "pk"]
        indexes = [models.Index(fields=["unit", "done_on"], name="duty_unit_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "done_on", "duty_type"],
                name="duty_one_per_person_unit_day_type",
                violation_error_message=errors.DUTY_DUPLICATE,
            ),
            models.CheckConstraint(
                condition=Q(households__gte=0) & Q(women__gte=0),
                name="duty_counts_not_negative",
                violation_error_message=errors.DUTY_COUNT_FORMAT.format(value="负数"),
            ),
        ]

    def __str__(self):
        return f"{self.person.name}：{self.done_on}{self.duty_type.name}"


# Officer profiles (age bands, education groups) live in their own module; Django finds them here.
from rosters.profile_models import AgeBand, AgeBandSet, EducationGroup, EducationGroupSet  # noqa: E402, F401
from rosters.rollup_models import RosterCell, RosterCellTally  # noqa: E402, F401
