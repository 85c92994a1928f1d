# Two entry points (see README): `make run` and `make test`. Each builds .venv itself, with the exact
# versions of requirements.lock (a pip constraints file; refresh it with `make lock`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
# Real-time vintages built by `make run`, oldest first: each uses only the releases published by the end of
# its quarter. The last one is published; the earlier ones give its reports a revision table.
VINTAGES ?= 2025Q3 2025Q4 2026Q1
STAMP := $(VENV)/.installed
UNLOCKED := .venv-unlocked
comma := ,

.PHONY: run test lint lab lock clean-venv

# install: a virtual environment with the locked versions and the "grdp" Jupyter kernel
define install
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet $(2) --upgrade pip
	$(1)/bin/python -m pip install --quiet $(2) -e ".[test$(3)]"
	$(1)/bin/python -m ipykernel install --sys-prefix --name grdp --display-name "Python (grdp)"
endef

$(STAMP): pyproject.toml $(LOCK)
	$(call install,$(VENV),-c $(LOCK),)
	touch $(STAMP)

## run: sources -> vintages forecasts/<each of $(VINTAGES)> -> reports of the last (existing ones left untouched)
run: $(STAMP)
	$(BIN)/grdp validate
	for v in $(VINTAGES); do $(BIN)/grdp run --vintage $$v --skip-existing || exit 1; done
	$(BIN)/grdp publish --vintage $(lastword $(VINTAGES)) --skip-existing

## test: the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## lint: ruff and mypy on grdp/ (configured in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check grdp
	$(BIN)/mypy

## lab: JupyterLab with the grdp kernel, for analysts
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[lab]"
	$(BIN)/jupyter lab notebooks/

## lock: resolve the newest versions pyproject.toml allows in a fresh environment, run lint and the suite there,
## and only if both pass write them to requirements.lock (the lock is what the suite passed with)
lock:
	rm -rf $(UNLOCKED)
	$(call install,$(UNLOCKED),,$(comma)lab)
	$(UNLOCKED)/bin/ruff check grdp
	$(UNLOCKED)/bin/mypy
	$(UNLOCKED)/bin/python -m pytest -q
	( echo "# Exact versions the test suite passed with: written by 'make lock' on $$(date -u +%F) with"; \
	  echo "# Python $$($(UNLOCKED)/bin/python -c 'import platform; print(platform.python_version())'). Used as pip constraints"; \
	  echo "# by make run / make test / make lab, .ci/run and the quarterly workflow; environment.yml pins the same."; \
	  $(UNLOCKED)/bin/python -m pip freeze --all --exclude-editable | grep -v '^-e ' ) > $(LOCK).tmp
	mv $(LOCK).tmp $(LOCK)
	$(UNLOCKED)/bin/python .ci/sync_environment.py $(LOCK)
	rm -rf $(UNLOCKED)

clean-venv:
	rm -rf $(VENV)
