#!/usr/bin/env bash
# One command to try the plugin: a real local WordPress (Debian PHP 8.2 + MariaDB + WordPress 6.1,
# no Docker) with Shopbooks activated, wired to the bundled sandbox — a simulated WooCommerce shop,
# Exact Online and Moneybird on loopback.
#
#   bash bin/wp-try.sh        # start (installs what is missing), prints the URL and the sandbox credentials
#   bash bin/wp-try.sh down   # stop WordPress and the sandbox (by PID)
#   bash bin/wp-try.sh wire   # only (re)start the sandbox and point an already running WordPress
#                             # ($WP_DIR/env, as bin/wp-local.sh up wrote it) at it (the browser tests use this)
#
# Env: WP_PORT (8888), SANDBOX_PORT_BASE (8900: shop +1, Exact +2, Moneybird +3), WP_DIR (.wp-local)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export WP_DIR=${WP_DIR:-$REPO/.wp-local}
BASE=${SANDBOX_PORT_BASE:-8900}
PIDFILE="$WP_DIR/sandbox.pid"

stop_sandbox() {
  if [ -f "$PIDFILE" ]; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    rm -f "$PIDFILE"
  fi
}

if [ "${1:-up}" = "down" ]; then
  stop_sandbox
  bash bin/wp-local.sh down
  exit 0
fi

if [ "${1:-up}" != wire ]; then
  bash bin/ensure-deps.sh
  [ -f plugin/build/index.js ] || npm run --silent build:admin >/dev/null
  bash bin/build-core.sh >/dev/null
  bash bin/wp-local.sh up >/dev/null
fi
. "$WP_DIR/env"

stop_sandbox
mkdir -p "$WP_DIR"
nohup node plugin/sync-core/shopbooks.js sandbox --port-base "$BASE" \
  --exact-redirect-uri "$WP_URL/wp-json/shopbooks/v1/connections/exact/callback" \
  --moneybird-redirect-uri "$WP_URL/wp-json/shopbooks/v1/connections/moneybird/callback" > "$WP_DIR/sandbox.log" 2>&1 &
echo $! > "$PIDFILE"
for _ in $(seq 1 100); do
  grep -q '"woocommerce"' "$WP_DIR/sandbox.log" 2>/dev/null && break
  sleep 0.1
done
info=$(head -n 1 "$WP_DIR/sandbox.log")
[ -n "$info" ] || { echo "the sandbox did not start; see $WP_DIR/sandbox.log" >&2; exit 1; }

# Point the plugin at the sandbox: Exact and Moneybird base URLs, and the simulated shop as the source
# (a source configuration as the sync core reads it: `platform`, not `kind`). The booking start date
# becomes the day of the sandbox shop's oldest order, or "Sync now" would skip every (older) order.
php_b64=$(printf '%s' "$info" | node -e '
  const i = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const o = { exactBaseUrl: i.exact.baseUrl, moneybirdBaseUrl: i.moneybird.baseUrl,
    source: { platform: "woocommerce", url: i.woocommerce.url, shopId: "sandbox-woocommerce",
      consumerKey: i.woocommerce.consumerKey, consumerSecret: i.woocommerce.consumerSecret } };
  process.stdout.write(Buffer.from(JSON.stringify({ overrides: o, startDate: i.woocommerce.firstOrderDate })).toString("base64"));')
bash bin/wp-local.sh eval "
  \$w = json_decode(base64_decode('$php_b64'), true);
  Shopbooks\\Endpoints::set_overrides(\$w['overrides']);
  if (!empty(\$w['startDate'])) { \$s = Shopbooks\\Settings::get(); \$s['rules']['startDate'] = \$w['startDate']; Shopbooks\\Settings::save(\$s); }
  echo 'ok';" >/dev/null
start_date=$(printf '%s' "$info" | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0,"utf8")).woocommerce.firstOrderDate))')

cat <<TXT
WordPress with Shopbooks:  $WP_SETTINGS_URL   (log in as $WP_USER / $WP_PASSWORD)
Sandbox shop and books:    WooCommerce http://127.0.0.1:$((BASE + 1)), Exact http://127.0.0.1:$((BASE + 2)), Moneybird http://127.0.0.1:$((BASE + 3))
Connect Exact Online with client ID "5a4db0c5-0000-4000-8000-000000000001" and client secret "sandbox-secret"
(any country: the sandbox plays them all), or Moneybird with the API token "sandbox-moneybird-api-token-0001".
Then map the accounts and VAT codes, look at the Preview, and press "Sync now".
Booking start date set to $start_date (the sandbox shop's first order), so the sandbox's orders are booked.
Stop everything:           bash bin/wp-try.sh down
TXT
