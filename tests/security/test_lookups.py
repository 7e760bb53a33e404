"""Changelist lookups, swept: `__startswith`, `__regex`, `__in` and `__gt` on every field of every
changelist (and the related paths worth trying: `unit__code`, `person__name`, `person__id_number`, …),
as every persona, with a value taken from an object outside her scope.

For each lookup it asserts the exact status, worked out from the persona and the lookup
(`expected_lookup_status`), that no foreign name, code, identity number or phone is on the page, that
the list holds exactly the rows of hers that match, and that where none match, the page reads exactly
as the page for a value nobody has.
"""

import datetime
import html
import re
from urllib.parse import parse_qsl, urlencode

from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from orgunits.models import OrgUnit, UnitKind
from rosters.models import Person, Term
from rosters.people import PERSONAL_DATA_PERM
from stats.models import DataElement
from tests.base import MISSING_ID, page_text
from tests.security.counts import FACTS, count
from tests.security.expectations import Persona
from tests.security.reading import without_fixed_text
from tests.security.world import SecurityWorld, login, secrets_for

LOOKUPS = ("startswith", "regex", "in", "gt")
# Fields of a related model worth filtering through: what names it, and what is personal.
RELATED_FIELDS = {
    OrgUnit: ("code", "name"),
    Person: ("name", "id_number", "phone"),
    User: ("username",),
    Term: ("ordinal",),
    UnitKind: ("code",),
    DataElement: ("code",),
}
# Paths through reverse relations, and one that walks from a person's creator back to people.
EXTRA_PATHS = {
    OrgUnit: ("appointments__id", "appointments__person__name", "appointments__person__id_number"),
    Person: ("appointments__id", "appointments__unit__code", "registered_in__appointments__person__id_number"),
    User: ("assignments__id", "assignments__unit__code", "groups__id"),
}
NOBODY = f"id__in={MISSING_ID}"


def field_paths(model) -> list[str]:
    paths = []
    for field in model._meta.concrete_fields:
        paths.append(field.name)
        if field.is_relation:
            paths.append(f"{field.name}__id")
            paths.extend(f"{field.name}__{name}" for name in RELATED_FIELDS.get(field.related_model, ()))
    return [*paths, *EXTRA_PATHS.get(model, ())]


def resolve(model, path):
    """The field a path ends at, and whether it crosses more than one relation (Django's admin then
    allows it only when it is a list filter, which none of these paths is)."""
    parts = path.split("__")
    relations, field = 0, None
    for part in parts:
        field = model._meta.get_field(part)
        if field.is_relation:
            relations += 1
            model = field.related_model
        elif not (field.primary_key and relations):  # unit__id is the unit itself
            relations += 1
    return field, relations


def personal(model, path) -> bool:
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if model is Person and part in ("id_number", "phone"):
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def expected_lookup_status(p: Persona, model, path, lookup) -> int:
    if p.anonymous:
        return 302  # to the login
    if not p.views(model):
        return 403
    field, relations = resolve(model, path)
    if personal(model, path) and not p.perm_named(PERSONAL_DATA_PERM):
        return 400  # history_admin.PersonalLookupGuardMixin
    if model is User and path.startswith("password"):
        return 400  # Django's UserAdmin never filters by password
    if relations > 1:
        return 400  # Django's admin: only list filters may cross relations
    if field.is_relation and lookup in ("startswith", "regex"):
        return 302  # no such lookup on a relation: Django's admin goes back to the list with ?e=1
    return 200


def text_of(value) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def default_text(field) -> str:
    """A value of the field's type for a path no object fills."""
    if isinstance(field, models.DateTimeField):
        return "2021-06-01T00:00:00+00:00"
    if isinstance(field, models.DateField):
        return "2021-06-01"
    if isinstance(field, models.BooleanField):
        return "True"
    if isinstance(field, models.JSONField):
        return "1"
    if isinstance(field, models.DecimalField | models.IntegerField) or field.is_relation:
        return "1"
    return "a"


def value_at(obj, path):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
        if isinstance(obj, models.Manager):
            obj = obj.order_by("pk").first()
    return obj


def query_value(text: str, lookup: str) -> str:
    if lookup == "startswith":
        return text[:4]
    if lookup == "regex":
        return f"^{re.escape(text)}$"
    return text


