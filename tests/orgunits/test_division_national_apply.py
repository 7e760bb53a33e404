"""Acceptance of apply_divisions on the real editions (PostgreSQL): five cities loaded from the 2022
edition, with an organisation on every unit and officers and figures on some units that get recoded,
brought to the 2023 edition on 2023-06-30 as a clerk would, city by city.

On 2023-06-30 the coverage of every county and township must count what a registry loaded from the
2023 edition alone counts (应建数), the organisations must be those of the 2022 units that the 2023
units are (已建数), and nothing entered before may be lost.

The files are not in the repository; see tests/orgunits/test_division_editions.py (edition_directory)
for where they are looked for, the skip without them and the failure under NATIONAL_DATA_REQUIRED=1.
"""

import csv
import datetime
import re
import tempfile
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase

from orgunits.change_models import UnitChange, UnitPastState
from orgunits.division_plan import MERGED_INTO, REMOVED, UNDECIDED
from orgunits.loader import Division
from orgunits.models import OrgUnit, UnitKind
from rosters.models import Appointment, Person, Post, Term
from stats.coverage import OWN_LEVEL_LABEL, coverage
from stats.models import DataElement, DataValue, EligibilityRule
from tests.orgunits.test_division_editions import edition_directory, part

CITIES = ("1301", "1309", "4313", "3205", "3401")  # 石家庄, 沧州, 娄底, 苏州, 合肥
ON = datetime.date(2023, 6, 30)
DAY_BEFORE = ON - datetime.timedelta(days=1)
ESTABLISHED = datetime.date(2020, 1, 1)
APPOINTED = datetime.date(2021, 4, 1)
SEEDED_PER_CITY = 4  # units that get recoded and carry an officer, a term and a figure
CANDIDATE = re.compile(r"([^：、（）]+)（(\w+)）")
PLAN_COLUMNS = {"old_code": 0, "new_code": 1, "relation": 2, "change": 3, "old_name": 4, "note": 10}


def decided_by_name(rows: list[list[str]]) -> int:
    """Decide the 待定 rows of an exported plan as a clerk would: of the candidates the plan names,
    the unit with the same full name (高刘居民委员会 stays the 居民委员会, 高刘村民委员会 the 村).
    Returns how many rows were decided."""
    decided = 0
    for row in rows[1:]:
        if row[PLAN_COLUMNS["change"]] != UNDECIDED:
            continue
        candidates = CANDIDATE.findall(row[PLAN_COLUMNS["note"]].split("；")[0])
        (code,) = [code for name, code in candidates if name == row[PLAN_COLUMNS["old_name"]]]
        row[PLAN_COLUMNS["new_code"]], row[PLAN_COLUMNS["relation"]] = code, "同一单位"
        decided += 1
    return decided


def expected_tallies(divisions: list[Division], counted: set[str] | None = None) -> dict[str, dict]:
    """For each county and township of an edition: {row: {kind: units}} as the coverage table would
    count them in a registry holding only that edition, every kind eligible (no rules). A row is
    本级 or the code of an area child; with `counted`, only the units whose codes are in it."""
    children = defaultdict(list)
    for division in divisions:
        children[division.parent_code].append(division)
    below: dict[str, Counter] = {}

    def subtree(division: Division) -> Counter:
        counts = Counter({division.kind: 1} if counted is None or division.code in counted else {})
        for child in children[division.code]:
            counts += subtree(child)
        below[division.code] = counts
        return counts

    codes = {division.code for division in divisions}
    for root in [division for division in divisions if division.parent_code not in codes]:
        subtree(root)
    tallies = {}
    for division in divisions:
        if len(division.code) in (6, 9):
            rows = {OWN_LEVEL_LABEL: Counter({division.kind: 1} if counted is None or division.code in counted else {})}
            rows.update((child.code, below[child.code]) for child in children[division.code])
            tallies[division.code] = {row: dict(+counts) for row, counts in rows.items() if +counts}
    return tallies


def codes_on(day: datetime.date) -> dict[int, str]:
    """Unit id → its code on `day`: the code of its first past state after the day, if a division
    change altered it since, else its code now."""
    codes = dict(OrgUnit.objects.values_list("pk", "code"))
    later = UnitPastState.objects.filter(valid_until__gt=day).order_by("unit_id", "-valid_until")
    codes.update(later.values_list("unit_id", "code"))  # the earliest state of each unit is the last one
    return codes


