# 尚法云 — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format typecheck lock check-deploy bench load clean

$(VENV)/.installed: requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（找不到 $(PYTHON)）"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --once
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_logins --base-url http://$(HOST):$(PORT)
	@# The job scheduler runs beside the web server and stops with it.
	$(PY) manage.py run_scheduler & SCHED=$$!; \
	trap 'kill $$SCHED 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Pages and API endpoints measured on generated data (PostgreSQL at 127.0.0.1:5432, database
# shangfa_bench_<scale>, seeded once); writes bench/results/<date>-<scale>.md. Never in `make test`.
SCALE ?= district
bench: install
	$(PY) -m bench.run --scale $(SCALE) $(BENCH_ARGS)

# A working day's mix with locust (bench/locustfile.py): 200 users for 2 minutes against
# gunicorn on 127.0.0.1, same database; writes bench/results/<date>-load-<scale>.md.
# Smaller: make load LOAD_ARGS="--users 20 --duration 20". Never in `make test`.
load: install
	$(PY) -m bench.load --scale $(SCALE) $(LOAD_ARGS)

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install
	$(VENV)/bin/mypy .

check-deploy: install
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=shangfa.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

# Regenerate the pinned lock files from pyproject.toml in a throw-away venv.
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet ".[dev]"
	var/lockenv/bin/pip freeze --exclude shangfayun > requirements-dev.txt
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet .
	var/lockenv/bin/pip freeze --exclude shangfayun > requirements.txt
	rm -rf var/lockenv

clean:
	rm -rf $(VENV) var/db.sqlite3* var/static
