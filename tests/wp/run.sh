#!/usr/bin/env bash
# All WordPress tests of the plugin, on a real WordPress (Debian PHP 8.2 + MariaDB + WordPress 6.1,
# or WP_CORE=npm for 6.5), started here on loopback ports and stopped by PID at the end.
#
#   bash tests/wp/run.sh            # everything: phpunit, REST/cron/store tests, uninstall, zip install
#   KEEP_WP=1 bash tests/wp/run.sh  # leave the site running afterwards (.wp-local/test/env)
#
# Exits non-zero when any test fails. Output and artefacts: test-output/wp/.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
export CI=true                      # WP_CRON=manual: events run only when the tests call wp-cron.php
export WP_DIR="$REPO/.wp-local/test"
OUT="$REPO/test-output/wp"
mkdir -p "$OUT"
T0=$(date +%s)

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
export WP_PORT=${WP_PORT:-$(free_port)}
export WP_DB_PORT=${WP_DB_PORT:-$(free_port)}
export WP_MU_PLUGINS="$REPO/tests/wp/mu-plugins"
export PLUGIN_DIR="$REPO/plugin"

cleanup() {
  if [ -z "${KEEP_WP:-}" ]; then bash bin/wp-local.sh down >/dev/null 2>&1 || true; fi
  [ -n "${CLEAN_DIR:-}" ] && WP_DIR="$CLEAN_DIR" bash bin/wp-local.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Debian packages (PHP, MariaDB, WordPress via wp-local.sh; phpunit here), npm packages.
if ! command -v phpunit >/dev/null; then
  flock /tmp/shopbooks-apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends phpunit >/dev/null'
fi
bash bin/ensure-deps.sh

# The bundled sync core (plugin/sync-core/shopbooks.js) for the cron test and the zip.
if [ -f bin/build-core.sh ]; then
  bash bin/build-core.sh > "$OUT/build-core.log" 2>&1 || echo "!! bin/build-core.sh failed (see $OUT/build-core.log); the sandbox sync test will fail"
fi

# A fresh site every run, so the tests start from a clean activation.
bash bin/wp-local.sh down >/dev/null 2>&1 || true
rm -rf "$WP_DIR"
bash bin/wp-local.sh up > "$OUT/wp-local.log" 2>&1 || { cat "$OUT/wp-local.log"; exit 1; }
. "$WP_DIR/env"
echo "WordPress on $WP_URL ($(bash bin/wp-local.sh eval 'echo get_bloginfo("version");'))"

# Test users: subscriber, a WooCommerce-like shop_manager role, the administrator; app passwords.
bash bin/wp-local.sh eval '
  if (!get_role("shop_manager")) {
    // The shop manager role as WooCommerce creates it (capabilities that matter here).
    add_role("shop_manager", "Shop manager", array("read" => true, "manage_woocommerce" => true, "view_woocommerce_reports" => true, "edit_posts" => true, "upload_files" => true));
  }
  $out = array();
  foreach (array("administrator" => "admin", "shop_manager" => "sb_manager", "subscriber" => "sb_subscriber") as $role => $login) {
    $u = get_user_by("login", $login);
    if (!$u) { $id = wp_insert_user(array("user_login" => $login, "user_pass" => "pw-" . $login, "user_email" => $login . "@example.com", "role" => $role)); $u = get_user_by("id", $id); }
    else { wp_set_password($login === "admin" ? "password" : "pw-" . $login, $u->ID); }
    foreach (WP_Application_Passwords::get_user_application_passwords($u->ID) as $item) {
      if ($item["name"] === "shopbooks-tests") WP_Application_Passwords::delete_application_password($u->ID, $item["uuid"]);
    }
    [$pw] = WP_Application_Passwords::create_new_application_password($u->ID, array("name" => "shopbooks-tests"));
    $out[$role] = array("login" => $login, "password" => $login === "admin" ? "password" : "pw-" . $login, "appPassword" => $pw);
  }
  file_put_contents(getenv("WP_DIR") . "/test-users.json", json_encode($out));
' || exit 1

fail=0
echo "== phpunit (plugin classes inside WordPress, WP-CLI command through a minimal harness)"
WP_SITE_DIR="$WP_DIR/site" WP_URL="$WP_URL" phpunit -c tests/wp/phpunit/phpunit.xml --log-junit "$OUT/phpunit.xml" || fail=1

echo "== REST, permissions, secrets, OAuth, store, cron, ledger (jest against $WP_URL)"
npx jest -c tests/wp/jest.config.js --runInBand --verbose --testPathIgnorePatterns 'zz-' 2>&1 | tee "$OUT/jest.log"
[ "${PIPESTATUS[0]}" = 0 ] || fail=1

echo "== uninstall, and the zip on a clean WordPress"
export CLEAN_DIR="$REPO/.wp-local/test-clean"
npx jest -c tests/wp/jest.config.js --runInBand --testPathPatterns 'zz-' 2>&1 | tee "$OUT/jest-final.log"
[ "${PIPESTATUS[0]}" = 0 ] || fail=1

# Secrets must not have reached any log (PHP error log / debug.log of the site, php -S log).
if [ -f "$OUT/secrets.txt" ]; then
  while IFS= read -r s; do
    [ -n "$s" ] || continue
    if grep -rqF -- "$s" "$WP_DIR/site/wp-content/debug.log" "$WP_DIR/php-server.log" "$WP_DIR/db/mariadbd.log" 2>/dev/null; then
      echo "FAIL a secret appears in a log file"; fail=1
    fi
  done < "$OUT/secrets.txt"
  rm -f "$OUT/secrets.txt"
fi

echo "WordPress tests took $(( $(date +%s) - T0 )) s: $([ $fail = 0 ] && echo PASSED || echo FAILED)"
exit $fail
