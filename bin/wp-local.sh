#!/usr/bin/env bash
# wp-local.sh - a real WordPress with the Shopbooks plugin, for tests and local try-out, without Docker or systemd.
# Adapted from the tried recipe in the project notes (route A).
# Debian's PHP 8.2 + `php -S` + MariaDB (own datadir, own port) or SQLite; WordPress core from
# Debian (6.1.9) or from npm (@wp-playground/wordpress-builds 0.9.19 = WordPress 6.5.5).
#
#   bash bin/wp-local.sh up      # install missing apt packages, create/start site, activate ./plugin
#   bash wp-local.sh check       # smoke checks (REST, app password, plugin route, wp-admin, cron)
#   bash wp-local.sh eval 'echo get_option("home");'   # tiny wp-cli stand-in (PHP inside WP, as user 1)
#   bash wp-local.sh cron        # run due WP-Cron events now (GET /wp-cron.php)
#   bash wp-local.sh down        # stop php -S and mariadbd (by their PIDs)
#   bash wp-local.sh reset       # down + delete the site
#
# Env: WP_DIR (<repo>/.wp-local)  WP_PORT (8888)  WP_DB_PORT (3307)  WP_CORE (debian|npm)  WP_DB (mariadb|sqlite)
#      PLUGIN_DIR (plugin folder to symlink into wp-content/plugins and activate; default <repo>/plugin, "none" = no plugin)
#      PLUGIN_ZIP (instead of PLUGIN_DIR: an installable zip to unpack into wp-content/plugins and activate)
#      WP_MU_PLUGINS (optional folder whose *.php files are linked as must-use plugins, e.g. test doubles)
#      WP_CRON (auto|manual; manual = DISABLE_WP_CRON, default manual when CI=true)
# After `up`, $WP_DIR/env holds WP_URL, WP_USER, WP_PASSWORD, WP_APP_PASSWORD, WP_SETTINGS_URL.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLUGIN_DIR=${PLUGIN_DIR:-$REPO/plugin}
[ "$PLUGIN_DIR" = none ] && PLUGIN_DIR=

WP_DIR=${WP_DIR:-$REPO/.wp-local}
mkdir -p "$WP_DIR"; WP_DIR=$(cd "$WP_DIR" && pwd)
# A site keeps the ports it was created with (they are in its wp-config.php): reuse them on restart.
if [ -f "$WP_DIR/ports" ]; then
  WP_PORT=${WP_PORT:-$(sed -n 's/^WP_PORT=//p' "$WP_DIR/ports")}
  WP_DB_PORT=${WP_DB_PORT:-$(sed -n 's/^WP_DB_PORT=//p' "$WP_DIR/ports")}
fi
WP_PORT=${WP_PORT:-8888}
WP_DB_PORT=${WP_DB_PORT:-3307}
WP_CORE=${WP_CORE:-debian}
WP_DB=${WP_DB:-mariadb}
WP_USER=${WP_USER:-admin}
WP_PASSWORD=${WP_PASSWORD:-password}
if [ "${CI:-}" = true ]; then WP_CRON=${WP_CRON:-manual}; else WP_CRON=${WP_CRON:-auto}; fi
WP_URL="http://127.0.0.1:$WP_PORT"
SITE="$WP_DIR/site"; BIN="$WP_DIR/bin"; DBD="$WP_DIR/db"; SOCK="$DBD/mysqld.sock"; CACHE="$WP_DIR/cache"
WP_BUILDS=@wp-playground/wordpress-builds@0.9.19   # WordPress 6.2-6.5 + static assets (158 MB tarball)
PG_CLI=@wp-playground/cli@3.1.56                    # only for its bundled sqlite-database-integration.zip
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
T0=$(date +%s%N)
step() { echo "[$(( ($(date +%s%N) - T0) / 1000000 )) ms] $*"; }

if [ "$WP_CORE" = debian ] && [ "$WP_DB" = sqlite ]; then
  echo "WP_CORE=debian (6.1) does not work with the SQLite driver 3.x (fatal in wpdb); use WP_CORE=npm" >&2; exit 2
fi

install_deps() {
  local pkgs="php-cli php-mysql php-sqlite3 php-xml php-mbstring php-curl php-gd php-zip php-intl curl unzip zip"
  [ "$WP_DB" = mariadb ] && pkgs="$pkgs mariadb-server mariadb-client"
  [ "$WP_CORE" = debian ] && pkgs="$pkgs wordpress wordpress-theme-twentytwentythree"
  local missing="" p
  for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    step "apt-get install$missing"
    # one apt at a time on a shared machine (another helper installs chromium the same way)
    $SUDO flock /tmp/shopbooks-apt.lock sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null"
  fi
  step "packages ready"
}

