/**
 * Copies the running test WordPress (database dump + files) to a second site on another loopback
 * port, the way a host's one-click staging or a migration plugin does: same MariaDB server, a new
 * database, the files copied, wp-config pointing at the new URL, and a search-replace of the old
 * URL over EVERY table and column (serialized PHP values unserialized, replaced and re-serialized,
 * like `wp search-replace`). Stopped by PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { env, WP_URL } from './helpers';

export interface SiteCopy {
  url: string;
  dir: string;
  /** PHP inside the copy (as user 1). */
  eval(php: string): string;
  json<T = unknown>(php: string): T;
  /** A REST call to the copy with a test user's application password (the users were copied too). */
  api(method: string, route: string, auth: { login: string; appPassword: string }, body?: unknown): Promise<{ status: number; body: unknown }>;
  runCron(): Promise<void>;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Replace `from` by `to` everywhere in the current database (serialized values kept valid). */
const SEARCH_REPLACE_PHP = (from: string, to: string) => `
  global $wpdb; $from = ${JSON.stringify(from)}; $to = ${JSON.stringify(to)};
  $walk = function ($v) use (&$walk, $from, $to) {
    if (is_string($v)) { $u = @unserialize($v); if ($u !== false || $v === 'b:0;') return serialize($walk($u)); return str_replace($from, $to, $v); }
    if (is_array($v)) { $o = array(); foreach ($v as $k => $x) $o[$walk($k)] = $walk($x); return $o; }
    if (is_object($v) && !($v instanceof __PHP_Incomplete_Class)) { foreach (get_object_vars($v) as $k => $x) $v->$k = $walk($x); return $v; }
    return $v;
  };
  $n = 0;
  foreach ($wpdb->get_col('SHOW TABLES') as $t) {
    $cols = $wpdb->get_results("SHOW COLUMNS FROM \`$t\`", ARRAY_A);
    $pk = array_values(array_map(fn($c) => $c['Field'], array_filter($cols, fn($c) => $c['Key'] === 'PRI')));
    if (!$pk) continue;
    $text = array_map(fn($c) => $c['Field'], array_filter($cols, fn($c) => preg_match('/char|text/i', $c['Type'])));
    foreach ($text as $col) {
      $rows = $wpdb->get_results($wpdb->prepare("SELECT * FROM \`$t\` WHERE \`$col\` LIKE %s", '%' . $wpdb->esc_like($from) . '%'), ARRAY_A);
      foreach ($rows as $row) {
        $new = $walk($row[$col]);
        if ($new === $row[$col]) continue;
        $where = array(); foreach ($pk as $k) $where[$k] = $row[$k];
        $wpdb->update($t, array($col => $new), $where); $n++;
      }
    }
  }
  wp_cache_flush();
  echo $n;`;

/** Copy the test site to a new port; `tag` names the copy's folder and database. */
export async function copySite(tag: string): Promise<SiteCopy> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = `${env.WP_DIR}-${tag}`;
  const db = `wp_${tag.replace(/[^a-z0-9]/gi, '_')}`;
  const sock = join(env.WP_DIR, 'db', 'mysqld.sock');
  rmSync(dir, { recursive: true, force: true });
  // Files: the site (plugin and must-use plugins stay symlinks to the same code) and the helpers.
  cpSync(join(env.WP_DIR, 'site'), join(dir, 'site'), { recursive: true, verbatimSymlinks: true });
  cpSync(join(env.WP_DIR, 'bin'), join(dir, 'bin'), { recursive: true });
  // Database: dump and load into a new database on the same server.
  const dump = execFileSync('mariadb-dump', [`--socket=${sock}`, '-uroot', '--single-transaction', 'wp'], { maxBuffer: 1 << 28 });
  execFileSync('mariadb', [`--socket=${sock}`, '-uroot', '-e', `DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; GRANT ALL ON ${db}.* TO 'wp'@'127.0.0.1';`]);
  execFileSync('mariadb', [`--socket=${sock}`, '-uroot', db], { input: dump, maxBuffer: 1 << 28 });
  // wp-config: the new database and URL (hosts rewrite WP_HOME/WP_SITEURL too).
  const cfgPath = join(dir, 'site', 'wp-config.php');
  const cfg = readFileSync(cfgPath, 'utf8').replace("define('DB_NAME', 'wp');", `define('DB_NAME', '${db}');`).split(WP_URL).join(url);
  writeFileSync(cfgPath, cfg);
  const php = (code: string) =>
    execFileSync('php', ['-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL & ~E_DEPRECATED', join(dir, 'bin', 'wp-eval.php'), join(dir, 'site'), url, code], {
      env: { ...process.env, WP_DIR: dir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  // The search-replace every staging/migration tool runs (old URL → new URL, then the bare host:port).
  php(SEARCH_REPLACE_PHP(WP_URL, url));
  php(SEARCH_REPLACE_PHP(new URL(WP_URL).host, new URL(url).host));

  const server: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', join(dir, 'site'), join(dir, 'bin', 'router.php')], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '2' },
  });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/wp-login.php`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const copy: SiteCopy = {
    url,
    dir,
    eval: php,
    json: <T>(code: string) => JSON.parse(php(code).trim().split('\n').pop() ?? 'null') as T,
    async api(method, route, auth, body) {
      const u = new URL(`${url}/`);
      const [path, query] = route.split('?');
      u.searchParams.set('rest_route', path.startsWith('/shopbooks/') ? path : `/shopbooks/v1${path}`);
      for (const [k, v] of new URLSearchParams(query ?? '')) u.searchParams.set(k, v);
      const res = await fetch(u, {
        method,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: 'Basic ' + Buffer.from(`${auth.login}:${auth.appPassword}`).toString('base64') },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed };
    },
    async runCron() {
      php("delete_transient('doing_cron');");
      const res = await fetch(`${url}/wp-cron.php`);
      await res.text();
    },
    stop() {
      if (server.pid) {
        try {
          process.kill(-server.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      try {
        execFileSync('mariadb', [`--socket=${sock}`, '-uroot', '-e', `DROP DATABASE IF EXISTS ${db};`]);
      } catch {
        /* server already stopped */
      }
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
  return copy;
}
