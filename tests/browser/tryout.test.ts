/**
 * The README's try-out, walked literally in Chromium on a fresh WordPress: `bash bin/wp-try.sh wire`
 * (the part of `bin/wp-try.sh` that starts the sandbox and points the plugin at it), then the credentials
 * and mapping values exactly as README.md prints them: connect Exact Online, map, preview, Sync now, and
 * the booked documents in the Log. Desktop and 390 px screenshots in test-output/screenshots/.
 *
 * Run: bash tests/browser/run.sh   (each test file gets a fresh site)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, login, openSettings, openTab, PageProblems, readWpEnv, REPO, rest, screenshot, wpEval, type WpEnv } from './lib';

const STEP_TIMEOUT = 90_000;
let env: WpEnv;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let sandboxPidFile = '';

/** The try-out section of README.md, as a reader sees it. */
function readmeTryOut(): string {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## Try the WordPress plugin locally');
  assert.ok(start >= 0, 'README has the try-out section');
  const end = readme.indexOf('\n## ', start + 5);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** A value README prints in backticks after a label, e.g. `client ID `…``. */
function readmeValue(section: string, label: RegExp): string {
  const m = new RegExp(`${label.source}\\s*\`([^\`]+)\``, 'i').exec(section);
  assert.ok(m, `README's try-out names ${label}`);
  return m[1];
}

/** Four consecutive free loopback ports (the sandbox takes base+1..base+3). */
async function freePortBase(): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const ok = await Promise.all(
      [1, 2, 3].map(
        (d) =>
          new Promise<boolean>((resolve) => {
            const s = createServer();
            s.once('error', () => resolve(false));
            s.listen(base + d, '127.0.0.1', () => s.close(() => resolve(true)));
          }),
      ),
    );
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no free ports');
}

