#!/usr/bin/env bash
# Stops the Synapse named by the PID file (TERM, then KILL after 20 s). Quiet if none runs.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if ! pid="$(synapse_pid)"; then
  rm -f "$SYNAPSE_PID_FILE"
  exit 0
fi
log "stopping Synapse (PID $pid)"
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 80); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.25
done
if kill -0 "$pid" 2>/dev/null; then
  log "Synapse (PID $pid) ignored TERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
fi
rm -f "$SYNAPSE_PID_FILE"
