# The two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve test test-fast services ci install demo lint bench chaos fuzz clean screenshots messages

# The tiers: `make test-fast` is the services, views and API (no browser, no worker processes, no
# chaos, no fuzzing, no security walks, none of CI's PostgreSQL-only passes); `make test` is everything.
SLOW_TIERS := browser or integration or chaos or fuzz or walk or production or scale

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

## make serve: `make run`'s production twin: `manage.py deploy` (checks, migrate, collectstatic), then
## the Procfile's processes through honcho: gunicorn, the two workers, beat. Configure it with the
## environment or a .env file (README "Deploy"); it never loads the demo.
serve: install
	$(PY) manage.py deploy
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

## make demo: migrate and load the demo account (prints its logins) without starting anything.
demo: export DEBUG ?= true
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

## make test: install what the tests need, say which services are missing, run the whole suite.
test: install services
	$(PY) -m pytest

## make test-fast: services, views and API only (under two minutes on a quiet 2-core machine).
test-fast: install
	$(PY) -m pytest -q -m "not ($(SLOW_TIERS))"

## make messages: collect the console's translatable text into locale/zh_Hans/LC_MESSAGES/django.po
## (new entries come out empty: translate them there), then compile django.mo. Commit both files:
## `make run` reads the committed .mo and needs no gettext. Needs gettext (xgettext, msgfmt).
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests --ignore=var --ignore=benchmarks
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

## make services: which services the suite uses are missing here (tests needing them are skipped).
services: install
	@$(PY) -m tests.services

## make ci: CI's four passes (.ci/run: SQLite; PostgreSQL + Redis; RabbitMQ; PgBouncer).
ci: install
	./.ci/run

lint: install
	$(VENV)/bin/ruff check .

## make bench: the benchmark (docs/benchmarks.md, ~9 min on an idle machine); BENCH_QUICK=1 make bench: ~3 min.
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
