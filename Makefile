# Every target builds the virtualenv it needs from the requirements files first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# `make tick` and `make serve` work on the demo workbook unless OG_WORKBOOK says otherwise.
DEMO_ENV := OG_WORKBOOK=$${OG_WORKBOOK:-demo/onboarding.xlsx} OG_OUTBOX=$${OG_OUTBOX:-demo/outbox}

.PHONY: demo test bench tick serve clean

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

tick: $(STAMP)  ## tick the demo workbook again: make tick [TODAY=2026-11-24] [DRY=1]
	@test -f demo/onboarding.xlsx || $(PY) -m app.cli demo --dir demo > /dev/null
	$(DEMO_ENV) $(PY) -m app.cli tick $(if $(TODAY),--today $(TODAY)) $(if $(DRY),--dry-run)

serve: $(STAMP)  ## the Slack and done-link Function URL handlers on 127.0.0.1:8080
	@test -f demo/onboarding.xlsx || $(PY) -m app.cli demo --dir demo > /dev/null
	$(DEMO_ENV) SLACK_SIGNING_SECRET=$${SLACK_SIGNING_SECRET:-local-signing-secret} \
		$(PY) -m app.cli serve

.PHONY: digest-preview
digest-preview: $(STAMP)  ## the demo's weekly digest: demo/digest/digest.html, .txt and a 600 px .png
	$(PY) -m app.digest_preview --out demo/digest $(if $(TODAY),--today $(TODAY))

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
