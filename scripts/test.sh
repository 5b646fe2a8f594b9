#!/usr/bin/env bash
# The whole test suite, from a fresh clone after `npm ci`: installs the Debian tools the tests
# drive, type-checks, then runs unit, end-to-end (a real Synapse, started by the suite's
# global setup through scripts/homeserver.sh) and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh
bash scripts/install-tools.sh
npx tsc -p tsconfig.json --noEmit
results="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?
# One plain closing line, whatever the runner printed above it.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)' "$results" || true
rm -f "$results"
exit "$status"
