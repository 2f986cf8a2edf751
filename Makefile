# Every target builds the virtualenv it needs from the requirements files first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint typecheck serve clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

demo: $(STAMP)  ## run the daily tick on a fresh demo workbook and show what it did
	$(PY) -m app.cli demo --dir demo

test: $(STAMP)  ## the whole test suite, lint and type check
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

bench: $(STAMP)  ## measure and write bench/results.json
	$(PY) -m bench.run

serve: $(STAMP)  ## run the Function URL handlers on 127.0.0.1 against the demo workbook
	$(PY) -m app.cli serve

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
