#!/usr/bin/env bash
# The seeded test homeserver plus the viewer on http://localhost:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
bash scripts/homeserver.sh
npm run build
export MATRIX_HOMESERVER_URL="http://127.0.0.1:${HOMESERVER_PORT:-8008}"
export PORT="${PORT:-8000}"
export PUBLIC_URL="${PUBLIC_URL:-http://localhost:$PORT}"
# The seeded rooms are small: read them back to their start within seconds, so /search finds them.
export ARCHIVE_BACKFILL_CALLS_PER_MINUTE="${ARCHIVE_BACKFILL_CALLS_PER_MINUTE:-600}"
echo "demo: the viewer is starting on $PUBLIC_URL (Ctrl-C stops it; npm run homeserver:stop stops Synapse); search the seeded rooms at $PUBLIC_URL/search?q=message"
exec node dist/src/server.js
