#!/usr/bin/env bash
# Build the installable plugin zip: dist/shopbooks-<version>.zip with a single top folder
# "shopbooks/" holding the PHP plugin, the built settings page (plugin/build/) and the bundled
# sync core (plugin/sync-core/shopbooks.js — one file, no node_modules).
#
#   bash bin/plugin-zip.sh            # builds what is missing, then zips
#   OUT=/tmp/x.zip bash bin/plugin-zip.sh
#
# The zip is checked before it is written: every PHP file lints, the header is there, the settings
# page bundle and its asset file are there, and the sync core starts from the staged copy without
# any node_modules.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
VERSION=$(sed -n "s/^ \* Version: *//p" plugin/shopbooks.php | head -1)
OUT=${OUT:-$REPO/dist/shopbooks-$VERSION.zip}

# 1. The bundled sync core.
if [ ! -s plugin/sync-core/shopbooks.js ] || [ -n "${REBUILD:-}" ]; then
  bash bin/build-core.sh
fi
# 2. The settings page bundle (built by @wordpress/scripts from src/).
if [ ! -s plugin/build/index.js ] || [ ! -s plugin/build/index.asset.php ]; then
  if node -e 'process.exit(require("./package.json").scripts?.["build:admin"] ? 0 : 1)'; then
    npm run build:admin --silent
  else
    echo "plugin/build/ is missing and package.json has no build:admin script: build the settings page first (wp-scripts build)." >&2
    exit 1
  fi
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
P="$STAGE/shopbooks"
mkdir -p "$P/sync-core"
cp plugin/shopbooks.php plugin/uninstall.php "$P/"
[ -f plugin/readme.txt ] && cp plugin/readme.txt "$P/"
cp -r plugin/includes "$P/includes"
cp -r plugin/build "$P/build"
[ -d plugin/languages ] && cp -r plugin/languages "$P/languages"
cp plugin/sync-core/shopbooks.js "$P/sync-core/shopbooks.js"
find "$P" \( -name '*.map' -o -name '.DS_Store' -o -name '*.test.*' \) -delete

# Checks on the staged copy.
while IFS= read -r f; do php -l "$f" >/dev/null || { echo "PHP syntax error in ${f#"$STAGE"/}" >&2; exit 1; }; done < <(find "$P" -name '*.php')
grep -q "^ \* Requires PHP: *8.1" "$P/shopbooks.php"
grep -q "^ \* Requires at least: *6.1" "$P/shopbooks.php"
(cd "$STAGE" && env -u NODE_PATH node shopbooks/sync-core/shopbooks.js --help >/dev/null) || { echo "the bundled sync core does not start on its own" >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
(cd "$STAGE" && zip -qr -X "$OUT" shopbooks)
echo "built $OUT ($(du -k "$OUT" | cut -f1) KiB, $(unzip -Z1 "$OUT" | wc -l) files)"
