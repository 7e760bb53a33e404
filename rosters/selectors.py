"""The reads that pages, exports and reports share: the people a user may see, and the worklists
(the lists federations act on, for a subtree and a date). Each is one queryset, so pages can
paginate and count it. A worklist on a past date lists the units as they stood then (TreeOn): pass
the day's `tree` when asking several lists for the same day, to learn only once whether it changed.

A person is hers when one of the person's appointments (past ones included) lies in her scope, or
when she registered the person herself and nobody has appointed them yet.
"""

import datetime

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from orgunits.as_of import TreeOn, subtree_on
from orgunits.dates import add_months
from orgunits.models import OrgUnit
from rosters.models import Appointment, Person, Post, PostSeats, Term

BUSY_THRESHOLD = 3


def people_for(scope, *, editable: bool = False):
    """The people the scope's user may see (or, editable=True, change)."""
    people = Person.objects.all()
    if scope.unrestricted:
        return people
    # Correlated, not `pk IN (…)`: beside the OR below, PostgreSQL would hash every appointment of her
    # scope (a province's million) before looking at the few people a search or a page asks about.
    holding = scope.filter(Appointment.objects.filter(person_id=OuterRef("pk")), "unit__", editable=editable)
    condition = Q(Exists(holding))
    if scope.user_id and (scope.edit_paths or not editable):
        unplaced = ~Exists(Appointment.objects.filter(person_id=OuterRef("pk")))
        condition |= Q(unplaced, created_by_id=scope.user_id)
    return people.filter(condition)


def latest_term(unit: OrgUnit, *, lock: bool = False) -> Term | None:
    """The unit's last term, locked (lock=True) against a concurrent re-election."""
    terms = Term.objects.select_for_update() if lock else Term.objects.all()
    return terms.filter(unit=unit).order_by("-ordinal").first()


def organisations_without_chair(unit: OrgUnit, on: datetime.date, *, tree: TreeOn | None = None):
    """有组织无人员: established organisations with nobody in a chair post that day."""
    return without_chair_among(subtree_on(unit, on, tree=tree), on).select_related("kind").order_by("then_path")


def without_chair_among(units, on: datetime.date):
    """The units (annotated by TreeOn) with an organisation that day and nobody in a chair post."""
    chairs = Appointment.objects.active_on(on).filter(unit=OuterRef("pk"), post__counts_as_chair=True)
    return units.open_on(on).org_established_on(on).exclude(Exists(chairs))


def terms_due(unit: OrgUnit, on: datetime.date, months: int = 6, *, tree: TreeOn | None = None):
    """换届: open terms due within `months` of the date, or already overdue (annotated)."""
    tree = tree or TreeOn.of(on)
    # Joined on the path range where the tree has not changed since: as `unit IN (subtree)`, PostgreSQL
    # sorted all 62,074 of 山东's terms on disk before testing which lay in the subtree (108 ms → 45 ms).
    if tree.changed:
        within = Q(unit__in=subtree_on(unit, on, tree=tree).values("pk"))
    else:
        within = OrgUnit.subtree_q(unit.path, via="unit__")
    return (
        Term.objects.filter(within, closed_on__isnull=True)
        .filter(due_on__lte=add_months(on, months))
        .annotate(overdue=Case(When(due_on__lt=on, then=Value(True)), default=Value(False)))
        .select_related("unit")
        .order_by("due_on", "unit__path")
    )


# A person's load: her posts and her distinct concurrent roles (over the appointments grouped).
LOAD = Count("pk", distinct=True) + Count("concurrent_roles", distinct=True)


def busy_people(unit: OrgUnit, on: datetime.date, threshold: int = BUSY_THRESHOLD, *, tree: TreeOn | None = None):
    """身兼数职: people holding `threshold` or more posts and concurrent roles that day in the subtree.

    The busy are found from the subtree's appointments, grouped by person, before any person is read:
    annotating every person of the country with her counts (and filtering on them) took 16 s for 山东.
    """
    units = subtree_on(unit, on, tree=tree).values("pk")
    held = Appointment.objects.filter(unit__in=units).active_on(on).order_by()
    busy = held.values("person").annotate(load=LOAD).filter(load__gte=threshold).values("person")
    return with_loads(Person.objects.filter(pk__in=busy), Q(appointments__unit__in=units), on).order_by("-load", "name")