def actual_tallies(unit: OrgUnit, on: datetime.date, kinds: dict[int, str], field: str, codes: dict) -> dict:
    """{row: {kind: 应建数 or 已建数}} of the unit's coverage table on `on`, rows keyed by code on `on`."""
    found = {}
    for row in coverage(unit, on).rows:
        key = codes[row.unit.pk] if row.unit and row.unit.pk != unit.pk else row.label
        counts = {kinds[kind_id]: getattr(tally, field) for kind_id, tally in row.by_kind.items()}
        counts = {kind: n for kind, n in counts.items() if n}
        if counts:
            found[key] = counts
    return found


@pytest.mark.postgres
class FiveCitiesFrom2022To2023Tests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.old_dir, cls.new_dir = edition_directory(2022), edition_directory(2023)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        for city in CITIES:
            call_command("load_divisions", str(cls.old_dir), "--under", city, stdout=StringIO())
        # An organisation on every unit, in one statement, as an import of last year's list would leave it.
        OrgUnit.objects.update(org_established_on=ESTABLISHED)
        cls.units_before = set(OrgUnit.objects.values_list("pk", flat=True))
        cls.decided, cls.plans, cls.outputs = 0, {}, {}
        with tempfile.TemporaryDirectory() as folder:
            for city in CITIES:
                cls.plans[city] = cls.plan_and_mapping(city, Path(folder))
            cls.seeded = cls.seed_rosters_and_figures()
            for city in CITIES:
                out = StringIO()
                call_command(
                    "apply_divisions",
                    str(cls.new_dir),
                    *("--on", ON.isoformat(), "--edition", "2023", "--under", city),
                    *("--mapping", str(Path(folder) / f"mapping-{city}.csv")),
                    stdout=out,
                )
                cls.outputs[city] = out.getvalue()

    @classmethod
    def plan_and_mapping(cls, city: str, folder: Path) -> list[list[str]]:
        """The plan exported by plan_divisions and, from it, the mapping the apply reads: the whole
        export fed back, its 待定 rows decided by name (decided_by_name). Only 合肥 (3401) has some:
        高刘居民委员会 and 高刘村民委员会 of 340172006 both match both units of 340177006."""
        exported = folder / f"plan-{city}.csv"
        args = ("--on", ON.isoformat(), "--edition", "2023", "--under", city, "-o", str(exported))
        call_command("plan_divisions", str(cls.new_dir), *args, stdout=StringIO())
        with exported.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        cls.decided += decided_by_name(rows)
        with (folder / f"mapping-{city}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return rows

    @classmethod
    def seed_rosters_and_figures(cls) -> dict[int, tuple[str, str]]:
        """An officer with her term and a population figure on a few units per city whose code
        changes (townships and villages, renamed, re-typed or moved too). Returns pk → (old, new code)."""
        picked = {}
        for rows in cls.plans.values():
            recoded = [row for row in rows[1:] if "改代码" in row[3] and row[2] == "同一单位"]
            recoded.sort(key=lambda row: (-len(row[3]), len(row[0]), row[0]))  # most changed first
            for row in recoded[:SEEDED_PER_CITY]:
                picked[OrgUnit.objects.get(code=row[0]).pk] = (row[0], row[1])
        post, population = Post.objects.get(name="执委"), DataElement.objects.get(code="population")
        for n, pk in enumerate(sorted(picked)):
            person = Person.objects.create(
                name=f"验收{n:02d}", birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(n)
            )
            term = Term.objects.create(
                unit_id=pk, ordinal=1, elected_on=APPOINTED, due_on=APPOINTED.replace(year=APPOINTED.year + 5)
            )
            Appointment.objects.create(person=person, unit_id=pk, post=post, term=term, start_on=APPOINTED)
            DataValue.objects.create(unit_id=pk, element=population, period="2022", total=1000 + n, female=500)
        return picked

    def setUp(self):
        self.kinds = dict(UnitKind.objects.values_list("pk", "code"))

    def edition_2023(self) -> list[Division]:
        return [d for city in CITIES for d in part(2023, city) if len(d.code) >= 4]

    def edition_2022(self) -> list[Division]:
        return [d for city in CITIES for d in part(2022, city) if len(d.code) >= 4]

    def test_the_cities_now_hold_the_2023_edition(self):
        assert self.decided == 2  # the two 高刘 of 合肥; every other unit was matched by the plan itself
        for city in CITIES:
            assert self.outputs[city].endswith("已写入。再次执行同一版本不会有任何变化。\n"), self.outputs[city]
        open_now = set(OrgUnit.objects.open_on(ON).filter(depth__gte=3).values_list("code", flat=True))
        assert open_now == {d.code for d in self.edition_2023()}
        out = StringIO()
        call_command("check_tree", stdout=out)
        assert out.getvalue().startswith("单位树完好"), out.getvalue()

    def test_eligible_units_per_kind_and_row_are_those_of_the_2023_edition(self):
        assert not EligibilityRule.objects.exists()  # every unit of every kind counts, as expected_tallies says
        expected = expected_tallies(self.edition_2023())
        found = self.tallies_on(ON, "eligible")
        assert len(found) == len(expected) > 900
        assert {code: rows for code, rows in found.items() if rows != expected[code]} == {}

    def test_organisations_per_kind_and_row_are_those_of_the_2023_units_that_were_2022_units(self):
        open_now = OrgUnit.objects.open_on(ON).values_list("code", "pk")
        identified = {code for code, pk in open_now if pk in self.units_before}
        expected = expected_tallies(self.edition_2023(), counted=identified)
        found = self.tallies_on(ON, "established")
        new_units = set(UnitChange.objects.filter(change_type="新增").values_list("new_code", flat=True))
        assert new_units and not new_units & identified
        assert {code: rows for code, rows in found.items() if rows != expected.get(code, {})} == {}

    def test_every_organisation_is_kept_or_dissolved_with_the_reason(self):
        gone = Counter()
        for unit in OrgUnit.objects.filter(pk__in=self.units_before).order_by():
            assert unit.org_established_on == ESTABLISHED, unit
            if unit.org_dissolved_on is None:
                assert unit.closed_on is None, unit
                continue
            assert (unit.org_dissolved_on, unit.closed_on) == (ON, ON), unit
            change = UnitChange.objects.get(unit=unit, changed_on=ON)
            assert change.change_type in (REMOVED, MERGED_INTO) and change.old_code == unit.code
            gone[change.change_type] += 1
        planned = Counter(
            row[3] for rows in self.plans.values() for row in rows[1:] if row[3] in (REMOVED, MERGED_INTO)
        )
        assert gone == planned and gone[REMOVED] == 16

    def test_officers_terms_and_figures_stay_on_the_recoded_units(self):
        assert len(self.seeded) == SEEDED_PER_CITY * len(CITIES)
        for pk, (old_code, new_code) in self.seeded.items():
            unit = OrgUnit.objects.get(code=new_code)
            assert unit.pk == pk and old_code != new_code
            assert unit.past_states.get(valid_until=ON).code == old_code
            appointment = Appointment.objects.get(unit=unit)
            assert (appointment.person.name[:2], appointment.end_on, appointment.term.unit_id) == ("验收", None, pk)
            assert DataValue.objects.get(unit=unit, period="2022").total >= 1000
            reasons = list(unit.history.values_list("history_change_reason", flat=True)[:2])
            assert any("区划调整" in reason for reason in reasons), reasons

    def test_applying_again_changes_nothing(self):
        for city in CITIES:
            out = StringIO()
            call_command(
                "apply_divisions",
                str(self.new_dir),
                "--on",
                ON.isoformat(),
                "--edition",
                "2023",
                "--under",
                city,
                stdout=out,
            )
            assert out.getvalue().endswith("库中的单位已与这一版本一致，未写入任何数据。\n"), out.getvalue()

    # On the day before the change the table reads as a registry of the 2022 edition alone does: the
    # units open then, with the kind and the parent they had then (orgunits.as_of).
    def test_eligible_units_the_day_before_are_those_of_the_2022_edition(self):
        expected = expected_tallies(self.edition_2022())
        found = self.tallies_on(DAY_BEFORE, "eligible")
        assert {code: rows for code, rows in found.items() if rows != expected.get(code)} == {}

    def tallies_on(self, day: datetime.date, field: str) -> dict[str, dict]:
        """actual_tallies of every county and township open on `day`, by its code on that day."""
        codes = codes_on(day)
        units = OrgUnit.objects.open_on(day).filter(depth__in=(4, 5)).select_related("kind").order_by()
        return {codes[unit.pk]: actual_tallies(unit, day, self.kinds, field, codes) for unit in units}
