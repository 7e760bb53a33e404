# Two commands matter: `make demo` and `make test`. Everything else is for CI and benchmarks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
TEST_SECRET := test-only-secret-key-not-for-production

.PHONY: install demo serve test lint bench clean

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
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .

bench: install
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) bench/spreadsheet_bench.py
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) bench/scope_timing.py
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET)} $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
