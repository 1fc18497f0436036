/**
 * Transport-level tests of the WordPress store adapter against a scripted HTTP server: auth,
 * routing, retries (only where repeating is safe), error mapping and lock polling. The full Store
 * contract runs against the real plugin on a real WordPress in tests/wp/wordpress-store.wp.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ShopbooksError } from '../model/errors';
import { WordPressStore } from './wordpress-store';

interface Seen {
  method: string;
  route: string | null;
  query: URLSearchParams;
  auth: string | undefined;
  body: unknown;
}

type Reply = { status: number; body: unknown };

const entry = (over: Record<string, unknown> = {}) => ({
  key: 'shop:order:1',
  kind: 'order',
  shopId: 'shop',
  orderId: '1',
  orderNumber: '1001',
  refundId: null,
  reference: '1001',
  status: 'claimed',
  claimedBy: 'run-a',
  claimExpiresAt: '2030-01-01T00:00:00.000Z',
  writeStartedAt: null,
  documentId: null,
  documentType: null,
  documentNumber: null,
  documentUrl: null,
  customerId: null,
  gross: null,
  vat: null,
  contentHash: null,
  attempts: 0,
  lastError: null,
  nextRetryAt: null,
  skipReason: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('WordPressStore (HTTP adapter)', () => {
  let server: Server;
  let url: string;
  let seen: Seen[];
  let script: Array<(s: Seen) => Reply>;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const s: Seen = { method: req.method ?? '', route: u.searchParams.get('rest_route'), query: u.searchParams, auth: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined };
        seen.push(s);
        const next = script.shift();
        const reply = next ? next(s) : { status: 500, body: { code: 'unscripted', message: 'no reply scripted' } };
        res.writeHead(reply.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen = [];
    script = [];
  });

  const store = () => new WordPressStore({ url, username: 'shopbooks-sync', applicationPassword: 'abcd EFGH ijkl MNOP qrst UVWX', sleep: async () => undefined, lockPollMs: 1 });

  it('sends Basic auth with the application password, the rest_route and a JSON body; parses the claim', async () => {
    script.push(() => ({ status: 200, body: { ok: true, entry: entry() } }));
    const init = { key: 'shop:order:1', kind: 'order' as const, shopId: 'shop', orderId: '1', orderNumber: '1001', refundId: null, reference: '1001', contentHash: null };
    const r = await store().claim('shop:order:1', init, 'run-a', 60_000);
    expect(r).toMatchObject({ ok: true, entry: { key: 'shop:order:1', status: 'claimed' } });
    expect(seen[0].method).toBe('POST');
    expect(seen[0].route).toBe('/shopbooks/v1/store/claim');
    expect(seen[0].auth).toBe('Basic ' + Buffer.from('shopbooks-sync:abcd EFGH ijkl MNOP qrst UVWX').toString('base64'));
    expect(seen[0].body).toEqual({ key: 'shop:order:1', init, runId: 'run-a', leaseMs: 60000 });
  });

  it('passes query filters and returns null for a missing entry / cursor / token', async () => {
    script.push(() => ({ status: 200, body: { entries: [entry({ status: 'failed', lastError: { code: 'UnknownVatRate', message: 'x' } })] } }));
    script.push(() => ({ status: 200, body: { entry: null } }));
    script.push(() => ({ status: 200, body: { value: null } }));
    script.push(() => ({ status: 200, body: { token: null } }));
    const s = store();
    const list = await s.listEntries({ status: 'failed', dueBefore: '2026-02-01T00:00:00.000Z' });
    expect(list).toHaveLength(1);
    expect(seen[0].query.get('status')).toBe('failed');
    expect(seen[0].query.get('dueBefore')).toBe('2026-02-01T00:00:00.000Z');
    expect(seen[0].query.has('shopId')).toBe(false);
    expect(await s.getEntry('nope')).toBeNull();
    expect(await s.getCursor('orders')).toBeNull();
    expect(await s.getToken('exact:x:1')).toBeNull();
  });

  it('maps 401/403 to AuthFailed without repeating and without the password in the message', async () => {
    script.push(() => ({ status: 401, body: { code: 'incorrect_password', message: 'The provided password is an invalid application password.' } }));
    const err = await store().getCursor('orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShopbooksError);
    expect(err).toMatchObject({ code: 'AuthFailed', retryable: false });
    expect(String((err as Error).message)).not.toContain('qrst');
    expect(JSON.stringify((err as ShopbooksError).toJSON())).not.toContain('qrst');
    expect(seen).toHaveLength(1);
  });

  it('repeats reads on 5xx and then succeeds', async () => {
    script.push(() => ({ status: 503, body: { code: 'busy', message: 'busy' } }));
    script.push(() => ({ status: 502, body: {} }));
    script.push(() => ({ status: 200, body: { value: '2026-01-01T00:00:00Z' } }));
    expect(await store().getCursor('orders')).toBe('2026-01-01T00:00:00Z');
    expect(seen).toHaveLength(3);
  });

  it('never repeats a token compare-and-swap or startRun (their outcome would be ambiguous)', async () => {
    script.push(() => ({ status: 503, body: {} }));
    const err = await store().compareAndSwapToken('exact:x:1', 3, { accessToken: 'a' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RemoteUnavailable', retryable: true });
    expect(seen).toHaveLength(1);
    expect(seen[0].body).toEqual({ name: 'exact:x:1', expectedVersion: 3, value: { accessToken: 'a' } });

    script.push(() => ({ status: 500, body: {} }));
    await expect(store().startRun('sync')).rejects.toMatchObject({ code: 'RemoteUnavailable' });
    expect(seen).toHaveLength(2);
  });

  it('reports a lost CAS as false, a won one as true', async () => {
    script.push(() => ({ status: 200, body: { swapped: false, version: null } }));
    script.push(() => ({ status: 200, body: { swapped: true, version: 1 } }));
    const s = store();
    expect(await s.compareAndSwapToken('t', 4, { a: 1 })).toBe(false);
    expect(await s.compareAndSwapToken('t', null, { a: 1 })).toBe(true);
  });

  it('rejects answers of the wrong shape as RemoteBadResponse', async () => {
    script.push(() => ({ status: 200, body: { entry: { key: 'x' } } }));
    await expect(store().getEntry('x')).rejects.toMatchObject({ code: 'RemoteBadResponse', retryable: false });
  });

  it('says the plugin is not active when the route does not exist', async () => {
    script.push(() => ({ status: 404, body: { code: 'rest_no_route', message: 'No route was found matching the URL and request method.' } }));
    await expect(store().getCursor('x')).rejects.toMatchObject({ code: 'RemoteNotFound' });
  });

  it('update of a missing entry fails like the other stores', async () => {
    script.push(() => ({ status: 404, body: { code: 'shopbooks_entry_not_found', message: 'There is no such entry in the log.', data: { status: 404 } } }));
    await expect(store().update('missing', { status: 'booked' })).rejects.toThrow(/No ledger entry missing/);
  });

  it('withLock polls until the lock is free, runs fn once and always unlocks with the same owner', async () => {
    script.push(() => ({ status: 200, body: { acquired: false, expiresAt: '2030-01-01T00:00:00.000Z' } }));
    script.push(() => ({ status: 200, body: { acquired: true, expiresAt: '2030-01-01T00:00:00.000Z' } }));
    script.push(() => ({ status: 200, body: { released: true } }));
    let runs = 0;
    await expect(
      store().withLock('exact-token:x:1', async () => {
        runs++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(runs).toBe(1);
    expect(seen.map((s) => s.route)).toEqual(['/shopbooks/v1/store/lock', '/shopbooks/v1/store/lock', '/shopbooks/v1/store/unlock']);
    const owner = (seen[0].body as { owner: string }).owner;
    expect((seen[1].body as { owner: string }).owner).toBe(owner);
    expect(seen[2].body).toEqual({ name: 'exact-token:x:1', owner });
  });

  it('withLock gives up with a retryable Timeout when the lock stays taken', async () => {
    for (let i = 0; i < 50; i++) script.push(() => ({ status: 200, body: { acquired: false, expiresAt: '2030-01-01T00:00:00.000Z' } }));
    const s = new WordPressStore({ url, username: 'u', applicationPassword: 'p', lockPollMs: 5 });
    await expect(s.withLock('busy', async () => 1, { timeoutMs: 30 })).rejects.toMatchObject({ code: 'Timeout', retryable: true });
  });

  it('maps a refused connection to a retryable RemoteUnavailable', async () => {
    const s = new WordPressStore({ url: 'http://127.0.0.1:1/', username: 'u', applicationPassword: 'p', sleep: async () => undefined });
    await expect(s.getCursor('x')).rejects.toMatchObject({ code: 'RemoteUnavailable', retryable: true });
  });

  it('a fenced update sends its holder; 409 shopbooks_claim_lost becomes a retryable ClaimLost', async () => {
    script.push(() => ({ status: 409, body: { code: 'shopbooks_claim_lost', message: 'taken over', data: { status: 409 } } }));
    script.push(() => ({ status: 200, body: { entry: entry({ claimedBy: 'run-b' }) } }));
    await expect(store().update('shop:order:1', { status: 'booked', documentId: 'd1', claimedBy: null }, { holder: 'run-a' })).rejects.toMatchObject({ code: 'ClaimLost', retryable: true });
    expect(seen[0].body).toEqual({ key: 'shop:order:1', patch: { status: 'booked', documentId: 'd1', claimedBy: null }, holder: 'run-a' });
    expect(seen[1].route).toBe('/shopbooks/v1/store/entry');
  });

  it('a repeated fenced update whose first attempt was applied (response lost) succeeds', async () => {
    const patch = { status: 'booked' as const, documentId: 'd1', claimedBy: null, claimExpiresAt: null };
    script.push(() => ({ status: 503, body: {} }));
    script.push(() => ({ status: 409, body: { code: 'shopbooks_claim_lost', message: 'released', data: { status: 409 } } }));
    script.push(() => ({ status: 200, body: { entry: entry(patch) } }));
    expect(await store().update('shop:order:1', patch, { holder: 'run-a' })).toMatchObject(patch);
    expect(seen.map((x) => x.route)).toEqual(['/shopbooks/v1/store/update', '/shopbooks/v1/store/update', '/shopbooks/v1/store/entry']);
  });

  it('an unfenced update sends no holder', async () => {
    script.push(() => ({ status: 200, body: { entry: entry({ attempts: 2 }) } }));
    await store().update('shop:order:1', { attempts: 2 });
    expect(seen[0].body).toEqual({ key: 'shop:order:1', patch: { attempts: 2 } });
  });

  it('renewClaim posts the heartbeat and reports whether the claim was still held', async () => {
    script.push(() => ({ status: 200, body: { renewed: true } }));
    script.push(() => ({ status: 200, body: { renewed: false } }));
    const s = store();
    expect(await s.renewClaim('shop:order:1', 'run-a', 600_000)).toBe(true);
    expect(await s.renewClaim('shop:order:1', 'run-a', 600_000)).toBe(false);
    expect(seen[0].route).toBe('/shopbooks/v1/store/claim/renew');
    expect(seen[0].body).toEqual({ key: 'shop:order:1', runId: 'run-a', leaseMs: 600000 });
  });

  it('withLock renews its lock (same owner) while fn runs longer than a third of the lease', async () => {
    for (let i = 0; i < 50; i++) script.push((x) => (x.route === '/shopbooks/v1/store/unlock' ? { status: 200, body: { released: true } } : { status: 200, body: { acquired: true, expiresAt: '2030-01-01T00:00:00.000Z' } }));
    const s = new WordPressStore({ url, username: 'u', applicationPassword: 'p', lockLeaseMs: 60 });
    await s.withLock('run:long', () => new Promise((r) => setTimeout(r, 200)));
    const locks = seen.filter((x) => x.route === '/shopbooks/v1/store/lock');
    expect(locks.length).toBeGreaterThanOrEqual(4);
    const owner = (locks[0].body as { owner: string }).owner;
    expect(locks.every((x) => (x.body as { owner: string }).owner === owner)).toBe(true);
    const n = seen.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.length).toBe(n); // no heartbeat after the unlock
    expect(seen[n - 1].route).toBe('/shopbooks/v1/store/unlock');
  });
});
