"""bulk_create_recorded writes the rows and the history simple-history's bulk_create_with_history
writes, on SQLite (bulk_create) and on PostgreSQL (COPY with keys from the sequence)."""

import datetime

from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from simple_history.utils import bulk_create_with_history

from imports.bulk_insert import bulk_create_recorded
from orgunits.models import OrgUnit
from rosters.models import Appointment, Person, Post
from tests.base import TreeTestCase

TRACKED = ("id", "name", "sex", "birth_date", "ethnicity", "phone", "id_number", "created_by_id", "created_at")


def people(prefix: str, count: int) -> list[Person]:
    return [
        Person(name=f"{prefix}{n}", sex="F", birth_date=datetime.date(1980, 1, 1 + n), phone=f"1390000{n:04d}")
        for n in range(count)
    ]


def history_of(person: Person) -> dict:
    entry = Person.history.get(id=person.pk)
    values = {name: getattr(entry, name) for name in TRACKED}
    values.pop("id")
    return values | {
        "history_type": entry.history_type,
        "history_user_id": entry.history_user_id,
        "history_change_reason": entry.history_change_reason,
    }


class BulkCreateRecordedTests(TreeTestCase):
    def test_the_same_rows_and_history_as_bulk_create_with_history(self):
        user = get_user_model().objects.create(username="importer")
        ours = bulk_create_recorded(
            people("甲", 3), Person, default_user=user, default_change_reason="命令 import_officers a.xlsx"
        )
        theirs = bulk_create_with_history(
            people("乙", 3), Person, default_user=user, default_change_reason="命令 import_officers a.xlsx"
        )
        assert all(person.pk for person in ours) and len({p.pk for p in ours + theirs}) == 6
        for mine, reference in zip(ours, theirs, strict=True):
            stored = model_to_dict(Person.objects.get(pk=mine.pk), exclude=["id", "name", "created_at", "updated_at"])
            expected = model_to_dict(Person.objects.get(pk=reference.pk), exclude=["id", "name"])
            assert stored == {k: v for k, v in expected.items() if k not in ("created_at", "updated_at")}
            assert Person.objects.get(pk=mine.pk).created_at is not None  # auto_now_add filled
            mine_history, reference_history = history_of(mine), history_of(reference)
            for values in (mine_history, reference_history):
                values.pop("name"), values.pop("created_at")
            assert mine_history == reference_history
            assert mine_history["history_type"] == "+" and mine_history["history_user_id"] == user.pk

    def test_keys_come_from_the_sequence_so_later_saves_do_not_collide(self):
        created = bulk_create_recorded(people("丙", 4), Person)
        later = Person.objects.create(name="丁", sex="F", birth_date=datetime.date(1990, 1, 1))
        assert later.pk not in {p.pk for p in created}
        assert Person.history.filter(id__in=[p.pk for p in created]).count() == 4

    def test_foreign_keys_are_written_and_instances_count_as_saved(self):
        person = bulk_create_recorded(people("戊", 1), Person)[0]
        post = Post.objects.get(name="执委")
        village = OrgUnit.objects.children_of(self.heye).first()
        appointment = Appointment(person=person, unit=village, post=post, start_on=datetime.date(2021, 4, 1))
        bulk_create_recorded([appointment], Appointment)
        stored = Appointment.objects.get(pk=appointment.pk)
        assert (stored.person_id, stored.unit_id, stored.post_id) == (person.pk, village.pk, post.pk)
        assert not appointment._state.adding
        assert Appointment.history.get(id=appointment.pk).unit_id == village.pk

    def test_nothing_to_write_writes_nothing(self):
        with self.max_queries(0):
            assert bulk_create_recorded([], Person) == []
