# insieme — the two commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) manage.py
PO := $(wildcard locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint serve worker setup messages otp bench clean

setup: .venv/.synced static/vendor/.done $(MO)

.venv/.synced: requirements.lock scripts/setup-python
	@scripts/setup-python

static/vendor/.done: package.json scripts/vendor-assets
	@scripts/vendor-assets

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po .venv/.synced
	@DEBUG=1 $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

PORT ?= 8000

## Development server on http://127.0.0.1:$(PORT) with SQLite under var/, the demo data and the
## background worker beside it (e-mails written to var/mail/); Ctrl-C stops both.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v0
	@$(MANAGE) createcachetable
	@$(MANAGE) seed_demo
	@$(MANAGE) send_notice_digest --schedule >/dev/null
	@$(MANAGE) db_worker -v0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

## The whole suite: PostgreSQL when DATABASE_URL is set, SQLite otherwise.
test: setup
	@scripts/ensure-chromium
	@scripts/ensure-poppler
	@unset PYTHONDONTWRITEBYTECODE; DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

lint: setup
	@mkdir -p var
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	DEBUG=1 .venv/bin/mypy insieme config
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	$(PY) scripts/check-translations
	.venv/bin/lint-imports --cache-dir var/import-linter
	$(PY) scripts/check-module-size

## Refresh the Italian catalogue after changing strings (then translate what is new).
messages: setup
	$(MANAGE) makemessages -l it --ignore=.venv --ignore=node_modules --ignore=static/vendor --no-obsolete

## Production-style server: gunicorn + WhiteNoise (set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL).
serve: setup
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	.venv/bin/gunicorn config.wsgi --config config/gunicorn.py --bind $${BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-3}

## Background worker for the tasks framework (database queue).
worker: setup
	$(MANAGE) db_worker

## Current one-time codes of the demo staff accounts (development only).
otp: export DEBUG ?= 1
otp: setup
	@$(MANAGE) demo_otp

## Scale benchmark on PostgreSQL (200,000 people; BENCH_* variables in bench/run.py): prints the
## results and writes docs/performance.md. Drops and recreates the database of BENCH_DATABASE_URL.
bench: setup
	@$(PY) bench/run.py

clean:
	rm -rf .venv .uv node_modules static/vendor staticfiles var
