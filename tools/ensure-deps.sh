#!/usr/bin/env bash
# Install what `make test` / `make demo` / `make bench` need, on Debian 12, if missing.
# Fast when everything is there: a dpkg query and a hash comparison.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR=15
APT_PACKAGES=(
  "postgresql-$PG_MAJOR"               # server, contrib (pg_stat_statements), pgbench
  "postgresql-server-dev-$PG_MAJOR"    # PGXS and pg_config
  "postgresql-plpython3-$PG_MAJOR"     # plpython3u
  "postgresql-$PG_MAJOR-cron"          # pg_cron
  "postgresql-$PG_MAJOR-hypopg"        # hypopg: required by the index advisor (what-if indexes)
  "postgresql-$PG_MAJOR-partman"       # bench/dev only: pg_partman 4.7.2, the side-by-side anchor of `make bench BENCH=partition`
  "postgresql-$PG_MAJOR-pg-qualstats"  # tests only: pg_qualstats 2.0.4, optional for the index advisor (tests/recommend/test_qualstats.py)
  gcc                                  # builds the audit trigger (src/audit_trigger.c)
  python3-venv python3-pip make
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "wedopt: missing Debian packages: ${missing[*]}" >&2
    echo "HINT: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "wedopt: installing ${missing[*]}"
  # Debian would otherwise create and start a 'main' cluster we never use.
  mkdir -p /etc/postgresql-common
  if ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
    echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The venv uses the server's interpreter, so unit tests run on the Python PL/Python runs.
stamp=.venv/.requirements.sha256
want=$(cat requirements-dev.txt python/requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "wedopt: setting up the tools venv (.venv)"
  /usr/bin/python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
