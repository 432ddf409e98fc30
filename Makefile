# Credit scoring service. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
RUN_INSTALLED := $(VENV)/.run-installed
DEV_INSTALLED := $(VENV)/.dev-installed
PROFILE ?= credit_score
ROWS ?= 100000
SEED ?= 42
RAW_REAL := data/raw/credit_score/train.csv
RAW_SYNTH := data/raw/credit_score/synthetic_train.csv
MODELS := src/models
PORT ?= 8000
UI_PORT ?= 8501
MLFLOW_PORT ?= 5000

.PHONY: help run ui mlflow notebooks install lint format test bench data train train-quick score clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: $(RUN_INSTALLED) ## set up (data, a quick model per profile if none), start SeaweedFS and the API on port 8000
	@[ -f $(RAW_REAL) ] || [ -f $(RAW_SYNTH) ] || $(MAKE) --no-print-directory data
	$(BIN)/credit-scoring ensure-models --preset quick
	$(BIN)/credit-scoring run-local --port $(PORT)

ui: install ## the analysts' app on port 8501 (Streamlit), calling the API that make run serves
	STREAMLIT_BROWSER_GATHER_USAGE_STATS=false CREDIT_UI_API_URL=http://127.0.0.1:$(PORT) \
		$(BIN)/streamlit run src/credit_scoring/ui/app.py --server.port $(UI_PORT) --server.headless true

mlflow: install ## a local MLflow tracking server and registry on port 5000 (SQLite, artifacts in SeaweedFS)
	$(BIN)/credit-scoring mlflow-local --port $(MLFLOW_PORT)

notebooks: install ## run the notebooks top to bottom; executed copies, plots included, in data/processed/notebooks/
	cd notebooks && ../$(BIN)/jupyter nbconvert --to notebook --execute \
		--ExecutePreprocessor.timeout=1800 --output-dir ../data/processed/notebooks *.ipynb

# `make run` needs the service, training and SeaweedFS only (requirements-run.txt); every
# other target the whole development set. Both go into the same .venv, and the whole set
# holds the run set: once it is installed, `make run` installs nothing more. Each has its
# own stamp (not the entry point, which either install writes).
$(RUN_INSTALLED): requirements-run.txt pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements-run.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(DEV_INSTALLED): requirements-dev.txt pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@ $(RUN_INSTALLED)

install: $(DEV_INSTALLED) ## build .venv from the hashed, exported lock (no Poetry needed)

lint: install ## black, flake8, mypy --strict, hadolint, zizmor, workflow, compose + dependabot schemas, cfn-lint, promtool (config, alert rule tests)
	$(BIN)/black --check src tests bench scripts
	$(BIN)/flake8 src tests bench scripts
	$(BIN)/mypy src bench scripts
	$(BIN)/hadolint Dockerfile Dockerfile.ui Dockerfile.mlflow
	$(BIN)/zizmor --offline --no-progress .github/workflows
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/cfn-lint deploy/ecs/*.yml
	@command -v promtool >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null)
	promtool check config deploy/prometheus/prometheus.yml
	cd deploy/prometheus && promtool test rules alerts_test.yml

format: install ## format the code with black
	$(BIN)/black src tests bench

test: install ## run the whole test suite (fast tests and marked slower suites; installs Debian's chromium for the browser tests and Java for Spark)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v java >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver openjdk-17-jre-headless >/dev/null)
	$(BIN)/pytest -q --durations=20

bench: install ## measure the DESIGN budgets: wrk on the service, a plain server and a floor; batch; CLI (needs a model)
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/bench.py

data: $(RUN_INSTALLED) ## generate credit_score's synthetic raw file unless a real train.csv is present
	@if [ -f $(RAW_REAL) ]; then echo "real data present: $(RAW_REAL); nothing to generate"; \
	elif [ -f $(RAW_SYNTH) ]; then echo "synthetic data present: $(RAW_SYNTH)"; \
	else $(BIN)/credit-scoring data --rows $(ROWS) --seed $(SEED) --output $(RAW_SYNTH); fi

train: install data ## full training: model comparison, tuning, threshold, report, artifact
	$(BIN)/credit-scoring train --profile $(PROFILE)

train-quick: data ## quick preset (no tuning, fewer folds) for a first model in minutes
	$(BIN)/credit-scoring train --profile $(PROFILE) --preset quick

score: $(RUN_INSTALLED) ## score a raw file: make score [PROFILE=p INPUT=raw.csv OUTPUT=scored.csv MODEL=dir]
	$(BIN)/credit-scoring score --profile $(PROFILE) $(if $(MODEL),--model $(MODEL),) \
		$(if $(INPUT),--input $(INPUT),) --output $(or $(OUTPUT),data/processed/$(PROFILE)/scored.csv)

clean: ## remove caches and generated reports (keeps data/raw and models)
	rm -rf .pytest_cache .mypy_cache build dist src/*.egg-info data/processed
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
