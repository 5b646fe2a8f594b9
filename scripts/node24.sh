# Sourced by the scripts that run the project: puts the Node.js 24 that `npm ci` installs (the
# npm package `node`, a dev dependency) first on the PATH, as `npm run` does, so that running a
# script directly gives the same runtime, and stops with a clear message on any other Node.
# shellcheck shell=bash
PATH="$(pwd)/node_modules/.bin:$PATH"
export PATH
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" != 24 ]; then
  echo "This project runs on Node.js 24 LTS, found $(node --version 2>/dev/null || echo 'no node'). Run 'npm ci' first: it installs Node 24 into node_modules/.bin." >&2
  exit 1
fi
echo "runtime: Node.js $(node --version) ($(command -v node))" >&2
