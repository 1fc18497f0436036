/**
 * Helpers for the browser tests: the WordPress started by tests/browser/run.sh (bin/wp-local.sh),
 * Debian's Chromium through playwright-core, and REST calls with the application password.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..');
export const SHOTS = path.join(REPO, 'test-output', 'screenshots');

export interface WpEnv {
  url: string;
  user: string;
  password: string;
  appPassword: string;
  settingsUrl: string;
}

/** `.wp-local/env`-style file written by `bin/wp-local.sh up` (KEY=value lines; values may hold spaces). */
export function readWpEnv(
  file = process.env.WP_ENV_FILE ?? path.join(process.env.WP_DIR ?? path.join(REPO, '.wp-local'), 'env'),
): WpEnv {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) vars[line.slice(0, i)] = line.slice(i + 1);
  }
  for (const k of ['WP_URL', 'WP_USER', 'WP_PASSWORD', 'WP_APP_PASSWORD']) {
    if (!vars[k]) throw new Error(`${file} has no ${k}`);
  }
  return {
    url: vars.WP_URL,
    user: vars.WP_USER,
    password: vars.WP_PASSWORD,
    appPassword: vars.WP_APP_PASSWORD,
    settingsUrl: vars.WP_SETTINGS_URL || `${vars.WP_URL}/wp-admin/options-general.php?page=shopbooks`,
  };
}

/** Run PHP inside the test site as user 1 (`bin/wp-local.sh eval`, with run.sh's WP_DIR/WP_PORT). */
export function wpEval(code: string): string {
  const r = spawnSync('bash', [path.join(REPO, 'bin', 'wp-local.sh'), 'eval', code], {
    cwd: REPO,
    env: process.env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`wp-local.sh eval failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export interface RestResult<T = unknown> {
  status: number;
  body: T;
}

/** A `shopbooks/v1` (or any) REST call with the admin's application password: what the server really holds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- REST answers are checked by assertions, not types
export async function rest<T = any>(
  env: WpEnv,
  method: string,
  route: string,
  body?: unknown,
): Promise<RestResult<T>> {
  const res = await fetch(`${env.url}/wp-json${route}`, {
    method,
    headers: {
      Authorization: 'Basic ' + Buffer.from(`${env.user}:${env.appPassword}`).toString('base64'),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T };
}

export async function launchChromium(): Promise<Browser> {
  const args = [
    '--headless',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

/** Collects what would make a page "broken": uncaught errors, console errors, failed REST calls. */
export class PageProblems {
  readonly errors: string[] = [];
  constructor(page: Page) {
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      // Offline machine: anything that tries the internet fails to resolve; not the page's fault.
      if (/ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED/.test(text)) return;
      this.errors.push(`console: ${text}`);
    });
  }
  /** Take the problems seen so far (and forget them). */
  take(): string[] {
    return this.errors.splice(0, this.errors.length);
  }
}

export async function login(page: Page, env: WpEnv): Promise<void> {
  await page.goto(`${env.url}/wp-login.php`);
  await page.fill('#user_login', env.user);
  await page.fill('#user_pass', env.password);
  await Promise.all([page.waitForURL('**/wp-admin/**'), page.click('#wp-submit')]);
  await page.waitForSelector('#wpadminbar');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${process.env.SHOPBOOKS_SCREENSHOT_PREFIX ?? ''}${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Open the settings page (optionally on a tab) with a real page load, and wait until the React app has
 * rendered it. A cache-busting query makes every call a full navigation, never a same-document hash change,
 * so "reload and see it kept" really reloads.
 */
export async function openSettings(page: Page, env: WpEnv, tab = ''): Promise<void> {
  await page
    .evaluate(() => ((window as unknown as { __sbStale?: boolean }).__sbStale = true))
    .catch(() => {});
  await page.goto(`${env.settingsUrl}&sbt=${Date.now()}${tab ? `#${tab}` : ''}`);
  const stale = await page.evaluate(() => Boolean((window as unknown as { __sbStale?: boolean }).__sbStale));
  if (stale) throw new Error('openSettings did not load the page again');
  await page.waitForSelector('.shopbooks-tabs .components-tab-panel__tabs');
  await page.waitForSelector('.shopbooks-tab-content');
  if (tab) await page.waitForSelector(`.shopbooks-tabs .shopbooks-tab-${tab}.is-active`);
}

export async function openTab(page: Page, name: string): Promise<void> {
  await page.click(`.shopbooks-tabs .shopbooks-tab-${name}`);
  await page.waitForSelector(`.shopbooks-tabs .shopbooks-tab-${name}.is-active`);
}
