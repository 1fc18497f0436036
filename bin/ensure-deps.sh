#!/usr/bin/env bash
# Install the npm packages when node_modules is missing or older than package-lock.json.
# Used by `npm start` so the demo works on a fresh clone with one command.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.shopbooks-lock-hash
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing npm packages..." >&2
  # `npm install` rather than `npm ci`: the registry reachable here does not list the other
  # platforms' optional binaries (@swc/core-darwin-*, ...), so the lock file cannot name them and
  # `npm ci` refuses it. With the lock file present, `npm install` installs the locked versions.
  npm install --no-audit --no-fund --loglevel=error >&2
  # npm install may rewrite the lock file's formatting: stamp what is there now
  cat package.json package-lock.json | sha256sum | cut -d' ' -f1 > "$stamp"
fi
