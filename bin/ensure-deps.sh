#!/usr/bin/env bash
# Install the npm packages when node_modules is missing or older than package-lock.json.
# Used by `npm start` so the demo works on a fresh clone with one command.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.shopbooks-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing npm packages (npm ci)..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
