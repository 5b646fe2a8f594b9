#!/usr/bin/env bash
# Stops the test PostgreSQL that scripts/postgres.sh started (same MSV_CACHE_DIR); its data stay.
set -euo pipefail
DATA="${MSV_CACHE_DIR:-$HOME/.cache/matrix-static-viewer}/postgres"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -s "$DATA/PG_VERSION" ] || exit 0
setpriv --reuid=postgres --regid=postgres --init-groups --inh-caps=+dac_read_search --ambient-caps=+dac_read_search \
  "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
