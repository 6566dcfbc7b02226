# Developer entry points for vera. Everything runs in a virtual environment in .venv,
# created and (re)installed on demand: the stamp .venv/.installed is rebuilt whenever
# pyproject.toml changes.
#
#   make demo        main job: train VERA on the toy data, outputs in runs/toy
#   make test        the test suite (every notebook under nbdev-test's rules + tests/*.py), without the slow tier
#   make test-slow   the slow tier: papermill and vera-reproduce round trips, kill and resume
#   make export      notebooks -> vera/*.py (nbdev-export)
#   make clean-nbs   strip superfluous notebook metadata (nbdev-clean)
#   make readme      regenerate README.md from nbs/index.ipynb
#   make tables      store the committed tables (results/reproduce/*.md) as outputs of 12_reproduce for the docs site
#   make docs-check  process the notebooks for the docs site (nbdev-proc-nbs)
#   make bench       time one training step (benchmarks/step.py)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
PYTEST_FLAGS ?= -q --durations=10

.DEFAULT_GOAL := help
.PHONY: help install demo test test-slow export clean-nbs readme tables docs-check bench

help:
	@sed -n 's/^#   //p' Makefile

$(PY):
	$(PYTHON) -m venv $(VENV)

# The stamp holds pyproject.toml's hash: nbdev-export rewrites pyproject.toml (same text, new mtime),
# which must not cost a reinstall.
$(STAMP): pyproject.toml | $(PY)
	@if [ -f $@ ] && [ "$$(cat $@)" = "$$(sha256sum pyproject.toml)" ]; then \
		echo "pyproject.toml unchanged: keeping the installed environment"; \
	else \
		echo '$(BIN)/pip install -e ".[dev]"'; \
		$(BIN)/pip install -e ".[dev]" && sha256sum pyproject.toml > $@.tmp && mv $@.tmp $@; \
	fi
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/vera-toy --out-dir runs/toy

test: $(STAMP)
	$(PY) -m pytest tests -m "not slow" $(PYTEST_FLAGS)

test-slow: $(STAMP)
	$(PY) -m pytest tests -m slow $(PYTEST_FLAGS)

export: $(STAMP)
	$(BIN)/nbdev-export

clean-nbs: $(STAMP)
	$(BIN)/nbdev-clean

readme: $(STAMP)
	$(PY) tools/make_readme.py README.md

tables: $(STAMP)
	$(PY) tools/show_tables.py
	$(BIN)/nbdev-clean --fname nbs/12_reproduce.ipynb

docs-check: $(STAMP)
	$(BIN)/nbdev-proc-nbs

bench: $(STAMP)
	$(PY) benchmarks/step.py
