# Cabinet cloud — the two commands: `make run` (serve the product) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
TOOLS := $(CURDIR)/.tools
BUN_VERSION := 1.4.4
PORT ?= 3000
BENCH ?=

# Reflex cannot download bun offline: we install it from the npm registry into .tools/.
export PATH := $(TOOLS)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export PORT

.PHONY: help venv bun run prepare prod-local dockerfile-steps worker gateway simulator lan test \
	soak lint format bench clean vision-venv vision-train backup backups restore drills

help:
	@echo "make run    - serve the product on http://localhost:$(PORT) (SQLite, demo data)"
	@echo "make prod-local - the production topology here (PostgreSQL, Redis, Mosquitto); ARGS=--check"
	@echo "make test   - the whole test suite"
	@echo "make lint   - ruff format --check + ruff check + mypy + the import contracts"
	@echo "make bench  - benchmarks into bench-results.json (BENCH=<group> for one group)"
	@echo "make backup - a backup of DATABASE_URL now into BACKUP_DIR; make backups lists them"
	@echo "make restore FILE=<backup> [TO=<database url>] [ARGS=--create|--force] - restore, checked"
	@echo "make vision-train - train the shelf detector from its seed (CPU, ~30 min; vision/model/)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

bun:
	@command -v bun >/dev/null 2>&1 || { \
		echo "bun not on PATH: installing bun@$(BUN_VERSION) from the npm registry into .tools/"; \
		mkdir -p $(TOOLS) && cd $(TOOLS) && npm install --silent --no-audit --no-fund bun@$(BUN_VERSION); }
	@bun --version >/dev/null

prepare: venv
	$(PY) -m app.cli prepare

run: venv bun prepare
	$(VENV)/bin/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

worker: venv
	$(PY) -m app.jobs

# The production topology on this machine's PostgreSQL/Redis/Mosquitto: the web (2 workers, one
# PORT), 2 arq workers, 2 gateways (docs/operations.md "Production topology"). ARGS=--check:
# start, check, stop.
ARGS ?=
prod-local: venv bun
	$(PY) -m app.ops.prod_local $(ARGS)

# The Dockerfile's steps without a container engine (app/ops/dockerfile_steps.py); ARGS=--help.
dockerfile-steps: venv
	$(PY) -m app.ops.dockerfile_steps $(ARGS)

# A device gateway process (MQTT_URL set: several can share the load; see docs/protocol.md).
gateway: venv
	$(PY) -m hardware.runtime

# Simulated cabinets on MQTT_URL or the embedded broker (docs/simulator.md); ARGS="--help".
simulator: venv
	$(PY) -m hardware.simulator $(ARGS)

# Drive this site's cabinets that have no controller, over Modbus TCP (docs/lan-cabinets.md).
lan: venv
	$(PY) -m hardware.lan $(ARGS)

# Two pytest processes: Playwright's sync API keeps an event loop running, which breaks
# pytest-asyncio tests in the same process (Reflex's own CI splits them the same way).
# The wall soak (tests/wall/test_wall_soak.py) takes its ten minutes whatever the machine: under
# CI (or SOAK=1) a third process runs it beside the other two; its output is in
# test-artifacts/soak.log. `make soak` runs it alone.
# pytest exits 5 when it collected no test: that is a failure here, never a green run.
SOAK ?= $(if $(filter true,$(CI)),1,0)
test: venv bun
	@mkdir -p test-artifacts; status=0; soak=; \
	if [ "$(SOAK)" = 1 ]; then \
		echo "== pytest (soak) started beside the others: test-artifacts/soak.log"; \
		$(PY) -m pytest -m soak -s --junitxml=test-artifacts/junit-soak.xml $(PYTEST_ARGS) \
			> test-artifacts/soak.log 2>&1 & soak=$$!; \
	fi; \
	for part in unit:"not browser and not soak" browser:"browser"; do \
		name=$${part%%:*}; marker=$${part#*:}; marker=$${marker//\"/}; \
		echo "== pytest ($$name)"; \
		$(PY) -m pytest -m "$$marker" --junitxml=test-artifacts/junit-$$name.xml $(PYTEST_ARGS); rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest ($$name) collected no tests: failing"; rc=1; fi; \
		if [ $$rc -ne 0 ]; then status=$$rc; fi; \
	done; \
	if [ -n "$$soak" ]; then \
		echo "== pytest (soak): waiting for it to finish"; wait $$soak; rc=$$?; \
		tail -n 30 test-artifacts/soak.log; \
		if [ $$rc -eq 5 ]; then echo "pytest (soak) collected no tests: failing"; rc=1; fi; \
		if [ $$rc -ne 0 ]; then status=$$rc; fi; \
	fi; exit $$status

soak: venv
	$(PY) -m pytest -m soak -s $(PYTEST_ARGS)

# The fault drills alone (docs/operations.md "Fault drills"); they also run inside `make test`.
drills: venv
	$(PY) -m pytest -m drills -s $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/core/test_import_contracts.py

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	$(PY) -m tests.bench $(BENCH)

# Backups (docs/operations.md "Backups / 备份与恢复"): one now, the list with each one's integrity
# check, and a restore into TO (default DATABASE_URL), refused when that database is not empty (ARGS=--force).
backup: venv
	$(PY) -m app.cli backup

backups: venv
	$(PY) -m app.cli backups

FILE ?=
TO ?=
restore: venv
	@test -n "$(FILE)" || { echo "usage: make restore FILE=<backup file> [TO=<database url>] [ARGS=--create]"; exit 2; }
	$(PY) -m app.cli restore "$(FILE)" $(if $(TO),--to "$(TO)") $(ARGS)

# The shelf detector's training toolchain (torch, ultralytics: AGPL-3.0) in its own venv; the app
# runs the exported model with onnxruntime and never needs it. --isolated: past a machine's pip
# configuration that would pick a +cpu torch wheel PyPI's torchvision cannot import beside.
VISION_VENV ?= .venv-vision
$(VISION_VENV)/.installed: requirements.txt requirements-vision.txt
	test -x $(VISION_VENV)/bin/python || python3 -m venv $(VISION_VENV)
	$(VISION_VENV)/bin/python -m pip install --quiet --isolated \
		--cert /etc/ssl/certs/ca-certificates.crt -r requirements-vision.txt
	touch $@

vision-venv: $(VISION_VENV)/.installed

# Trains from the seed on the CPU, offline, and writes vision/model/ (shelf.onnx, identify.onnx,
# card.json).
VISION_ARGS ?=
vision-train: vision-venv
	$(VISION_VENV)/bin/python -m vision.train $(VISION_ARGS)

clean:
	rm -rf .web data .pytest_cache .mypy_cache test-artifacts
