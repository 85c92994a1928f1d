# Two entry points (see README): `make run` and `make test`. Each builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Real-time vintages built by `make run`, oldest first: each uses only the releases published by the end of
# its quarter. The last one is published; the earlier one gives its reports a revision table.
VINTAGES ?= 2025Q3 2025Q4
STAMP := $(VENV)/.installed

.PHONY: run test lab clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name grdp --display-name "Python (grdp)"
	touch $(STAMP)

## run: sources -> vintages forecasts/<each of $(VINTAGES)> -> reports of the last (existing ones left untouched)
run: $(STAMP)
	$(BIN)/grdp validate
	for v in $(VINTAGES); do $(BIN)/grdp run --vintage $$v --skip-existing || exit 1; done
	$(BIN)/grdp publish --vintage $(lastword $(VINTAGES)) --skip-existing

## test: the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## lab: JupyterLab with the grdp kernel, for analysts
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks/

clean-venv:
	rm -rf $(VENV)
