#!/usr/bin/env bash
# Bundle the sync core CLI into ONE file for the WordPress plugin: plugin/sync-core/shopbooks.js,
# plus the simulators apart (see bin/build-core.mjs). No node_modules are needed next to them; they
# run on Node >= 20. Prints both sizes and fails when the core is above its size target.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p plugin/sync-core
node bin/build-core.mjs
