# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
EMPLOYEES ?= 2000
SEED ?= 7
DB_FILE := var/trellis.db

.PHONY: demo test venv lint clean

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "torch==2.13.0"
	$(BIN)/pip install -q -e ".[ml,web,scale,dev]"
	touch $@

venv: $(BIN)/.installed

## make demo: install, build the demo organisation into var/trellis.db, start the portal
demo: venv
	$(BIN)/trellis db upgrade
	@if [ ! -f var/.demo-$(EMPLOYEES)-$(SEED) ]; then \
		$(BIN)/trellis demo --employees $(EMPLOYEES) --seed $(SEED) && touch var/.demo-$(EMPLOYEES)-$(SEED); \
	fi
	$(BIN)/trellis users demo-accounts
	$(BIN)/trellis serve

## make test: install, lint, type-check, run the whole suite (SQLite, then PostgreSQL)
test: venv
	scripts/test

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
