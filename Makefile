# Every target builds the virtualenv it needs from the requirements files first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# `make tick` and `make serve` work on the demo workbook unless OG_WORKBOOK says otherwise.
DEMO_ENV := OG_WORKBOOK=$${OG_WORKBOOK:-demo/onboarding.xlsx} OG_OUTBOX=$${OG_OUTBOX:-demo/outbox}

.PHONY: demo test bench tick serve clean deploy-tools sam-build lambda-python-check

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

.PHONY: report-chart
report-chart: $(STAMP)  ## the funnel of the demo and four months of past journeys: demo/report/funnel.png
	$(PY) -m app.funnel_demo --out demo/report $(if $(TODAY),--today $(TODAY))

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache

# ---- Lambda packaging: `sam build` runs the build-<LogicalId> targets below ------------------
# Needs the runtime's Python (3.13) on PATH, or LAMBDA_PYTHON=/path/to/python3.13.
LAMBDA_PYTHON ?= python3.13
DEPLOY_VENV := .venv-deploy
# Runtime code only: no tests/, bench/, events/, demo/ or dev tools reach a function.
LAMBDA_CODE := adapters app functions guide sheets
LAMBDA_FUNCTIONS := TickFunction DigestFunction SlackActionsFunction DoneLinkFunction AdminFunction \
	ActivityFunction TelemetryFunction
# unchecked-hash: a zip does not keep the sources' mtimes exactly, and a timestamp-checked .pyc
# that looks stale is compiled again on every cold start (Lambda's disk is read-only).
COMPILE = $(LAMBDA_PYTHON) -m compileall -q -j 0 --invalidation-mode unchecked-hash

$(DEPLOY_VENV)/.installed: requirements-deploy.txt
	$(PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-deploy.txt
	touch $@

deploy-tools: $(DEPLOY_VENV)/.installed  ## the SAM CLI in .venv-deploy

sam-build: $(DEPLOY_VENV)/.installed  ## sam validate --lint, then sam build
	$(DEPLOY_VENV)/bin/sam validate --lint
	$(DEPLOY_VENV)/bin/sam build

lambda-python-check:
	@$(LAMBDA_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else \
		"LAMBDA_PYTHON must be Python 3.13, the functions runtime: bytecode is per version")'

build-DependenciesLayer: lambda-python-check
	$(LAMBDA_PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-compile \
		--platform manylinux_2_28_aarch64 --platform manylinux2014_aarch64 \
		--implementation cp --python-version 3.13 --only-binary=:all: \
		--target "$(ARTIFACTS_DIR)/python" -r requirements-lambda.txt
	rm -rf "$(ARTIFACTS_DIR)/python/bin"
	$(COMPILE) "$(ARTIFACTS_DIR)/python"

# matplotlib for the digest's funnel chart, in a layer of its own that only the digest function
# carries: the other functions stay as small (and start as fast) as they were. numpy's and
# matplotlib's own test suites go: about 20 MB of Lambda's 250 MB that the digest never runs.
build-ChartLayer: lambda-python-check
	$(LAMBDA_PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-compile \
		--platform manylinux_2_28_aarch64 --platform manylinux2014_aarch64 \
		--implementation cp --python-version 3.13 --only-binary=:all: \
		--target "$(ARTIFACTS_DIR)/python" -r requirements-chart.txt
	rm -rf "$(ARTIFACTS_DIR)/python/bin"
	find "$(ARTIFACTS_DIR)/python" -depth -type d -name tests -exec rm -rf {} +
	$(COMPILE) "$(ARTIFACTS_DIR)/python"

$(addprefix build-,$(LAMBDA_FUNCTIONS)): lambda-python-check
	mkdir -p "$(ARTIFACTS_DIR)"
	tar -cf - --exclude=__pycache__ --exclude='*.pyc' $(LAMBDA_CODE) | tar -xf - -C "$(ARTIFACTS_DIR)"
	$(COMPILE) "$(ARTIFACTS_DIR)"
