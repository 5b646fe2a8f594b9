#!/usr/bin/env bash
# Stops the test homeserver started by scripts/homeserver.sh (by the PID in its PID file).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/synapse/common.sh"

mkdir -p "$MSV_CACHE_DIR"
exec 9>"$MSV_CACHE_DIR/homeserver.lock"
flock -w 900 9 || die "timed out waiting for $MSV_CACHE_DIR/homeserver.lock"
bash "$SCRIPTS_DIR/synapse/stop.sh"
