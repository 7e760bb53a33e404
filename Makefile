# Two commands matter: `make demo` and `make test`. Everything else is for CI and benchmarks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
TEST_SECRET := test-only-secret-key-not-for-production

.PHONY: install demo serve test lint bench mutate clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo --superuser --personas
	@echo "管理后台：http://127.0.0.1:8000/admin/  （Ctrl-C 停止）"
	DEBUG=1 DIVISION_EDITIONS_DIR=registry/fixtures/demo/division-change $(PY) manage.py runserver 127.0.0.1:8000

test: install
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .

bench: install
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) bench/spreadsheet_bench.py
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) bench/scope_timing.py
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) bench/run.py $(BENCH_ARGS)

# Mutation testing (docs/mutation.md): mutmut mutates the functions that hold the rules, runs each
# mutant against the fast tests listed in pyproject.toml's [tool.mutmut], and lists what survives.
MUTATE := 'rosters.identity.*' 'orgunits.codes.*' 'access.scope.*' 'stats.coverage.*' \
	'stats.expressions.*' 'stats.services.x_rule_violations__*' 'stats.services.x__readable__*' \
	'orgunits.services.x_date_errors__*' 'orgunits.services.x_placement_errors__*' \
	'orgunits.services.x_children_errors__*' 'orgunits.services.x__allowed_parent_names__*' \
	'orgunits.services.x_unit_rule_errors__*' \
	'orgunits.models.*ǁis_open_on__*' 'orgunits.models.*ǁopen_on__*' \
	'orgunits.models.*ǁclosed_on_or_before__*' 'orgunits.models.*ǁorg_established_on__*' \
	'orgunits.models.*ǁhas_org_on__*' 'orgunits.models.*ǁorg_exists_q__*' \
	'orgunits.unit_import.x_check_table__*' 'orgunits.unit_import.x__mark_duplicates__*' \
	'orgunits.unit_import.x__plan__*' 'orgunits.unit_import.x__record_changes__*' \
	'orgunits.unit_import.x__display__*' 'orgunits.unit_import.x__shown__*' \
	'orgunits.unit_import.x__check_parents__*' 'orgunits.unit_import.x__check_rules__*' \
	'orgunits.import_tree.x_parents_first__*' 'orgunits.unit_import.x__check_scope__*' \
	'orgunits.import_tree.xǁUnitLookupsǁ*'

mutate: install
	rm -rf mutants && mkdir mutants
	@echo "mutmut: running; the log is mutants/run.log (10 to 13 minutes)"
	@start=$$(date +%s); \
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(VENV)/bin/mutmut run $(MUTATE) > mutants/run.log 2>&1 \
		|| { tail -n 40 mutants/run.log; exit 1; }; \
	echo "mutmut: done in $$(( $$(date +%s) - start )) s"
	@echo "Mutants by result:"
	@$(VENV)/bin/mutmut results --all true | grep -v ': not checked$$' | sed 's/.*: //' | sort | uniq -c
	@echo "Surviving mutants (each is explained in docs/mutation.md, or is a test to write):"
	@$(VENV)/bin/mutmut results | grep -v ': not checked$$' | grep -v ': timeout$$' || echo "    none"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
