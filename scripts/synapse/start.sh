#!/usr/bin/env bash
# Starts Synapse in the chroot as its own unprivileged user, detached, with a clean
# environment; waits until the client API answers. Does nothing if it already answers.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if pid="$(synapse_pid)"; then
  if synapse_answers; then exit 0; fi
  # Alive but not answering (still starting, or started on another port): give it a moment.
  for _ in $(seq 1 40); do synapse_answers && exit 0; sleep 0.25; done
  log "Synapse (PID $pid) does not answer on $HOMESERVER_URL; restarting it"
  bash "$SCRIPTS_DIR/synapse/stop.sh"
fi
if synapse_answers; then
  die "something else answers on $HOMESERVER_URL; stop it or set HOMESERVER_PORT"
fi

uid="$(awk -F: '$1 == "matrix-synapse" { print $3 ":" $4 }' "$SYNAPSE_ROOT/etc/passwd")"
log "starting Synapse on $HOMESERVER_URL (log: $SYNAPSE_LOG)"
# fd 9 is homeserver.sh's lock: Synapse must not inherit it, or it would hold the lock forever.
(
  cd /
  exec setsid chroot --userspec="$uid" "$SYNAPSE_ROOT" /usr/bin/env -i \
    PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$SYNAPSE_DATA_IN_ROOT" \
    PYTHONPATH="$SYNAPSE_DATA_IN_ROOT/python" \
    python3 -m synapse.app.homeserver \
    -c "$SYNAPSE_DATA_IN_ROOT/generated.yaml" -c "$SYNAPSE_DATA_IN_ROOT/msv.yaml" \
    </dev/null >"$SYNAPSE_LOG" 2>&1 9>&-
) &
echo $! >"$SYNAPSE_PID_FILE"

start=$SECONDS
until synapse_answers; do
  if ! synapse_pid >/dev/null && ! kill -0 "$(cat "$SYNAPSE_PID_FILE")" 2>/dev/null; then
    tail -n 40 "$SYNAPSE_LOG" >&2
    rm -f "$SYNAPSE_PID_FILE"
    die "Synapse exited while starting (log: $SYNAPSE_LOG)"
  fi
  if [ $((SECONDS - start)) -ge 90 ]; then
    tail -n 40 "$SYNAPSE_LOG" >&2
    die "Synapse did not answer within 90 s (log: $SYNAPSE_LOG)"
  fi
  sleep 0.25
done
log "Synapse answers (PID $(cat "$SYNAPSE_PID_FILE"), $((SECONDS - start)) s)"
