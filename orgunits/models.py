import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from orgunits import errors
from orgunits.codes import CODE_MAX_LENGTH, validate_unit_code
from orgunits.tree import TreeManager, TreePaths, TreeQuerySet

# The national root carries the conventional adcode for the whole country.
NATION_CODE = "100000"


class OrgForm(models.TextChoices):
    FEDERATION = "federation", _("妇联")
    CONGRESS = "congress", _("妇代会")
    COMMITTEE = "committee", _("妇委会")
    WOMEN_ORG = "women_org", _("妇女组织")


class UnitKind(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    org_form = models.CharField(_("妇女组织形式"), max_length=16, choices=OrgForm.choices)
    is_area = models.BooleanField(
        _("区域单位"),
        default=False,
        help_text=_("行政区域（省、市、县、乡镇、村等）；否则为机关、事业单位、企业等承载单位。"),
    )
    eligible_by_default = models.BooleanField(_("默认纳入组建率统计"), default=True)
    allowed_parents = models.ManyToManyField(
        "self",
        verbose_name=_("允许的上级类型"),
        symmetrical=False,
        blank=True,
        related_name="allowed_children",
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位类型")
        verbose_name_plural = _("单位类型")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class OrgUnitQuerySet(TreeQuerySet):
    def open_on(self, day: datetime.date):
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def closed_on_or_before(self, day: datetime.date):
        return self.filter(closed_on__lte=day)

    def org_established_on(self, day: datetime.date):
        """Units whose women's organisation exists on `day` (OrgUnit.org_exists_q)."""
        return self.filter(self.model.org_exists_q(day))


class OrgUnitManager(TreeManager.from_queryset(OrgUnitQuerySet)):
    def get_queryset(self):
        # treebeard's manager builds its own queryset class; keep our methods on it.
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")


def _null_or(*lookups: str, condition: Q) -> Q:
    result = condition
    for lookup in lookups:
        result |= Q(**{f"{lookup}__isnull": True})
    return result


# What org_forms keeps on the unit from its form changes (its history is the changes' own).
FORM_SUMMARY_FIELDS = (
    "form_first_changed_on",
    "form_before_first_change",
    "form_last_changed_on",
    "form_after_last_change",
    "form_converted_on",
)


class OrgUnit(TreePaths, MP_Node):
    class Eligibility(models.TextChoices):
        DEFAULT = "", _("按类型默认")
        INCLUDED = "included", _("纳入统计")
        EXCLUDED = "excluded", _("不纳入统计")

    steplen = 4
    node_order_by = []

    # treebeard's tree columns, redeclared only to give them names in Chinese.
    path = models.CharField(_("路径"), max_length=255, unique=True)
    depth = models.PositiveIntegerField(_("层级"))
    numchild = models.PositiveIntegerField(_("直接下级数"), default=0)

    code = models.CharField(_("代码"), max_length=CODE_MAX_LENGTH, unique=True, validators=[validate_unit_code])
    name = models.CharField(_("名称"), max_length=100)
    # Indexed by orgunit_kind_depth, which starts with kind.
    kind = models.ForeignKey(
        UnitKind, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="units", db_index=False
    )
    opened_on = models.DateField(_("成立日期"), null=True, blank=True)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    org_established_on = models.DateField(_("妇女组织成立日期"), null=True, blank=True)
    org_dissolved_on = models.DateField(_("妇女组织撤销日期"), null=True, blank=True)
    org_form = models.CharField(
        _("妇女组织形式"),
        max_length=16,
        choices=OrgForm.choices,
        blank=True,
        help_text=_("留空则按单位类型的默认形式。"),
    )
    eligibility = models.CharField(
        _("组建率统计"), max_length=16, choices=Eligibility.choices, blank=True, default=Eligibility.DEFAULT
    )
    # Kept by orgunits.org_forms after every write of the unit's form changes, so that the form on a
    # day and 会改联 are read from the unit's own row: joining a million changes to the units doubled
    # the national coverage. Blank and null: no change recorded.
    form_first_changed_on = models.DateField(_("首次形式变更日期"), null=True, blank=True, editable=False)
    # A default in the database too: raw INSERTs of units (bulk loads, SQL by hand) need not name them.
    form_before_first_change = models.CharField(
        _("首次变更前形式"), max_length=16, blank=True, editable=False, default="", db_default=""
    )
    form_last_changed_on = models.DateField(_("末次形式变更日期"), null=True, blank=True, editable=False)
    form_after_last_change = models.CharField(
        _("末次变更后形式"), max_length=16, blank=True, editable=False, default="", db_default=""
    )
    form_converted_on = models.DateField(_("会改联日期"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = OrgUnitManager()
    # The tree columns change under raw UPDATEs (moves) that history cannot see; a move is
    # recorded as its own entry with its reason instead.
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild", "updated_at", *FORM_SUMMARY_FIELDS])

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "depth"], name="orgunit_kind_depth")]
        constraints = [
            models.CheckConstraint(
                condition=_null_or("opened_on", "closed_on", condition=Q(closed_on__gte=F("opened_on"))),
                name="orgunit_closed_after_opened",
                violation_error_message=errors.DATES_CLOSED_BEFORE_OPENED,
            ),
            models.CheckConstraint(
                condition=_null_or(
                    "opened_on", "org_established_on", condition=Q(org_established_on__gte=F("opened_on"))
                ),
                name="orgunit_org_after_unit_opened",
                violation_error_message=errors.DATES_ORG_BEFORE_UNIT,
            ),
            models.CheckConstraint(
                condition=Q(org_dissolved_on__isnull=True) | Q(org_established_on__isnull=False),
                name="orgunit_org_dissolved_needs_established",
                violation_error_message=errors.DATES_ORG_DISSOLVED_WITHOUT_ESTABLISHED,
            ),
            models.CheckConstraint(
                condition=_null_or(
                    "org_established_on",
                    "org_dissolved_on",
                    condition=Q(org_dissolved_on__gte=F("org_established_on")),
                ),
                name="orgunit_org_dissolved_after_established",
                violation_error_message=errors.DATES_ORG_DISSOLVED_BEFORE_ESTABLISHED,
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(org_established_on__isnull=True)
                | Q(org_dissolved_on__lte=F("closed_on")),
                name="orgunit_org_inside_unit_period",
                violation_error_message=errors.DATES_ORG_OUTLIVES_UNIT,
            ),
            models.CheckConstraint(
                condition=~Q(code=""),
                name="orgunit_code_not_blank",
                violation_error_message=errors.CODE_BLANK,
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def effective_org_form(self) -> str:
        return self.org_form or self.kind.org_form

    @property
    def effective_org_form_label(self) -> str:
        return OrgForm(self.effective_org_form).label

    def is_open_on(self, day: datetime.date) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or self.closed_on > day)

    def parent(self) -> "OrgUnit | None":
        return OrgUnit.objects.get_parent(self)

    @staticmethod
    def org_exists_q(day: datetime.date, via: str = "") -> Q:
        """The women's organisation exists on `day`: established on or before it, not dissolved by then.

        `via` reaches the unit through a relation, e.g. "unit__". has_org_on is the same rule in Python.
        """
        return Q(**{f"{via}org_established_on__lte": day}) & (
            Q(**{f"{via}org_dissolved_on__isnull": True}) | Q(**{f"{via}org_dissolved_on__gt": day})
        )

    def has_org_on(self, day: datetime.date) -> bool:
        """The women's organisation exists on `day` (org_exists_q)."""
        established, dissolved = self.org_established_on, self.org_dissolved_on
        return established is not None and established <= day and (dissolved is None or dissolved > day)


# The division-change records live in their own module; Django finds them here.
from orgunits.change_models import UnitChange, UnitPastState  # noqa: E402, F401

# The organisation form changes (会改联) likewise.
from orgunits.form_models import OrgFormChange  # noqa: E402, F401