npm_pack() { # npm_pack <spec> -> path of the cached tarball
  mkdir -p "$CACHE"
  local f; f=$(compgen -G "$CACHE/$2" | head -1 || true)
  if [ -z "$f" ]; then (cd "$CACHE" && npm pack --silent "$1" >/dev/null); f=$(compgen -G "$CACHE/$2" | head -1); fi
  echo "$f"
}

get_core() {
  [ -f "$SITE/wp-load.php" ] && return 0
  if [ "$WP_CORE" = debian ]; then
    cp -rL /usr/share/wordpress "$SITE"          # -L: Debian symlinks some bundled libs
  else
    local tgz tmp; tgz=$(npm_pack "$WP_BUILDS" 'wp-playground-wordpress-builds-*.tgz'); tmp=$(mktemp -d)
    tar -xzf "$tgz" -C "$tmp" package/src/wordpress/wp-6.5.zip package/public/wp-6.5
    mkdir -p "$SITE"; unzip -q "$tmp/package/src/wordpress/wp-6.5.zip" -d "$SITE"
    cp -rn "$tmp/package/public/wp-6.5/." "$SITE/"   # the zip is "minified": CSS/JS/images live in public/
    rm -rf "$tmp" "$SITE/wordpress-remote-asset-paths" "$SITE/wp-content/database/.ht.sqlite"  # drop Playground's pre-installed DB
  fi
  rm -f "$SITE/wp-config.php"
  if [ "$WP_DB" = sqlite ]; then
    local tgz tmp; tgz=$(npm_pack "$PG_CLI" 'wp-playground-cli-*.tgz'); tmp=$(mktemp -d)
    tar -xzf "$tgz" -C "$tmp" package/sqlite-database-integration.zip
    unzip -q "$tmp/package/sqlite-database-integration.zip" -d "$tmp"
    mv "$tmp/plugin-sqlite-database-integration" "$SITE/wp-content/plugins/sqlite-database-integration"
    sed -e "s#{SQLITE_IMPLEMENTATION_FOLDER_PATH}#' . WP_CONTENT_DIR . '/plugins/sqlite-database-integration#" \
        -e "s#{SQLITE_PLUGIN}#sqlite-database-integration/load.php#g" \
        "$SITE/wp-content/plugins/sqlite-database-integration/db.copy" > "$SITE/wp-content/db.php"
    rm -rf "$tmp"
  fi
  step "WordPress core ($WP_CORE) copied to $SITE"
}

