#!/usr/bin/env bash
# The test PostgreSQL: installs Debian's `postgresql` package if it is missing, makes its own
# cluster under the cache folder, starts it on 127.0.0.1 on its own port, and makes the test
# database. Idempotent (a running server is left alone) and serialised with flock.
#   MSV_CACHE_DIR   cache folder (default ~/.cache/matrix-static-viewer); data in ./postgres
#   POSTGRES_PORT   port on 127.0.0.1 (default 5433, away from a system cluster's 5432)
# Prints nothing but log lines; the URL is postgres://msv@127.0.0.1:$POSTGRES_PORT/msv.
set -euo pipefail
CACHE="${MSV_CACHE_DIR:-$HOME/.cache/matrix-static-viewer}"
PORT="${POSTGRES_PORT:-5433}"
DATA="$CACHE/postgres"
log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root: it installs postgresql with apt-get and runs it as the postgres user"
mkdir -p "$CACHE"
exec 8>"$CACHE/postgres.lock"
flock -w 600 8 || die "timed out waiting for $CACHE/postgres.lock"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
  log "installing Debian's postgresql package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2; }
  # The package starts a system cluster on 5432; the tests use their own.
  service postgresql stop >/dev/null 2>&1 || true
fi
BIN="$(bindir)"
# The cache folder may sit under a home the postgres user cannot enter (/root is 0700): it runs
# with the one capability of reading directories, not as root and without changing /root.
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups --inh-caps=+dac_read_search --ambient-caps=+dac_read_search "$@"; }

if [ ! -s "$DATA/PG_VERSION" ]; then
  log "creating a cluster in $DATA"
  rm -rf "$DATA"; mkdir -p "$DATA"; chown postgres:postgres "$DATA"; chmod 700 "$DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  log "starting on 127.0.0.1:$PORT"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null 8>&- \
    || { tail -20 "$DATA/server.log" >&2; die "could not start PostgreSQL"; }
fi
psql_pg() { as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_pg -c "select 1 from pg_roles where rolname='msv'")" != 1 ]; then psql_pg -c "create role msv login superuser"; fi
if [ "$(psql_pg -c "select 1 from pg_database where datname='msv'")" != 1 ]; then psql_pg -c "create database msv owner msv"; fi
log "ready: postgres://msv@127.0.0.1:$PORT/msv"
