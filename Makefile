# Everyday tasks. `make run` and `make test` bootstrap everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON313 ?= $(or $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13.0/bin/python3.13),$(shell command -v python3.13))
VENV := .venv
PY := $(VENV)/bin/python
SAM := .sam-venv/bin/sam
CHECKOV := .checkov-venv/bin/checkov
UV_VERSION := 0.13.8
PORT ?= 3000
export SAM_CLI_TELEMETRY := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: build-ClinicLayer build-SearchLayer help run test lint format typecheck cfn-lint sam-validate sam-build openapi openapi-check \
        pytest unit integration browser bench seed chromium bootstrap holidays eval content-review checkov fuzz

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(VENV)/.synced: pyproject.toml uv.lock
	@test -n "$(PYTHON313)" || { echo "Python 3.13 not found (pyenv 3.13.0 or python3.13 on PATH)"; exit 1; }
	test -x .tools/bin/uv || { $(PYTHON313) -m venv .tools && .tools/bin/pip install -q uv==$(UV_VERSION); }
	.tools/bin/uv sync --frozen --python $(PYTHON313)
	touch $@

$(SAM): infra/sam-requirements.txt
	$(PYTHON313) -m venv .sam-venv
	.sam-venv/bin/pip install -q -r infra/sam-requirements.txt
	touch $@

# checkov in its own venv too: its pins clash with the project's.
$(CHECKOV): infra/checkov-requirements.txt
	$(PYTHON313) -m venv .checkov-venv
	.checkov-venv/bin/pip install -q -r infra/checkov-requirements.txt
	touch $@

bootstrap: $(VENV)/.synced $(SAM) $(CHECKOV) ## Create the venvs (project, SAM CLI, checkov)

