# The two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast ci install demo lint bench chaos fuzz clean screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load the demo account (prints its logins), start web + worker + beat.
## DEBUG=true (unless set otherwise) is the development path: fixed development keys, no real ones needed.
run: export DEBUG ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py run_console

## make test: install what the tests need and run the whole suite.
test: install
	@command -v chromium >/dev/null || echo "note: Debian's chromium is missing: browser tests will be skipped (apt-get install -y chromium)"
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m benchmarks.run

## make chaos: the chaos run on the local PostgreSQL and Redis (override with DATABASE_URL / CELERY_BROKER_URL).
chaos: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/3} \
	CHAOS=1 $(PY) -m pytest tests/chaos -m chaos -s

## make fuzz: schemathesis against the project's own OpenAPI schema (FUZZ_EXAMPLES=n per operation).
fuzz: install
	$(PY) -m pytest tests/security/test_api_fuzz.py -s

## make screenshots: re-shoot the README's tour (docs/screenshots/) from the console as it is.
screenshots: install
	TOUR_SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_tour.py -q

clean:
	rm -rf var/*.sqlite3* var/celerybeat-schedule*
