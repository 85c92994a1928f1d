# Two entry points (see README): `make run` and `make test`. Each builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VINTAGE ?= 2025Q4
STAMP := $(VENV)/.installed

.PHONY: run test lab clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name grdp --display-name "Python (grdp)"
	touch $(STAMP)

## run: sources -> sector accounts -> vintage forecasts/$(VINTAGE) (left untouched if it exists)
run: $(STAMP)
	$(BIN)/grdp validate
	$(BIN)/grdp run --vintage $(VINTAGE) --skip-existing

## test: the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## lab: JupyterLab with the grdp kernel, for analysts
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks/

clean-venv:
	rm -rf $(VENV)
