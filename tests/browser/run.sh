#!/usr/bin/env bash
# Browser tests of the Shopbooks settings page in real headless Chromium against a real WordPress.
#
#   bash tests/browser/run.sh            build the page + translations, start a fresh WordPress of its own
#                                        (bin/wp-local.sh, own dir/ports), run the tests, stop what it started
#   SHOPBOOKS_BROWSER_KEEP=1 bash tests/browser/run.sh   leave that WordPress running afterwards (to look around)
#
# Env: BROWSER_WP_PORT (8891) BROWSER_WP_DB_PORT (3318) BROWSER_WP_DIR (<repo>/test-output/wp-browser)
#      BROWSER_WP_CORE (debian = WordPress 6.1, the oldest supported; npm = WordPress 6.5.5, see bin/wp-local.sh)
#      SHOPBOOKS_SKIP_BUILD=1 (use the existing plugin/build)  BROWSER_TESTS (test files to run; default all)
# Screenshots: test-output/screenshots/*.png. Exit code non-zero when anything fails.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
T0=$(date +%s)
say() { echo "[browser-tests $(( $(date +%s) - T0 ))s] $*"; }

export WP_DIR=${BROWSER_WP_DIR:-$REPO/test-output/wp-browser}
export WP_PORT=${BROWSER_WP_PORT:-8891}
export WP_DB_PORT=${BROWSER_WP_DB_PORT:-3318}
export WP_CORE=${BROWSER_WP_CORE:-debian}
[ "$WP_CORE" = debian ] || export SHOPBOOKS_SCREENSHOT_PREFIX=${SHOPBOOKS_SCREENSHOT_PREFIX:-wp-$WP_CORE-}
export WP_CRON=manual            # tests trigger cron themselves; no spawned loopback requests
export PLUGIN_DIR="$REPO/plugin"
export WP_MU_PLUGINS="$REPO/tests/browser/mu-plugins"
mkdir -p test-output/screenshots

if [ "${SHOPBOOKS_SKIP_BUILD:-}" != 1 ]; then
  say "building the settings page"
  npx --no-install wp-scripts build src/index.js --output-path=plugin/build >test-output/wp-scripts-build.log 2>&1 \
    || { cat test-output/wp-scripts-build.log; exit 1; }
fi
if [ "${SHOPBOOKS_SKIP_BUILD:-}" != 1 ] && [ -f bin/build-core.sh ]; then
  say "bundling the sync core (for the Preview tab)"
  bash bin/build-core.sh >test-output/build-core.log 2>&1 || { cat test-output/build-core.log; exit 1; }
fi
say "checking translations"
node src/i18n/make-json.js --check

if [ ! -x /usr/bin/chromium ]; then
  say "installing chromium"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  flock /tmp/shopbooks-apt.lock sh -c "$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null"
fi

started=0
stop_wp() {
  if [ "$started" = 1 ] && [ "${SHOPBOOKS_BROWSER_KEEP:-}" != 1 ]; then
    bash bin/wp-local.sh down >/dev/null 2>&1 || true
  fi
}
trap stop_wp EXIT
# Each test file gets a fresh site: every file starts from a newly activated plugin.
status=0
for file in ${BROWSER_TESTS:-tests/browser/*.test.ts}; do
  say "starting WordPress on 127.0.0.1:$WP_PORT ($WP_DIR) for $file"
  bash bin/wp-local.sh down >/dev/null 2>&1 || true   # a leftover of an interrupted run (its own PID files only)
  rm -rf "$WP_DIR/site" "$WP_DIR/db" "$WP_DIR/app-password" "$WP_DIR/env"
  started=1
  bash bin/wp-local.sh up >test-output/wp-browser-up.log 2>&1 || { cat test-output/wp-browser-up.log; exit 1; }
  say "running $file"
  WP_ENV_FILE="$WP_DIR/env" npx --no-install tsx --test --test-reporter=spec "$file" || status=1
done
say "done"
exit $status
