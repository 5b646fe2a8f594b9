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
echo "demo: the viewer is starting on $PUBLIC_URL (Ctrl-C stops it; npm run homeserver:stop stops Synapse)"
exec node dist/src/server.js
