# wedopt — PGXS build. `make && make install` is all that `pgxn install` runs.
# Developer entry points: `make test`, `make demo`, `make bench`, `make lint`, `make dist`.

EXTENSION_NAME = wedopt
WEDOPT_VERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'.*/\1/p" control/wedopt.control.in)
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
# The server's interpreter: PL/Python runs Debian's /usr/bin/python3.
SERVER_PYTHON ?= /usr/bin/python3
PKGLIBDIR := $(shell $(PG_CONFIG) --pkglibdir)
PYTHON_DIR = $(PKGLIBDIR)/wedopt/python/$(WEDOPT_VERSION)

# One object per file, folders in dependency order; upgrades are built separately.
FRAGMENTS := $(shell find sql -path sql/upgrades -prune -o -name '*.sql' -print | LC_ALL=C sort)
# Run-once fragments (types, tables) are left out of upgrade scripts; every other
# fragment is idempotent (CREATE OR REPLACE, upserts, GRANT) and is re-applied.
IDEMPOTENT_FRAGMENTS := $(shell printf '%s\n' $(FRAGMENTS) | grep -Ev '/[0-9]+_(tables|types)/')
BUILT_SQL = extension/wedopt--$(WEDOPT_VERSION).sql
UPGRADES := $(patsubst sql/upgrades/%.sql,extension/wedopt--%.sql,$(wildcard sql/upgrades/*--$(WEDOPT_VERSION).sql))
RELEASED := $(wildcard extension/released/wedopt--*.sql)
# A synthetic upgrade V -> V-reapply made of the idempotent fragments only: the upgrade
# test applies it to prove every idempotent fragment really is (see tests/core/test_upgrade.py).
REAPPLY_SQL = build/wedopt--$(WEDOPT_VERSION)--$(WEDOPT_VERSION)-reapply.sql

# One C library for all of wedopt's C (the audit trigger, the server-side SQL parser). Not named
# "wedopt": a wedopt.so in the repository root would shadow the Python package wedopt for any
# Python started there (python -m demo.run, the demo tests put the root on sys.path).
MODULE_big = wedopt_c
OBJS = src/audit_trigger.o src/parse_statements.o src/admin_sql.o src/dispatcher.o

DATA_built = extension/wedopt.control $(BUILT_SQL) $(UPGRADES)
DATA = $(RELEASED)
MODULEDIR = extension
EXTRA_CLEAN = python/wedopt/_version.py build/stage

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# A PL/Python body starts with the line @PYTHON_BOOTSTRAP@: the build writes the bootstrap
# there (load the package once per session, for this version; see _load_python.sql).
PYTHON_BOOTSTRAP = if GD.get("wedopt.version") != "@VERSION@":\n    plpy.execute("SELECT @extschema@._load_python()")
SUBST = sed -e 's|^@PYTHON_BOOTSTRAP@$$|$(PYTHON_BOOTSTRAP)|' \
	-e 's|@VERSION@|$(WEDOPT_VERSION)|g' -e 's|@PYTHON_DIR@|$(PYTHON_DIR)|g'
SCRIPT_HEADER = printf -- '-- Built by `make` from sql/; do not edit.\n\\echo Use "CREATE EXTENSION wedopt" to load this file. \\quit\n'

all: python/wedopt/_version.py $(REAPPLY_SQL)

extension/wedopt.control: control/wedopt.control.in
	@mkdir -p extension
	grep -v '^#' $< > $@

$(BUILT_SQL): $(FRAGMENTS) control/wedopt.control.in Makefile
	@mkdir -p extension
	@{ $(SCRIPT_HEADER); for f in $(FRAGMENTS); do printf -- '\n-- %s\n' "$$f"; $(SUBST) "$$f"; done; } > $@.tmp
	mv $@.tmp $@

extension/wedopt--%--$(WEDOPT_VERSION).sql: sql/upgrades/%--$(WEDOPT_VERSION).sql $(IDEMPOTENT_FRAGMENTS) Makefile
	@{ $(SCRIPT_HEADER); for f in $< $(IDEMPOTENT_FRAGMENTS); do printf -- '\n-- %s\n' "$$f"; $(SUBST) "$$f"; done; } > $@.tmp
	mv $@.tmp $@

$(REAPPLY_SQL): $(IDEMPOTENT_FRAGMENTS) Makefile
	@mkdir -p build
	@{ $(SCRIPT_HEADER); for f in $(IDEMPOTENT_FRAGMENTS); do printf -- '\n-- %s\n' "$$f"; $(SUBST) "$$f"; done; } > $@.tmp
	mv $@.tmp $@

python/wedopt/_version.py: control/wedopt.control.in
	printf '# Written by make from control/wedopt.control.in; do not edit.\n__version__ = "%s"\n' '$(WEDOPT_VERSION)' > $@

# Refuse to install where CREATE EXTENSION wedopt could not work, naming what is missing.
PG_SHAREDIR ?= $(shell $(PG_CONFIG) --sharedir)
PG_MAJOR := $(shell $(PG_CONFIG) --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
# The extensions of the control file's `requires`, each with the Debian package that has it.
PREREQS = plpython3u:postgresql-plpython3-$(PG_MAJOR) pg_stat_statements:postgresql-$(PG_MAJOR) hypopg:postgresql-$(PG_MAJOR)-hypopg
check-prereqs:
	@missing=""; packages=""; \
	for p in $(PREREQS); do ext=$${p%%:*}; pkg=$${p#*:}; \
	  [ -f "$(PG_SHAREDIR)/extension/$$ext.control" ] || { missing="$$missing $$ext"; packages="$$packages $$pkg"; }; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "wedopt: PostgreSQL extension(s) not installed:$$missing" >&2; \
	  echo "HINT: apt-get install$$packages" >&2; exit 1; fi

install: check-prereqs

# The in-database Python package and its pinned dependencies, per version, so that an
# ALTER EXTENSION UPDATE can load the new one while old sessions keep the old.
install: install-python
install-python: python/wedopt/_version.py
	@$(SERVER_PYTHON) -m pip --version >/dev/null 2>&1 || { \
	  echo "wedopt: $(SERVER_PYTHON) has no pip; install it with: apt-get install python3-pip" >&2; exit 1; }
	rm -rf build/stage && mkdir -p build/stage
	$(SERVER_PYTHON) -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
	  --no-compile --no-deps --root-user-action=ignore --target build/stage -r python/requirements.lock
	rm -rf build/stage/bin
	# Our own package is pure Python: copied as it is, no build step needed.
	cp -R python/wedopt build/stage/wedopt
	find build/stage/wedopt -name __pycache__ -prune -exec rm -rf {} +
	mkdir -p '$(DESTDIR)$(PKGLIBDIR)/wedopt/python'
	rm -rf '$(DESTDIR)$(PYTHON_DIR).new'
	cp -R build/stage '$(DESTDIR)$(PYTHON_DIR).new'
	chmod -R a+rX '$(DESTDIR)$(PYTHON_DIR).new'
	rm -rf '$(DESTDIR)$(PYTHON_DIR)' && mv '$(DESTDIR)$(PYTHON_DIR).new' '$(DESTDIR)$(PYTHON_DIR)'

uninstall: uninstall-python
uninstall-python:
	rm -rf '$(DESTDIR)$(PYTHON_DIR)'

# ---- developer targets -------------------------------------------------------------
VENV = .venv
DEV_TOOLS = tools/ensure-deps.sh

.PHONY: deps lint test demo bench dist install-python uninstall-python check-prereqs

deps:
	@$(DEV_TOOLS)

PY_DIRS = $(wildcard python harness tests bench demo tools)
lint: deps
	$(VENV)/bin/ruff check $(PY_DIRS)
	$(VENV)/bin/ruff format --check $(PY_DIRS)
	$(VENV)/bin/sqlfluff lint --processes 2 sql
	# C: the server's own warning flags, and any warning fails the lint.
	for f in $(OBJS:.o=.c); do $(CC) $(CPPFLAGS) $(CFLAGS) -Werror -c -o /dev/null $$f || exit 1; done

test: deps
	$(MAKE) lint
	$(MAKE) all
	$(MAKE) install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

demo: deps
	$(MAKE) all
	$(MAKE) install
	$(VENV)/bin/python -m demo.run $(if $(SCALE),--scale $(SCALE)) $(if $(KEEP),--keep)

bench: deps
	$(MAKE) all
	$(MAKE) install
	$(VENV)/bin/python -m bench.run $(BENCH)

dist: python/wedopt/_version.py
	@mkdir -p dist
	rm -f dist/wedopt-$(WEDOPT_VERSION).zip
	$(SERVER_PYTHON) tools/make_dist.py $(WEDOPT_VERSION) dist/wedopt-$(WEDOPT_VERSION).zip

# ---- the Docker backend (WEDOPT_TEST_BACKEND=docker, doc/development.md "Tests") -----------------
# docker-engine: Debian's docker.io and a running dockerd (tools/ensure-docker.sh).
# docker-base: the Dockerfile's base image, debian:12-slim or, with no registry, one built
#   from Debian's archive and reused (tools/docker-base.sh). docker-image: the test server's
#   image, layer-cached (tools/docker-image.sh). test-docker: what CI runs under this backend,
#   every core test and one test of each other area (pytest --wedopt-smoke).
WEDOPT_TEST_IMAGE ?= wedopt-test:latest
DOCKER_SMOKE_ARGS = --wedopt-smoke
.PHONY: docker-engine docker-base docker-image test-docker

docker-engine:
	@tools/ensure-docker.sh

docker-base: docker-engine
	@tools/docker-base.sh >/dev/null

docker-image:
	@WEDOPT_TEST_IMAGE='$(WEDOPT_TEST_IMAGE)' tools/docker-image.sh >/dev/null

# `WEDOPT_TEST_BACKEND=docker make test`: the image first, then the usual recipe.
ifeq ($(WEDOPT_TEST_BACKEND),docker)
test: docker-image
export WEDOPT_TEST_IMAGE
endif

test-docker: deps docker-image
	$(MAKE) all
	WEDOPT_TEST_BACKEND=docker WEDOPT_TEST_IMAGE='$(WEDOPT_TEST_IMAGE)' \
	  $(VENV)/bin/pytest $(DOCKER_SMOKE_ARGS) $(PYTEST_ARGS)
