# Two entry points: `make demo` runs the main job on the bundled corpus, `make test` runs the tests.
# Both create .venv and install the project into it on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RC := $(BIN)/remedycoder

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(RC) import corpus/
	$(RC) suggest
	$(RC) export --format xlsx --include-suggestions
	$(RC) export --format jsonl --include-suggestions
	$(RC) summary --include-suggestions
	$(RC) status

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/quality.py
	$(BIN)/python benchmarks/suggest_speed.py

clean:
	rm -rf $(VENV) .remedycoder exports/*.xlsx exports/*.csv exports/*.jsonl exports/*.png exports/*.qdpx exports/*.qdc
