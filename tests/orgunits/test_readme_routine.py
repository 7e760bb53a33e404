"""The README's yearly routine (区划调整), typed as it stands there: plan with -o, apply with the plan
as the mapping in a dry run, then for real, each `python manage.py …` in a process of its own. Only the
edition's directory, the area and the file's place are swapped for the test's own."""

import re
import shlex
from pathlib import Path

from orgunits.management.commands import apply_divisions
from tests.orgunits.test_division_apply import COUNTY, EDITIONS, FANGSHI_NEW
from tests.test_commands import database  # noqa: F401 (the fixture)

README = Path(__file__).resolve().parents[2] / "README.md"


def routine_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The yearly routine") :]
    block = section[section.index("```sh") + len("```sh") : section.index("```", section.index("```sh") + 5)]
    return [shlex.split(line) for line in block.splitlines() if line.startswith("python manage.py ")]


def test_the_readme_gives_plan_then_a_dry_run_then_the_apply():
    names = [(words[2], "--dry-run" in words) for words in routine_commands()]
    assert names == [("plan_divisions", False), ("apply_divisions", True), ("apply_divisions", False)]


def test_the_routine_as_typed_brings_the_county_to_the_new_edition(database, tmp_path):  # noqa: F811
    assert database.manage("load_divisions", EDITIONS / "apply-2022").returncode == 0
    swaps = {"../shared/data/china-division": str(EDITIONS / "apply-2023"), "4313": COUNTY}
    outputs, typed = [], []
    for words in routine_commands():
        args = [swaps.get(word, word) for word in words[2:]]
        args = [str(tmp_path / word) if word.endswith(".xlsx") else word for word in args]
        run = database.manage(*args)
        assert (run.returncode, run.stderr) == (0, ""), args
        outputs.append(run.stdout)
        typed.append(args)
    assert outputs[1].splitlines()[-1] == apply_divisions.DRY_RUN
    assert outputs[2].splitlines()[-1] == apply_divisions.DONE
    assert re.search(r"类型变更1个", outputs[2])
    assert database.value("SELECT count(*) FROM orgunits_orgunit WHERE code = %s", FANGSHI_NEW) == 1
    again = database.manage(*typed[-1])  # "Running it again changes nothing."
    assert (again.returncode, again.stdout.splitlines()[-1]) == (0, apply_divisions.NOTHING_TO_DO)