def with_loads(people, within: Q, on: datetime.date):
    """The people annotated with their posts, roles and load that day at the units `within` (a Q on
    the people's appointments, e.g. appointments__unit__in)."""
    active = (
        within
        & Q(appointments__start_on__lte=on)
        & (Q(appointments__end_on__isnull=True) | Q(appointments__end_on__gte=on))
    )
    return people.annotate(
        posts=Count("appointments", filter=active, distinct=True),
        roles=Count("appointments__concurrent_roles", filter=active, distinct=True),
    ).annotate(load=F("posts") + F("roles"))


def _holders(on: datetime.date, **posts):
    """How many hold the given posts in the outer unit that day (None for nobody)."""
    return Subquery(
        Appointment.objects.active_on(on)
        .filter(unit=OuterRef("pk"), **posts)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


def seats_of_then_kind(seats: dict[int, int]):
    """The seats of the kind the unit had then (then_kind_id), from {kind pk: seats}; 0 for other kinds."""
    kinds_by_seats: dict[int, list[int]] = {}
    for kind_pk, count in seats.items():
        kinds_by_seats.setdefault(count, []).append(kind_pk)
    return Case(
        *(When(then_kind_id__in=kinds, then=Value(count)) for count, kinds in kinds_by_seats.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _shortfall(seats, holders):
    return Greatest(seats - Coalesce(holders, 0), Value(0))


def seats_by_post() -> list[tuple[Post, dict[int, int]]]:
    """Each post that has seats somewhere, with its seats by kind pk ({kind pk: seats}): one query."""
    found: dict[int, tuple[Post, dict[int, int]]] = {}
    for row in PostSeats.objects.select_related("post").order_by("post__sort_order", "post__name", "kind_id"):
        found.setdefault(row.post_id, (row.post, {}))[1][row.kind_id] = row.seats
    return list(found.values())


def vacant_seats(unit: OrgUnit, on: datetime.date, *, tree: TreeOn | None = None) -> tuple[list[Post], object]:
    """职数空缺 in the subtree as it stood on the day: vacant_among its units."""
    return vacant_among(subtree_on(unit, on, tree=tree), on)


def vacant_among(units, on: datetime.date) -> tuple[list[Post], object]:
    """The units (annotated by TreeOn) whose organisation has fewer holders than its seats.

    A post has seats only in the unit kinds its seats (PostSeats) list; a post listing none has seats
    nowhere, so a post added without seats cannot put every unit of the country on the list. The chair
    posts (主席, 妇女主任, 妇代会主任: counts_as_chair) are one seat under the titles of different
    organisation forms: a village lacks one chair, not three, and holding any of them fills it, as on
    有组织无人员.

    Annotated: `vacant_chair`; `vacant_<post pk>` per post, as if that title stood alone; `vacant_total`,
    which counts the chair seat once.
    """
    posts = seats_by_post()
    units = units.open_on(on).org_established_on(on).select_related("kind").order_by("then_path")
    chair_seats: dict[int, int] = {}
    for post, seats in posts:
        units = units.annotate(**{f"vacant_{post.pk}": _shortfall(seats_of_then_kind(seats), _holders(on, post=post))})
        if post.counts_as_chair:
            for kind_pk, count in seats.items():
                chair_seats[kind_pk] = max(chair_seats.get(kind_pk, 0), count)
    units = units.annotate(
        vacant_chair=_shortfall(seats_of_then_kind(chair_seats), _holders(on, post__counts_as_chair=True))
    )
    total = F("vacant_chair")
    for post, _seats in posts:
        if not post.counts_as_chair:
            total = total + F(f"vacant_{post.pk}")
    return [post for post, _seats in posts], units.annotate(vacant_total=total).filter(vacant_total__gt=0)
