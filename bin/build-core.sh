#!/usr/bin/env bash
# Bundle the sync core CLI into ONE file for the WordPress plugin: plugin/sync-core/shopbooks.js.
# No node_modules are needed next to it; it runs on Node >= 20.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p plugin/sync-core
npx esbuild bin/shopbooks.ts --bundle --platform=node --target=node20 --format=cjs \
  --outfile=plugin/sync-core/shopbooks.js --log-level=warning --legal-comments=none \
  --banner:js='/* Shopbooks sync core (bundled). Source: sync-core/ */'
echo "built plugin/sync-core/shopbooks.js ($(du -k plugin/sync-core/shopbooks.js | cut -f1) KiB)"
