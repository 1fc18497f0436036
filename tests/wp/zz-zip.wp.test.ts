/**
 * The release zip installs and activates on a clean WordPress: bin/plugin-zip.sh builds it, a
 * second, empty site (own DB, own port) unpacks it into wp-content/plugins like "Upload Plugin"
 * does, activates it, and the plugin answers with its bundled sync core and settings page in place.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './helpers';

const CLEAN = process.env.CLEAN_DIR ?? join(REPO, '.wp-local', 'test-clean');
const ZIP = join(REPO, 'test-output', 'wp', 'shopbooks-test.zip');

function freePort(): string {
  return execFileSync('node', ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: 'utf8' }).trim();
}

const ports = { WP_PORT: freePort(), WP_DB_PORT: freePort() };
const wpLocal = (args: string[], extra: Record<string, string> = {}) =>
  execFileSync('bash', [join(REPO, 'bin', 'wp-local.sh'), ...args], { env: { ...process.env, WP_DIR: CLEAN, WP_MU_PLUGINS: '', ...ports, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const env: Record<string, string> = {};

beforeAll(() => {
  execFileSync('bash', [join(REPO, 'bin', 'plugin-zip.sh')], { env: { ...process.env, OUT: ZIP }, stdio: 'pipe' });
  try {
    wpLocal(['down']);
  } catch {
    /* not running */
  }
  rmSync(CLEAN, { recursive: true, force: true });
  wpLocal(['up'], { PLUGIN_DIR: 'none', PLUGIN_ZIP: ZIP });
  for (const line of readFileSync(join(CLEAN, 'env'), 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
}, 240_000);

afterAll(() => {
  wpLocal(['down']);
});

test('the zip holds one plugin folder with the PHP, the settings page and the sync core', () => {
  const list = execFileSync('unzip', ['-Z1', ZIP], { encoding: 'utf8' }).split('\n').filter(Boolean);
  expect(list.every((f) => f.startsWith('shopbooks/'))).toBe(true);
  for (const f of ['shopbooks/shopbooks.php', 'shopbooks/uninstall.php', 'shopbooks/readme.txt', 'shopbooks/build/index.js', 'shopbooks/build/index.asset.php', 'shopbooks/sync-core/shopbooks.js', 'shopbooks/includes/class-plugin.php']) {
    expect(list).toContain(f);
  }
  expect(list.some((f) => /node_modules|\.test\.|tests\//.test(f))).toBe(false);
});

test('it is installed as a real folder (not a link) and active on the clean site', () => {
  const out = wpLocal(['eval', "echo is_link(WP_PLUGIN_DIR . '/shopbooks') ? 'link' : 'dir', ' ', is_plugin_active('shopbooks/shopbooks.php') ? 'active' : 'inactive';"]).trim();
  expect(out).toBe('dir active');
});

test('the installed plugin answers, finds Node and its bundled sync core, and shows its page', async () => {
  const auth = 'Basic ' + Buffer.from(`${env.WP_USER}:${env.WP_APP_PASSWORD}`).toString('base64');
  const res = await fetch(`${env.WP_URL}/?rest_route=/shopbooks/v1/status`, { headers: { Authorization: auth } });
  expect(res.status).toBe(200);
  const s = (await res.json()) as { node: { found: boolean }; syncCore: { present: boolean; path: string }; cron: { scheduled: boolean } };
  expect(s.node.found).toBe(true);
  expect(s.syncCore.present).toBe(true);
  expect(s.syncCore.path).toContain('/wp-content/plugins/shopbooks/sync-core/shopbooks.js');
  expect(s.cron.scheduled).toBe(true);
  expect((await fetch(`${env.WP_URL}/?rest_route=/shopbooks/v1/status`)).status).toBe(401);

  const jar = new Map<string, string>();
  const login = await fetch(`${env.WP_URL}/wp-login.php`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    body: new URLSearchParams({ log: env.WP_USER, pwd: env.WP_PASSWORD, testcookie: '1', redirect_to: '/wp-admin/' }).toString(),
    redirect: 'manual',
  });
  for (const c of login.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    if (!/1970/.test(c)) jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
  const page = await fetch(`${env.WP_SETTINGS_URL}`, { headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
  const html = await page.text();
  expect(html).toContain('<div id="shopbooks-settings-root"></div>');
  expect(html).toMatch(/plugins\/shopbooks\/build\/index\.js\?ver=/);
});

test('the bundled sync core runs from the installed plugin without node_modules', () => {
  const site = join(CLEAN, 'site', 'wp-content', 'plugins', 'shopbooks');
  const help = execFileSync('node', [join(site, 'sync-core', 'shopbooks.js'), '--help'], { cwd: site, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  expect(help).toContain('sync');
});
