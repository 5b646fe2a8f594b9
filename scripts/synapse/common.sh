# Shared settings for the test homeserver scripts. Sourced, never run.
# shellcheck shell=bash
MSV_CACHE_DIR="${MSV_CACHE_DIR:-$HOME/.cache/matrix-static-viewer}"
HOMESERVER_PORT="${HOMESERVER_PORT:-8008}"
SYNAPSE_ROOT="$MSV_CACHE_DIR/synapse-root"
# Everything Synapse writes lives inside the chroot, under this path.
SYNAPSE_DATA_IN_ROOT="/var/lib/msv-synapse"
SYNAPSE_DATA="$SYNAPSE_ROOT$SYNAPSE_DATA_IN_ROOT"
SYNAPSE_PID_FILE="$MSV_CACHE_DIR/synapse.pid"
SYNAPSE_LOG="$MSV_CACHE_DIR/synapse.log"
INSTALL_MARKER="$SYNAPSE_ROOT/.msv-install-complete"
SEED_MANIFEST="$MSV_CACHE_DIR/seed.json"
# Inside the data folder, so that a reinstall (which loses the database) also loses it.
SEED_VERSION_FILE="$SYNAPSE_DATA/seed-version"
HOMESERVER_URL="http://127.0.0.1:$HOMESERVER_PORT"
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$SCRIPTS_DIR/.." && pwd)"

log() { echo "homeserver: $*" >&2; }
die() { echo "homeserver: error: $*" >&2; exit 1; }

# The PID of the running Synapse, if the PID file names a live Synapse process.
synapse_pid() {
  local pid
  [ -s "$SYNAPSE_PID_FILE" ] || return 1
  pid="$(cat "$SYNAPSE_PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'synapse.app.homeserver' || return 1
  echo "$pid"
}

# True when the client API answers.
# Node is used rather than curl, which a fresh machine may lack.
synapse_answers() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
    .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "$HOMESERVER_URL/_matrix/client/versions" >/dev/null 2>&1
}
