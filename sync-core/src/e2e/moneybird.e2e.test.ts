/**
 * WooCommerce sandbox -> engine -> Moneybird simulator, end to end: every order and refund
 * becomes exactly one document of the configured kind, to the cent, also across injected
 * timeouts-after-commit, SIGKILLs at random points and two runs at once with token rotation.
 */
import { rmSync } from 'node:fs';
import { startSandbox, type Sandbox } from '../sandbox';
import { MemoryStore } from '../store/memory-store';
import { FileStore } from '../store/file-store';
import { join } from 'node:path';
import { expectExactlyOnceToTheCent, fileConfig, killAtRandomPoints, reconcile, shopOrders, spawnCli, syncOnce, syncUntilSettled, twoSyncsAtOnce } from './harness';

jest.setTimeout(180_000);


describe.each(['salesInvoice', 'externalSalesInvoice'])('Moneybird, document kind %s', (documentKind) => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ target: 'moneybird', platform: 'woocommerce', orders: 24, seed: 11, documentKind, fastLimits: true });
  });
  afterAll(() => sb.close());

  it('books every order and refund exactly once, to the cent, deduplicating customers and items, without a 429', async () => {
    const store = new MemoryStore();
    const s = await syncOnce(sb, store);
    expect(s.booked.order).toBeGreaterThan(12);
    expect(s.booked.refund).toBeGreaterThan(0);
    expectExactlyOnceToTheCent(await reconcile(sb, store));
    expect(sb.booksStats().tooManyRequests).toBe(0);
    // contacts deduplicated by customer id / normalised e-mail
    const emails = sb.moneybird!.state.contacts.map((c) => String(c.email).toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
    const shopEmails = new Set((await shopOrders(sb)).map((o) => o.customer.email.trim().toLowerCase()));
    expect(emails.length).toBeLessThanOrEqual(shopEmails.size);
    if (documentKind === 'salesInvoice') {
      // sent with delivery method Manual: numbered, never e-mailed; paid orders are paid
      for (const inv of sb.moneybird!.state.salesInvoices) expect(inv.invoice_id).toMatch(/^\d{4}-\d{4}$/);
    }
    // a second run books nothing new and writes nothing
    const writes = sb.booksStats().writes;
    const again = await syncOnce(sb, store);
    expect(again.booked).toEqual({ order: 0, refund: 0, cancellation: 0 });
    expect(sb.booksStats().writes).toBe(writes);
  });
});

describe('Moneybird under faults', () => {
  it('timeouts after commit and 500s still give exactly one document each', async () => {
    const sb = await startSandbox({ target: 'moneybird', platform: 'woocommerce', orders: 24, seed: 12, fastLimits: true });
    try {
      sb.moneybird!.faults.delayMs = 200;
      sb.moneybird!.faults.inject('timeoutAfterCommit', { count: 3, path: 'sales_invoices', method: 'POST' });
      sb.moneybird!.faults.inject('500', { count: 2, path: 'sales_invoices', method: 'POST' });
      const store = new MemoryStore();
      const first = await syncOnce(sb, store, { rules: { startDate: '2000-01-01', retryBaseSeconds: 1 } });
      expect(first.failed + first.recovered).toBeGreaterThan(0);
      await syncUntilSettled(sb, store, ['CurrencyMismatch']);
      expectExactlyOnceToTheCent(await reconcile(sb, store));
    } finally {
      await sb.close();
    }
  });

  it('a sync process killed with SIGKILL at random points, restarted each time, books everything exactly once', async () => {
    const sb = await startSandbox({ target: 'moneybird', platform: 'woocommerce', orders: 30, seed: 13, fastLimits: true });
    const { path, dir } = fileConfig(sb);
    try {
      // slow writes so that kills land between "write committed" and "ledger recorded"
      sb.moneybird!.faults.delayMs = 400;
      sb.moneybird!.faults.inject('timeoutAfterCommit', { count: 1000, path: 'invoices', method: 'POST' });
      const kills = await killAtRandomPoints({ path, dir }, 6);
      expect(kills).toBeGreaterThanOrEqual(3);
      sb.moneybird!.faults.clear();
      const last = await spawnCli(['--config', path, 'sync', '--json'], dir).done;
      expect(last.code).toBe(0);
      const store = new FileStore(join(dir, 'state'));
      expectExactlyOnceToTheCent(await reconcile(sb, store));
      expect(sb.booksStats().tooManyRequests).toBe(0);
    } finally {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two sync processes at once share rotating OAuth tokens and never lose the connection', async () => {
    const sb = await startSandbox({ target: 'moneybird', platform: 'woocommerce', orders: 30, seed: 14, fastLimits: true, moneybirdSim: { tokenExpiresInSec: 2 } });
    const redirectUri = 'http://127.0.0.1/callback';
    const code = new URL(sb.moneybird!.authorize({ clientId: '5a4db0c5-0000-4000-8000-000000000001', redirectUri, state: 's', scope: 'sales_invoices settings' })).searchParams.get('code')!;
    const tok = (await fetch(`${sb.moneybird!.url}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret' }) }).then((r) => r.json())) as { refresh_token: string };
    const mb = { ...(sb.config.moneybird as Record<string, unknown>), auth: { kind: 'oauth', clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri, refreshToken: tok.refresh_token } };
    const { path, dir } = fileConfig(sb, { moneybird: mb });
    try {
      await twoSyncsAtOnce({ path, dir });
      const tokenCalls = Object.entries(sb.moneybird!.stats.byPath).filter(([p]) => p.includes('oauth/token')).reduce((n, [, c]) => n + c, 0);
      expect(tokenCalls).toBeGreaterThanOrEqual(2);
      const c = await spawnCli(['--config', path, 'sync', '--json'], dir).done;
      expect(c.code).toBe(0);
      const store = new FileStore(join(dir, 'state'));
      expectExactlyOnceToTheCent(await reconcile(sb, store));
      expect(sb.booksStats().tooManyRequests).toBe(0);
    } finally {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
