#!/usr/bin/env bash
# Debian packages the WordPress and browser tests need: PHP 8.2, MariaDB, WordPress 6.1 (Debian),
# phpunit, Chromium, PostgreSQL (the fleet tests start their own cluster), xmllint (XSD checks). Installs only what is missing; needs root (or sudo).
set -euo pipefail
pkgs=(php-cli php-mysql php-sqlite3 php-xml php-mbstring php-curl php-gd php-zip php-intl
      mariadb-server mariadb-client wordpress unzip zip curl phpunit chromium fonts-liberation
      postgresql libxml2-utils)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing Debian packages: ${missing[*]}" >&2
# another process (a parallel test setup) may hold the apt lock: wait for it
exec 9>/tmp/shopbooks-apt.lock
flock 9
$SUDO apt-get update -qq >/dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