start_db() {
  [ "$WP_DB" = mariadb ] || return 0
  mkdir -p "$DBD"
  if [ ! -d "$DBD/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$DBD/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db > "$DBD/install.log" 2>&1
    step "MariaDB datadir initialised"
  fi
  if ! mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1; then
    nohup /usr/sbin/mariadbd --no-defaults --datadir="$DBD/data" --socket="$SOCK" --port="$WP_DB_PORT" \
      --bind-address=127.0.0.1 --pid-file="$DBD/mariadbd.pid" --user="$(id -un)" --skip-log-bin \
      --skip-name-resolve --innodb-buffer-pool-size=64M > "$DBD/mariadbd.log" 2>&1 &
    local i; for i in $(seq 1 300); do mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  mariadb --socket="$SOCK" -uroot -e "CREATE DATABASE IF NOT EXISTS wp;
    CREATE USER IF NOT EXISTS 'wp'@'127.0.0.1' IDENTIFIED BY 'wp'; GRANT ALL ON wp.* TO 'wp'@'127.0.0.1';"
  step "MariaDB up on 127.0.0.1:$WP_DB_PORT"
}

write_files() {
  mkdir -p "$BIN" "$SITE/wp-content/mu-plugins"
  if [ ! -f "$SITE/wp-config.php" ]; then
    local salts db
    salts=$(php -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT","SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) printf("define(%s, %s);\n", var_export($k, true), var_export(bin2hex(random_bytes(32)), true));')
    if [ "$WP_DB" = mariadb ]; then
      db="define('DB_NAME', 'wp'); define('DB_USER', 'wp'); define('DB_PASSWORD', 'wp'); define('DB_HOST', '127.0.0.1:$WP_DB_PORT');"
    else
      db="define('DB_NAME', 'wp'); define('DB_DIR', __DIR__ . '/wp-content/database/'); define('DB_FILE', '.ht.sqlite');"
    fi
    cat > "$SITE/wp-config.php" <<EOF
<?php
$db
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';
$salts
define('WP_HOME', '$WP_URL');
define('WP_SITEURL', '$WP_URL');
define('WP_ENVIRONMENT_TYPE', 'local');   // application passwords over plain http need 'local'
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);   // no internet: never try api.wordpress.org & co.
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('FS_METHOD', 'direct');
define('DISABLE_WP_CRON', $( [ "$WP_CRON" = manual ] && echo true || echo false ));
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
EOF
  printf 'WP_PORT=%s\nWP_DB_PORT=%s\n' "$WP_PORT" "$WP_DB_PORT" > "$WP_DIR/ports"
  fi
  cat > "$SITE/wp-content/mu-plugins/local-no-mail.php" <<'EOF'
<?php // No MTA here: swallow mail instead of calling /usr/sbin/sendmail.
add_filter('pre_wp_mail', '__return_false');
EOF
  if [ -n "${WP_MU_PLUGINS:-}" ]; then
    local f; for f in "$(cd "$WP_MU_PLUGINS" && pwd)"/*.php; do [ -e "$f" ] && ln -sfn "$f" "$SITE/wp-content/mu-plugins/$(basename "$f")"; done
  fi
  cat > "$BIN/router.php" <<'EOF'
<?php // Router for `php -S`: real files as-is, everything else to WordPress (pretty permalinks, /wp-json/).
$root = $_SERVER['DOCUMENT_ROOT'];
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($path !== '/' && file_exists($root . $path)) {
    if (!is_dir($root . $path)) return false;
    if (substr($path, -1) !== '/') { header('Location: ' . $path . '/', true, 301); exit; }
    if (file_exists($root . $path . 'index.php')) return false;
}
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
chdir($root);
require $root . '/index.php';
EOF
  cat > "$BIN/wp-eval.php" <<'EOF'
<?php // php wp-eval.php <site dir> <url> '<php code>' : run code inside WordPress as user 1
[, $root, $url, $code] = $argv;
$u = parse_url($url);
$_SERVER['HTTP_HOST'] = $u['host'] . (isset($u['port']) ? ':' . $u['port'] : '');
$_SERVER['SERVER_NAME'] = $u['host']; $_SERVER['REQUEST_URI'] = '/';
if (getenv('WP_INSTALLING')) define('WP_INSTALLING', true);
require $root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
if (!getenv('WP_INSTALLING')) wp_set_current_user(1);
eval($code);
EOF
}

wp_eval() { php -d display_errors=stderr -d error_reporting='E_ALL & ~E_DEPRECATED' "$BIN/wp-eval.php" "$SITE" "$WP_URL" "$1"; }

start_web() {
  if [ -f "$WP_DIR/php.pid" ] && kill -0 "$(cat "$WP_DIR/php.pid")" 2>/dev/null; then return 0; fi
  # setsid: own process group, so `down` can stop the PHP_CLI_SERVER_WORKERS children too
  # (killing only the parent leaves the workers serving the port).
  PHP_CLI_SERVER_WORKERS=4 setsid php -S "127.0.0.1:$WP_PORT" -t "$SITE" "$BIN/router.php" > "$WP_DIR/php-server.log" 2>&1 < /dev/null &
  echo $! > "$WP_DIR/php.pid"
  local i; for i in $(seq 1 100); do curl -s -o /dev/null "$WP_URL/wp-login.php" && break; sleep 0.1; done
  step "php -S serving $WP_URL (pid $(cat "$WP_DIR/php.pid"))"
}

install_wp() {
  WP_INSTALLING=1 wp_eval "
    if (!is_blog_installed()) {
      wp_install('Shopbooks Test Shop', '$WP_USER', '$WP_USER@example.com', true, '', '$WP_PASSWORD');
      update_option('permalink_structure', '/%postname%/');
      flush_rewrite_rules(true);
      echo \"installed\n\";
    }"
  step "WordPress installed (user $WP_USER / $WP_PASSWORD)"
  local slug=shopbooks
  if [ -n "${PLUGIN_ZIP:-}" ]; then
    # install like a shop owner would: unpack the zip into wp-content/plugins (replacing a link or older copy)
    rm -rf "${SITE:?}/wp-content/plugins/$slug"
    unzip -q -o "$PLUGIN_ZIP" -d "$SITE/wp-content/plugins"
    step "plugin zip $PLUGIN_ZIP unpacked"
  elif [ -n "${PLUGIN_DIR:-}" ]; then
    local pdir; pdir=$(cd "$PLUGIN_DIR" && pwd)
    [ -L "$SITE/wp-content/plugins/$slug" ] || rm -rf "${SITE:?}/wp-content/plugins/$slug"
    ln -sfn "$pdir" "$SITE/wp-content/plugins/$slug"
  fi
  if [ -n "${PLUGIN_ZIP:-}${PLUGIN_DIR:-}" ]; then
    wp_eval "
      \$p = get_plugins('/$slug');
      if (!\$p) { fwrite(STDERR, \"no plugin header in $slug\n\"); exit(1); }
      \$file = '$slug/' . array_key_first(\$p);
      if (!is_plugin_active(\$file)) {
        \$r = activate_plugin(\$file);
        if (is_wp_error(\$r)) { fwrite(STDERR, \$r->get_error_message() . \"\n\"); exit(1); }
      }
      echo \"active: \$file\n\";"
    step "plugin $slug linked and activated"
  fi
  if [ ! -s "$WP_DIR/app-password" ]; then
    wp_eval "[\$pw] = WP_Application_Passwords::create_new_application_password(1, ['name' => 'tests']); echo \$pw;" > "$WP_DIR/app-password"
  fi
  local settings_url="$WP_URL/wp-admin/options-general.php?page=shopbooks"
  [ -n "$(wp_eval 'echo class_exists("WooCommerce") ? 1 : "";')" ] && settings_url="$WP_URL/wp-admin/admin.php?page=shopbooks"
  printf 'WP_URL=%s\nWP_USER=%s\nWP_PASSWORD=%s\nWP_APP_PASSWORD=%s\nWP_SETTINGS_URL=%s\nWP_DIR=%s\n' \
    "$WP_URL" "$WP_USER" "$WP_PASSWORD" "$(cat "$WP_DIR/app-password")" "$settings_url" "$WP_DIR" > "$WP_DIR/env"
  step "application password in $WP_DIR/env"
}

check() {
  . "$WP_DIR/env"; local ok=0 fail=0 c
  t() { if [ "$2" = "$3" ]; then ok=$((ok+1)); echo "ok   $1"; else fail=$((fail+1)); echo "FAIL $1 (got $2, want $3)"; fi; }
  t "GET /wp-json/" "$(curl -s -o /dev/null -w '%{http_code}' "$WP_URL/wp-json/")" 200
  t "users/me with app password" "$(curl -s -o /dev/null -w '%{http_code}' -u "$WP_USER:$WP_APP_PASSWORD" "$WP_URL/wp-json/wp/v2/users/me")" 200
  t "users/me with a wrong password" "$(curl -s -o /dev/null -w '%{http_code}' -u "$WP_USER:nope" "$WP_URL/wp-json/wp/v2/users/me")" 401
  t "GET /shopbooks/v1/status with app password" "$(curl -s -o /dev/null -w '%{http_code}' -u "$WP_USER:$WP_APP_PASSWORD" "$WP_URL/wp-json/shopbooks/v1/status")" 200
  t "GET /shopbooks/v1/status anonymous" "$(curl -s -o /dev/null -w '%{http_code}' "$WP_URL/wp-json/shopbooks/v1/status")" 401
  c=$(mktemp); curl -s -c "$c" -b "$c" -o /dev/null "$WP_URL/wp-login.php"
  curl -s -c "$c" -b "$c" -o /dev/null --data-urlencode "log=$WP_USER" --data-urlencode "pwd=$WP_PASSWORD" -d "testcookie=1&wp-submit=Log+In&redirect_to=%2Fwp-admin%2F" "$WP_URL/wp-login.php"
  t "wp-admin dashboard after cookie login" "$(curl -s -b "$c" "$WP_URL/wp-admin/" | grep -c '<title>Dashboard')" 1
  rm -f "$c"
  t "GET /wp-cron.php" "$(curl -s -o /dev/null -w '%{http_code}' "$WP_URL/wp-cron.php")" 200
  echo "$ok passed, $fail failed"; [ "$fail" = 0 ]
}

down() {
  local pid
  if [ -f "$WP_DIR/php.pid" ]; then pid=$(cat "$WP_DIR/php.pid"); kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; rm -f "$WP_DIR/php.pid"; fi
  if [ -f "$DBD/mariadbd.pid" ]; then
    pid=$(cat "$DBD/mariadbd.pid"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  echo "stopped"
}

case "${1:-up}" in
  up)    install_deps; get_core; start_db; write_files; start_web; install_wp; cat "$WP_DIR/env" ;;
  check) check ;;
  eval)  wp_eval "$2" ;;
  cron)  curl -s -o /dev/null -w 'wp-cron.php %{http_code}\n' "$WP_URL/wp-cron.php" ;;
  down)  down ;;
  reset) down; rm -rf "$WP_DIR" ;;
  *) echo "usage: $0 up|check|eval CODE|cron|down|reset" >&2; exit 2 ;;
esac