def orm_value(text: str, lookup: str):
    return text.split(",") if lookup == "in" else text


_LINK = re.compile(r'(href|value)="([^"?]*)\?([^"]*)"')  # links, and the language form's next page


def _query(query: str, param: str) -> str:
    """A query string without her lookup, the parameters in order. The admin's add link keeps the
    list's filters in _changelist_filters, itself a query string; a list filter's "all" link drops
    every parameter that starts with its own name (kind, org, year), hers included."""
    pairs = []
    for key, value in parse_qsl(html.unescape(query), keep_blank_values=True):
        if key == param:
            continue
        if key == "_changelist_filters":
            value = _query(value, param)
        pairs.append((key, value))
    return "&".join(f"{key}={value}" for key, value in sorted(pairs))


def without_echoes(text: str, param: str, value: str) -> str:
    """The page without the lookup she typed, wherever the changelist repeats it: in its links, the
    language form's next page and the search form."""
    text = _LINK.sub(lambda link: f'{link.group(1)}="{link.group(2)}?{_query(link.group(3), param)}"', text)
    return text.replace(f'<input type="hidden" name="{param}" value="{html.escape(value)}">', "")


class LookupSweepTests(SecurityWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.factory = RequestFactory()

    def visible(self, user, model_admin):
        request = self.factory.get("/")
        request.user = user
        return model_admin.get_queryset(request)

    def lookups_for(self, user, model, model_admin):
        """(param, value, expected queryset of hers or None, from a foreign object) for every path and lookup."""
        everything = model._default_manager.order_by("-pk")
        mine = everything.none() if user is None else self.visible(user, model_admin)
        foreign = everything.exclude(pk__in=mine.values("pk"))
        if user is not None and model is User:
            foreign = foreign.exclude(pk=user.pk)
        foreign, anyone = list(foreign[:20]), list(everything[:20])
        for path in field_paths(model):
            field, _relations = resolve(model, path)
            source, text = None, None
            for candidates, outside in ((foreign, True), (anyone, False)):
                for obj in candidates:
                    value = value_at(obj, path)
                    if value not in (None, "") and "," not in text_of(value):
                        source, text = outside, text_of(value)
                        break
                if text is not None:
                    break
            if text is None:
                source, text = False, default_text(field)
            for lookup in LOOKUPS:
                param, value = f"{path}__{lookup}", query_value(text, lookup)
                yield path, lookup, param, value, source, mine

    def test_every_lookup_on_every_field_of_every_changelist(self):
        registry = list(admin.site._registry.items())
        personas = self.personas()
        FACTS.setdefault("personas", len(personas))
        count("changelists", len(registry))
        count("lookup fields", sum(len(field_paths(model)) for model, _ in registry))
        for label, user in personas:
            persona = Persona(label, user)
            login(self.client, user)
            secrets = secrets_for(user)
            for model, model_admin in registry:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                nobody = None
                for path, lookup, param, value, outside, mine in self.lookups_for(user, model, model_admin):
                    expected = expected_lookup_status(persona, model, path, lookup)
                    with self.subTest(persona=label, url=f"{url}?{param}={value}"):
                        response = self.client.get(url + "?" + urlencode({param: value}))
                        count("lookup GET")
                        assert response.status_code == expected, response.status_code
                        if expected == 302 and user is not None:
                            assert response["Location"] == f"{url}?e=1"
                        body = without_echoes(page_text(response), param, value)
                        leaked = secrets.found_in(without_fixed_text(body))
                        assert not leaked, leaked[:10]
                        if expected != 200:
                            continue
                        # Reverse relations repeat rows in the database; the list shows each once.
                        matching = set(mine.filter(**{param: orm_value(value, lookup)}).values_list("pk", flat=True))
                        assert response.context["cl"].result_count == len(matching)
                        if outside and not matching:
                            if nobody is None:
                                nobody = self.client.get(url + "?" + NOBODY)
                                count("lookup GET")
                                count("lookup nobody")
                                assert nobody.context["cl"].result_count == 0
                            count("lookup compared")
                            expected_body = without_echoes(page_text(nobody), "id__in", str(MISSING_ID))
                            assert body == expected_body