chromium: ## Install Debian's Chromium (and CJK fonts for the screenshots) for the browser tests (needs root)
	@{ test -x /usr/bin/chromium && fc-list :lang=zh-hk | grep -q .; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

run: $(VENV)/.synced ## Serve the whole API locally on http://127.0.0.1:$(PORT)
	PORT=$(PORT) $(PY) -m infra.local_stack

test: lint typecheck cfn-lint sam-validate checkov sam-build openapi-check pytest ## Every check

lint: $(VENV)/.synced ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.synced ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(VENV)/.synced ## mypy (strict, pydantic plugin)
	$(VENV)/bin/mypy shared/clinic infra tests functions/faq/app.py functions/registration/app.py functions/recommendation/app.py functions/staff/app.py functions/events/app.py functions/messages/app.py

cfn-lint: $(VENV)/.synced ## Lint template.yaml
	$(VENV)/bin/cfn-lint template.yaml

sam-validate: $(SAM) ## sam validate --lint
	$(SAM) validate --lint

sam-build: $(SAM) ## sam build (the two layers and every function, arm64; see the build targets below)
	PATH="$(dir $(PYTHON313)):$$PATH" $(SAM) build --cached

checkov: $(SAM) $(CHECKOV) ## checkov on the SAM-transformed template (each skip explained in infra/checkov.yaml)
	mkdir -p .aws-sam
	.sam-venv/bin/python -m infra.transform > .aws-sam/transformed.json
	$(CHECKOV) --config-file infra/checkov.yaml -f .aws-sam/transformed.json

fuzz: $(VENV)/.synced ## Schemathesis against a local stack, long profile (make test runs a short one)
	FUZZ_PROFILE=long $(VENV)/bin/pytest tests/integration/test_fuzz.py -p no:cacheprovider -s

openapi: $(VENV)/.synced ## Regenerate openapi.json from the code
	$(PY) -m infra.openapi

openapi-check: $(VENV)/.synced ## Fail when openapi.json drifts from the code
	$(PY) -m infra.openapi --check

pytest: $(VENV)/.synced chromium ## All tests with coverage (unit, handler, integration, browser)
	$(VENV)/bin/pytest --cov --cov-report=term

unit: $(VENV)/.synced ## Unit and handler tests only (fast)
	$(VENV)/bin/pytest tests/unit tests/handlers

bench: $(VENV)/.synced $(SAM) ## Cold starts as Lambda runs them, warm requests, sizes, load: each beside a floor
	$(PY) -m tests.bench
	$(PY) -m tests.bench_duplicates

seed: $(VENV)/.synced ## Seed the knowledge base: make seed TABLE=<content table> [AWS_PROFILE=…]
	@test -n "$(TABLE)" || { echo "usage: make seed TABLE=<ContentTableName output>"; exit 2; }
	$(PY) -m infra.seed --table $(TABLE)

holidays: $(VENV)/.synced ## Precompute Hong Kong public holidays (this year + 4) from the holidays package
	$(PY) -m infra.holidays

eval: $(VENV)/.synced ## Golden set: profile agreement, FAQ top-1/top-3/MRR, safety violations
	PYTHONPATH=shared $(PY) -m tests.eval

content-review: $(VENV)/.synced ## Regenerate docs/content-review.md (claims not in the article)
	PYTHONPATH=shared $(PY) -m infra.content_review

# --- The Lambda layers: `sam build` runs build-ClinicLayer (BuildMethod: makefile) in a copy of
# shared/, build-SearchLayer in a copy of layers/search/ (the FAQ function's own). Wheels for the layer's architecture (LAYER_ARCH: arm64 as deployed; `make bench` also
# builds one for this machine), shared/clinic, Powertools' re-exporting package __init__ files made
# lazy (infra/layer_lazy_init.py), and the bytecode of every module the functions can import,
# compiled ahead as hash-based .pyc files (infra/layer_bytecode.py).
ROOT := $(patsubst %/,%,$(dir $(abspath $(firstword $(MAKEFILE_LIST)))))
LAYER_ARCH ?= aarch64
LAYER_PLATFORMS := $(foreach tag,manylinux2014 manylinux_2_17 manylinux_2_28 manylinux_2_34,--platform $(tag)_$(LAYER_ARCH))
# Pure-Python requirements published as source archives only: built into wheels first.
LAYER_SDIST_ONLY := zhconv
# Installed but never imported: dnspython serves email-validator's deliverability (DNS) check,
# which registration turns off; Swagger UI's bundle serves Powertools' enable_swagger, not used;
# pydantic.v1 is imported only for v1-style types (``__get_validators__``), which no package here defines.
LAYER_UNUSED := dns dnspython-*.dist-info aws_lambda_powertools/event_handler/openapi/swagger_ui/*.min.* pydantic/v1

# Wheels of ./requirements.txt for the layer's architecture into $(ARTIFACTS_DIR)/python.
define install-layer-wheels
	test -n "$(ARTIFACTS_DIR)"
	rm -rf "$(ARTIFACTS_DIR)/python" .sdist-wheels
	sdists="$$(for name in $(LAYER_SDIST_ONLY); do grep -E "^$$name==" requirements.txt; done)"; \
	  test -z "$$sdists" || $(PYTHON313) -m pip wheel -q --no-deps --wheel-dir .sdist-wheels $$sdists
	$(PYTHON313) -m pip install -q --no-compile --target "$(ARTIFACTS_DIR)/python" \
	  --implementation cp --python-version 3.13 --only-binary=:all: $(LAYER_PLATFORMS) \
	  --find-links .sdist-wheels -r requirements.txt
	cd "$(ARTIFACTS_DIR)/python" && rm -rf bin $(LAYER_UNUSED) && find . -name '*.pyi' -delete
	rm -rf .sdist-wheels
endef

build-ClinicLayer:
	$(install-layer-wheels)
	cp -R clinic "$(ARTIFACTS_DIR)/python/"
	find "$(ARTIFACTS_DIR)/python" -name __pycache__ -prune -exec rm -rf {} +
	$(PYTHON313) "$(ROOT)/infra/layer_lazy_init.py" "$(ARTIFACTS_DIR)/python"
	$(PYTHON313) "$(ROOT)/infra/layer_bytecode.py" "$(ARTIFACTS_DIR)/python" $(wildcard $(ROOT)/functions/*/)

# The FAQ function's search layer: every module of it is the FAQ search's, so all are compiled.
build-SearchLayer:
	$(install-layer-wheels)
	find "$(ARTIFACTS_DIR)/python" -name __pycache__ -prune -exec rm -rf {} +
	$(PYTHON313) -m compileall -q --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)/python"

# Each function (BuildMethod: makefile, run in a copy of its CodeUri): its code and that code
# compiled ahead, as for the layers; nothing else (its dependencies are the layers').
build-%Function:
	test -n "$(ARTIFACTS_DIR)"
	cp *.py "$(ARTIFACTS_DIR)/"
	$(PYTHON313) -m compileall -q --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)"
