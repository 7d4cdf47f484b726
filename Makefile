# Fairfields Desktop — developer commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_ENV := QT_QPA_PLATFORM=offscreen FAIRFIELDS_HASH_COST=test

.PHONY: run test lint bench soak install demo-data package clean
LINT_STAMP := $(VENV)/.installed-lint

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

$(LINT_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,lint]'
	touch $(LINT_STAMP)

## Open the window on the demo school (SQLite in your data folder, filled on first run).
## The demo's database key is fixed here so it opens again on a machine with no keyring; a school's
## own installation keeps a random key in the keyring (see "Security and your data" in the README).
DEMO_DB_KEY ?= demo-ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff
run: $(STAMP)
	FAIRFIELDS_DB_KEY="$${FAIRFIELDS_DB_KEY:-$(DEMO_DB_KEY)}" $(PY) -m fairfields_desktop gui --demo

## The whole suite, headless (PostgreSQL tests run when a server answers; always under CI).
test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -m "not perf and not soak" -q

## The team's own checks: ruff (style and likely bugs), import-linter (the layers: domain <- store <-
## services <- reports <- ui/cli) and mypy (domain/ strictly). Each prints what it found and stops the build.
lint: $(LINT_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

## Benchmarks (tests/perf): figures printed, no timed assertions.
bench: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest tests/perf -m perf -q -s --benchmark-columns=min,median,max,rounds

## Long soak and race runs: the booking race for hundreds of rounds, two PCs saving each record at once
## for 30, on SQLite and PostgreSQL.
soak: $(STAMP)
	$(TEST_ENV) FAIRFIELDS_SOAK=1 $(PY) -m pytest tests/services/test_booking_race.py tests/services/test_crash_safety.py \
		tests/services/test_aggregate_race.py -q

## The one-folder app (PyInstaller, packaging/fairfields.spec) in dist/fairfields/, its Linux tarball
## dist/fairfields-VERSION-linux-x86_64.tar.gz, and a smoke run of what the tarball unpacks to.
package: $(STAMP)
	$(PY) -m pip install --quiet 'pyinstaller>=6.10,<7'
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/fairfields.spec
	version=$$(sed -n 's/^__version__ = "\(.*\)"/\1/p' fairfields_desktop/__init__.py) && \
	  tar -C dist -czf "dist/fairfields-$$version-linux-x86_64.tar.gz" fairfields && \
	  bash packaging/smoke.sh "dist/fairfields-$$version-linux-x86_64.tar.gz"

## Rebuild resources/demo-school.json from tests/data/example-school.json.
demo-data:
	$(PYTHON) resources/make_demo_school.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .benchmarks .ruff_cache .mypy_cache .import_linter_cache
