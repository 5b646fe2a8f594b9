#!/usr/bin/env bash
# The whole test suite, from a fresh clone after `npm ci`: installs the Debian tools the tests
# drive, type-checks, then runs unit, end-to-end (a real Synapse, started by the suite's
# global setup through scripts/homeserver.sh) and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
