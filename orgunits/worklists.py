"""The lists federations act on, for a subtree and a date. Each is one queryset, so pages can
paginate and count it."""

import datetime

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from orgunits.models import Appointment, OrgUnit, Person, Post, Term

BUSY_THRESHOLD = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def organisations_without_chair(unit: OrgUnit, on: datetime.date):
    """有组织无人员: established organisations with nobody in a chair post that day."""
    chairs = Appointment.objects.active_on(on).filter(unit=OuterRef("pk"), post__counts_as_chair=True)
    return (
        OrgUnit.objects.subtree(unit).open_on(on).org_established_on(on).exclude(Exists(chairs)).select_related("kind")
    )


def terms_due(unit: OrgUnit, on: datetime.date, months: int = 6):
    """换届: open terms due within `months` of the date, or already overdue (annotated)."""
    return (
        Term.objects.filter(unit__in=OrgUnit.objects.subtree(unit), closed_on__isnull=True)
        .filter(due_on__lte=add_months(on, months))
        .annotate(overdue=Case(When(due_on__lt=on, then=Value(True)), default=Value(False)))
        .select_related("unit")
        .order_by("due_on", "unit__path")
    )


def busy_people(unit: OrgUnit, on: datetime.date, threshold: int = BUSY_THRESHOLD):
    """身兼数职: people holding `threshold` or more posts and concurrent roles that day in the subtree."""
    active = (
        Q(appointments__unit__in=OrgUnit.objects.subtree(unit))
        & Q(appointments__start_on__lte=on)
        & (Q(appointments__end_on__isnull=True) | Q(appointments__end_on__gte=on))
    )
    return (
        Person.objects.annotate(
            posts=Count("appointments", filter=active, distinct=True),
            roles=Count("appointments__concurrent_roles", filter=active, distinct=True),
        )
        .annotate(load=F("posts") + F("roles"))
        .filter(load__gte=threshold)
        .order_by("-load", "name")
    )


def vacant_seats(unit: OrgUnit, on: datetime.date) -> tuple[list[Post], object]:
    """Units whose organisation has fewer holders than a post's seats; `vacant_<post pk>` per post."""
    posts = [post for post in Post.objects.prefetch_related("kinds") if post.default_seats and post.kinds.all()]
    units = OrgUnit.objects.subtree(unit).open_on(on).org_established_on(on).select_related("kind")
    total = Value(0)
    for post in posts:
        held = (
            Appointment.objects.active_on(on)
            .filter(unit=OuterRef("pk"), post=post)
            .order_by()
            .values("unit")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        vacancy = Case(
            When(
                kind_id__in=[kind.pk for kind in post.kinds.all()],
                then=Greatest(Value(post.default_seats) - Coalesce(Subquery(held), 0), Value(0)),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        alias = f"vacant_{post.pk}"
        units = units.annotate(**{alias: vacancy})
        total = total + F(alias)
    return posts, units.annotate(vacant_total=total).filter(vacant_total__gt=0)
