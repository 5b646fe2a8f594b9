#!/usr/bin/env bash
# The test homeserver: installs Synapse (into a cached debootstrap folder) if needed, starts it
# if it is not running, seeds it if it is not seeded with the current seed version, and
# returns once it answers on http://127.0.0.1:${HOMESERVER_PORT:-8008}. Idempotent, and
# serialised with flock so that concurrent callers wait for one another.
#   MSV_CACHE_DIR    cache folder (default ~/.cache/matrix-static-viewer)
#   HOMESERVER_PORT  port on 127.0.0.1 (default 8008)
# Writes $MSV_CACHE_DIR/seed.json, the manifest tests read (tests/support/homeserver.ts).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/synapse/common.sh"

[ "$(id -u)" = 0 ] || die "needs root: Synapse is installed with debootstrap and run with chroot"
mkdir -p "$MSV_CACHE_DIR"
exec 9>"$MSV_CACHE_DIR/homeserver.lock"
if ! flock -n 9; then
  log "another homeserver.sh is running; waiting for it"
  flock -w 900 9 || die "timed out waiting for $MSV_CACHE_DIR/homeserver.lock"
fi

# The seed version: what the seed and the server's configuration are made of.
seed_version() {
  (
    cd "$REPO_DIR"
    {
      echo "port=$HOMESERVER_PORT"
      sha256sum scripts/seed.ts scripts/seed/*.ts scripts/synapse/*.template.yaml 2>/dev/null
    } | sha256sum | cut -c1-16
  )
}

if [ ! -e "$INSTALL_MARKER" ]; then
  bash "$SCRIPTS_DIR/install-tools.sh"
  bash "$SCRIPTS_DIR/synapse/install.sh"
fi
bash "$SCRIPTS_DIR/synapse/configure.sh"

version="$(seed_version)"
seeded="$(cat "$SEED_VERSION_FILE" 2>/dev/null || true)"
if [ "$seeded" = "$version" ] && [ -s "$SEED_MANIFEST" ]; then
  bash "$SCRIPTS_DIR/synapse/start.sh"
  exit 0
fi

if [ -n "$seeded" ]; then
  log "seed version changed ($seeded -> $version): wiping the database and reseeding"
else
  log "seeding (version $version)"
fi
bash "$SCRIPTS_DIR/synapse/stop.sh"
rm -f "$SEED_VERSION_FILE" "$SEED_MANIFEST"
rm -f "$SYNAPSE_DATA"/homeserver.db "$SYNAPSE_DATA"/homeserver.db-*
rm -rf "$SYNAPSE_DATA/media_store"
bash "$SCRIPTS_DIR/synapse/configure.sh"
bash "$SCRIPTS_DIR/synapse/start.sh"

# shellcheck disable=SC1091
. "$SYNAPSE_DATA/secrets.env"
start=$SECONDS
(
  cd "$REPO_DIR"
  MSV_SEED_VERSION="$version" MSV_HOMESERVER_URL="$HOMESERVER_URL" \
    MSV_SHARED_SECRET="$SHARED_SECRET" MSV_AS_TOKEN="$AS_TOKEN" \
    MSV_SEED_MANIFEST="$SEED_MANIFEST" \
    "$REPO_DIR/node_modules/.bin/tsx" scripts/seed.ts 9>&-
) || die "seeding failed; the next run starts again from an empty database"
echo "$version" >"$SEED_VERSION_FILE"
log "seeded in $((SECONDS - start)) s; manifest: $SEED_MANIFEST"