describe('The README try-out, literally (wp-admin, headless Chromium)', { timeout: 400_000 }, () => {
  before(async () => {
    env = readWpEnv();
    const base = await freePortBase();
    const r = spawnSync('bash', [path.join(REPO, 'bin', 'wp-try.sh'), 'wire'], {
      cwd: REPO,
      env: { ...process.env, SANDBOX_PORT_BASE: String(base) },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `wp-try.sh wire: ${r.stdout}\n${r.stderr}`);
    sandboxPidFile = path.join(process.env.WP_DIR ?? '', 'sandbox.pid');
    assert.match(r.stdout, /Booking start date set to 20\d\d-\d\d-\d\d/);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    problems = new PageProblems(page);
    await login(page, env);
  });

  after(async () => {
    await browser?.close();
    try {
      const pid = Number(readFileSync(sandboxPidFile, 'utf8').trim());
      if (pid > 0) process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  });

  test('wp-try points the plugin at the simulated shop as a real source, dated from its first order', () => {
    const ov = JSON.parse(wpEval('echo wp_json_encode(Shopbooks\\Endpoints::overrides());'));
    assert.equal(ov.source.platform, 'woocommerce', 'the source names its platform (the sync core reads `platform`)');
    assert.equal(ov.source.kind, undefined);
    const settings = JSON.parse(wpEval('echo wp_json_encode(Shopbooks\\Settings::get());'));
    assert.ok(settings.rules.startDate < new Date().toISOString().slice(0, 10), settings.rules.startDate);
  });

  test('connect Exact Online with the documented credentials, map as documented, preview, Sync now, see the documents in the Log', { timeout: STEP_TIMEOUT * 3 }, async () => {
    const doc = readmeTryOut();
    const clientId = readmeValue(doc, /client ID/);
    const secret = readmeValue(doc, /client secret/);
    // 0. First open: the checklist, and "Sync now" waits with the reason.
    await openSettings(page, env);
    await page.waitForSelector('.shopbooks-setup');
    assert.equal(await page.locator('.shopbooks-setup-step').count(), 6);
    await screenshot(page, 'tryout-00-checklist-desktop');
    await openSettings(page, env, 'log');
    assert.equal(await page.isDisabled('.shopbooks-sync-now'), true, 'Sync now is disabled before setup');
    assert.match((await page.textContent('.shopbooks-sync-blocked')) ?? '', /Connect your books first/);
    await page.setViewportSize({ width: 390, height: 844 });
    await openSettings(page, env);
    await page.waitForSelector('.shopbooks-setup');
    await screenshot(page, 'tryout-00-checklist-390');
    // The same in Dutch, for a user with the nl_NL locale.
    wpEval("update_user_meta(1, 'locale', 'nl_NL'); echo 'ok';");
    try {
      await openSettings(page, env, 'log');
      assert.equal(await page.textContent('.shopbooks-setup .shopbooks-card-title'), 'Aan de slag');
      assert.match((await page.textContent('.shopbooks-sync-blocked')) ?? '', /Koppel eerst je boekhouding/);
      await screenshot(page, 'tryout-00-checklist-390-nl');
    } finally {
      wpEval("delete_user_meta(1, 'locale'); echo 'ok';");
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // 1. Connection.
    await openSettings(page, env);
    await page.selectOption('.shopbooks-exact-country select', 'NL');
    await page.fill('.shopbooks-exact-client-id-input input', clientId);
    await page.fill('.shopbooks-exact-client-secret-input input', secret);
    await page.click('.shopbooks-exact-connect');
    await page.waitForURL(/shopbooks_oauth=exact-ok/, { timeout: 30_000 });
    await page.waitForSelector('.shopbooks-division-picker select');
    const division = await page.$$eval('.shopbooks-division-picker option', (els) =>
      els.map((e) => (e as HTMLOptionElement).value).find((v) => v !== ''),
    );
    assert.ok(division, 'Exact offers an administration');
    await page.selectOption('.shopbooks-division-picker select', division);
    await page.click('.shopbooks-division-picker button');
    await page.waitForSelector('.shopbooks-exact .shopbooks-badge.is-connected');
    // The sync's own login on this site ("Access for the sync"), as README says.
    assert.match(doc, /Access for the sync/);
    await page.click('.shopbooks-sync-access-create');
    await page.waitForSelector('.shopbooks-sync-access .shopbooks-badge.is-connected');
    await screenshot(page, 'tryout-01-connected');

    // 2. Mapping: the journal and GL accounts README gives, and for every VAT rate the code README gives.
    await openSettings(page, env, 'mapping');
    await page.waitForSelector('.shopbooks-vat-row select');
    await page.fill('.shopbooks-journal input', readmeValue(doc, /journal/));
    for (const gl of ['revenue', 'shipping', 'fees', 'discount', 'rounding']) {
      await page.fill(`.shopbooks-gl-${gl} input`, readmeValue(doc, new RegExp(gl)));
    }
    const vatCodes = Object.fromEntries(
      [...doc.matchAll(/`((?:domestic|reverse_charge|export|exempt|oss):[A-Z:0-9.]+)`\s*→\s*`([^`]+)`/g)].map((m) => [m[1], m[2]]),
    );
    assert.ok(Object.keys(vatCodes).length >= 3, `README lists the VAT codes: ${JSON.stringify(vatCodes)}`);
    const keys = await page.$$eval('.shopbooks-vat-row', (els) => els.map((e) => e.getAttribute('data-vat-key') ?? ''));
    for (const key of Object.keys(vatCodes).filter((k) => !keys.includes(k))) {
      // A rate the page does not list yet: README says "Add a VAT rate".
      await page.fill('.shopbooks-new-vat-key input', key);
      await page.click('.shopbooks-add-vat-key');
      await page.waitForSelector(`.shopbooks-vat-row[data-vat-key="${key}"] select`);
    }
    for (const [key, code] of Object.entries(vatCodes)) {
      await page.selectOption(`.shopbooks-vat-row[data-vat-key="${key}"] select`, code);
    }
    await page.click('.shopbooks-save-mapping');
    await page.waitForSelector('.shopbooks-mapping .shopbooks-notice-success');
    await screenshot(page, 'tryout-02-mapped');

    // Setup complete: the checklist is gone and Sync now is enabled.
    await openSettings(page, env, 'mapping');
    assert.equal(await page.locator('.shopbooks-setup').count(), 0, 'the checklist is gone once set up');

    // 3. Preview: the sandbox's orders would be booked.
    await openTab(page, 'preview');
    await page.waitForSelector('.shopbooks-preview-first, .shopbooks-preview-empty, .shopbooks-preview-unavailable, .shopbooks-preview .shopbooks-error', { timeout: 60_000 });
    assert.equal(await page.locator('.shopbooks-preview-unavailable').count(), 0, (await page.textContent('.shopbooks-preview')) ?? '');
    assert.equal(await page.locator('.shopbooks-preview-empty').count(), 0, 'the preview finds orders to book');
    assert.equal(await page.locator('.shopbooks-preview .shopbooks-error').count(), 0, 'the preview works');
    await screenshot(page, 'tryout-03-preview');

    // 4. Sync now, then let WP-Cron run it (the test site has DISABLE_WP_CRON; a real site's visitors do this).
    await openTab(page, 'log');
    assert.equal(await page.isDisabled('.shopbooks-sync-now'), false, 'Sync now is enabled once set up');
    await page.click('.shopbooks-sync-now');
    await page.waitForSelector('.shopbooks-log .shopbooks-notice-success');
    const cron = spawnSync('bash', [path.join(REPO, 'bin', 'wp-local.sh'), 'cron'], { cwd: REPO, env: process.env, encoding: 'utf8' });
    assert.equal(cron.status, 0, cron.stderr);
    let booked = 0;
    for (let i = 0; i < 60 && booked === 0; i++) {
      const { body } = await rest(env, 'GET', '/shopbooks/v1/ledger?status=booked');
      booked = Number(body.total ?? (body.entries ?? body.items ?? []).length ?? 0);
      if (booked === 0) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(booked > 0, 'Sync now booked documents');

    // 5. The Log shows them, with the document number linked.
    await openSettings(page, env, 'log');
    await page.waitForSelector('.shopbooks-ledger-row.is-booked');
    assert.ok((await page.locator('.shopbooks-ledger-row.is-booked').count()) > 0);
    await screenshot(page, 'tryout-04-log-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await openSettings(page, env, 'log');
    await page.waitForSelector('.shopbooks-ledger-row.is-booked');
    await screenshot(page, 'tryout-05-log-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.deepEqual(problems.take(), [], 'errors in the page');
  });

  test('an order that keeps failing: the admin notice links to the log', { timeout: STEP_TIMEOUT }, async () => {
    const key = 'tryout.test:order:1';
    const init = { key, kind: 'order', shopId: 'tryout.test', orderId: '1', orderNumber: '9901', refundId: null, reference: 'WEB-9901' };
    // /store/* accepts only the sync user's own application password (created by "Access for the sync").
    const sync = { ...env, user: 'shopbooks-sync', appPassword: wpEval("echo Shopbooks\\Secrets::get('sync_app_password');").trim() };
    const claim = await rest(sync, 'POST', '/shopbooks/v1/store/claim', { key, init, runId: 'tryout-test', leaseMs: 60_000 });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    const upd = await rest(sync, 'POST', '/shopbooks/v1/store/update', {
      key,
      patch: { claimedBy: null, claimExpiresAt: null, status: 'failed', attempts: 3, lastError: { code: 'VatCodeNotMapped', message: 'The VAT rate oss:FR:20 has no VAT code.' } },
    });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    await page.goto(`${env.url}/wp-admin/index.php`);
    const link = page.locator('.shopbooks-notice[data-code="persistent_failures"] a.shopbooks-notice-link');
    assert.match((await link.getAttribute('href')) ?? '', /page=shopbooks#log$/);
    await screenshot(page, 'tryout-06-notice');
    await link.click();
    await page.waitForSelector('.shopbooks-tabs .shopbooks-tab-log.is-active');
    // On the Shopbooks page itself the notice still leads to the log (a hash change, no reload).
    await openSettings(page, env, 'mapping');
    await page.click('.shopbooks-notice[data-code="persistent_failures"] a.shopbooks-notice-link');
    await page.waitForSelector('.shopbooks-tabs .shopbooks-tab-log.is-active');
    await page.waitForSelector('.shopbooks-ledger-row.is-failed');
  });

  test('the plugins screen keeps a Settings link that opens the Shopbooks page', { timeout: STEP_TIMEOUT }, async () => {
    await page.goto(`${env.url}/wp-admin/plugins.php`);
    const link = page.locator('.row-actions a[href*="page=shopbooks"]', { hasText: 'Settings' });
    assert.equal(await link.count(), 1, 'a "Settings" action link to the Shopbooks page');
    const href = (await link.getAttribute('href')) ?? '';
    await page.goto(href);
    await page.waitForSelector('.shopbooks-tabs .components-tab-panel__tabs');
  });

  test('the documented Moneybird token is accepted as well', { timeout: STEP_TIMEOUT }, async () => {
    const token = readmeValue(readmeTryOut(), /API token/);
    const r = await rest(env, 'POST', '/shopbooks/v1/connections/moneybird', { token });
    assert.notEqual(r.body?.data?.params?.token, 'format', `the token's form is refused: ${JSON.stringify(r.body)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });
});
