/**
 * The Store port contract, run through WordPressStore against the real plugin on the real
 * WordPress (MariaDB): the same semantics as MemoryStore/FileStore, plus the cross-process
 * guarantees that only the database gives — concurrent claims, token compare-and-swap races, locks.
 */
import { randomUUID } from 'node:crypto';
import { WordPressStore } from '../../sync-core/src/store/wordpress-store';
import { MemoryStore } from '../../sync-core/src/store/memory-store';
import type { Store } from '../../sync-core/src/store/port';
import { WP_URL, api, wpEval } from './helpers';

let store: WordPressStore;
const shop = `shop-${randomUUID().slice(0, 8)}`;
const init = (id: string) => ({ key: `${shop}:order:${id}`, kind: 'order' as const, shopId: shop, orderId: id, orderNumber: `10${id}`, refundId: null, reference: `10${id}`, contentHash: 'h1' });

beforeAll(async () => {
  expect((await api('POST', '/connections/woocommerce')).status).toBe(200);
  const pw = wpEval("echo Shopbooks\\Secrets::get('sync_app_password');").trim();
  store = new WordPressStore({ url: WP_URL, username: 'shopbooks-sync', applicationPassword: pw });
});

/** The same scenario on MemoryStore and WordPressStore must give the same observable results. */
async function scenario(s: Store, tag: string) {
  const id = (n: number) => `${tag}${n}`;
  const u = `${tag}-${randomUUID().slice(0, 8)}`; // names that are new on every run (the site keeps data)
  const out: unknown[] = [];
  const a = await s.claim(init(id(1)).key, init(id(1)), 'run-a', 60_000);
  out.push([a.ok, a.entry.status, a.entry.attempts, a.entry.claimedBy]);
  const b = await s.claim(init(id(1)).key, init(id(1)), 'run-b', 60_000);
  out.push([b.ok, !b.ok && b.reason]);
  const failed = await s.update(init(id(1)).key, { status: 'failed', attempts: 1, lastError: { code: 'UnknownVatRate', message: 'Het btw-tarief 7% is onbekend.' }, nextRetryAt: '2030-01-01T00:00:00.000Z', claimedBy: null, claimExpiresAt: null });
  out.push([failed.status, failed.lastError, failed.nextRetryAt, failed.orderNumber, failed.contentHash]);
  out.push((await s.listEntries({ status: 'failed', shopId: shop })).filter((e) => e.key.includes(`:${tag}`)).map((e) => e.key));
  out.push((await s.listEntries({ status: 'failed', shopId: shop, dueBefore: '2029-01-01T00:00:00.000Z' })).filter((e) => e.key.includes(`:${tag}`)).length);
  const c = await s.claim(init(id(1)).key, init(id(1)), 'run-c', 60_000);
  out.push([c.ok, c.entry.status]);
  await s.update(init(id(1)).key, { status: 'booked', documentId: 'D-1', documentNumber: '70001', gross: '121.00', vat: '21.00', attempts: 2, lastError: null });
  const d = await s.claim(init(id(1)).key, init(id(1)), 'run-d', 60_000);
  out.push([d.ok, !d.ok && d.reason, d.entry.documentNumber, d.entry.gross]);
  const skipped = await s.claim(init(id(2)).key, init(id(2)), 'run-a', 60_000);
  await s.update(skipped.entry.key, { status: 'skipped', skipReason: 'Order total is zero.' });
  const e = await s.claim(init(id(2)).key, init(id(2)), 'run-b', 60_000);
  out.push([e.ok, !e.ok && e.reason]);
  out.push(await s.getEntry(`${shop}:order:${tag}-missing`));
  await expect(s.update(`${shop}:order:${tag}-missing`, { status: 'booked' })).rejects.toThrow();

  out.push(await s.getCursor(`${u}-orders`));
  await s.setCursor(`${u}-orders`, '2026-01-01T00:00:00Z');
  await s.setCursor(`${u}-orders`, '2026-02-01T00:00:00Z');
  out.push(await s.getCursor(`${u}-orders`));
  await s.setMapping('exact-account', `${u}jan@example.nl`, 'guid-1');
  out.push([await s.getMapping('exact-account', `${u}jan@example.nl`), await s.getMapping('exact-item', `${u}jan@example.nl`)]);

  const t = `${u}-token`;
  out.push(await s.getToken(t));
  out.push(await s.compareAndSwapToken(t, 1, { a: 1 }));
  out.push(await s.compareAndSwapToken(t, null, { refreshToken: 'r1', n: 1, nested: { x: [1, 2] } }));
  out.push(await s.compareAndSwapToken(t, null, { refreshToken: 'r-lost' }));
  out.push(await s.compareAndSwapToken(t, 1, { refreshToken: 'r2' }));
  out.push(await s.compareAndSwapToken(t, 1, { refreshToken: 'r-stale' }));
  out.push(await s.getToken(t));

  const run = await s.startRun('sync');
  out.push([run.command, run.finishedAt, run.booked]);
  await s.finishRun({ ...run, booked: 3, failed: 1, skipped: 0, finishedAt: new Date().toISOString(), message: 'done' });
  const runs = await s.listRuns(5);
  const mine = runs.find((r) => r.id === run.id)!;
  out.push([mine.booked, mine.failed, mine.message, typeof mine.finishedAt]);
  return out;
}

test('WordPressStore behaves exactly like MemoryStore on the whole port', async () => {
  const expected = await scenario(new MemoryStore(), 'm');
  const actual = await scenario(store, 'w');
  // keys contain the tag; compare with the tag normalised
  const norm = (v: unknown, tag: string) => JSON.parse(JSON.stringify(v).replace(new RegExp(`([:0])${tag}(\\d)`, 'g'), '$1x$2'));
  expect(norm(actual, 'w')).toEqual(norm(expected, 'm'));
});

test('twenty concurrent claims of one order by different runs: exactly one wins', async () => {
  const i = init(`race-${randomUUID().slice(0, 6)}`);
  const results = await Promise.all(Array.from({ length: 20 }, (_, n) => store.claim(i.key, i, `run-${n}`, 60_000)));
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.filter((r) => !r.ok && r.reason === 'claimed-elsewhere')).toHaveLength(19);
});

test('ten concurrent compare-and-swaps on the same version: exactly one rotation survives', async () => {
  const name = `race-token-${randomUUID()}`;
  expect(await store.compareAndSwapToken(name, null, { refreshToken: 'r0' })).toBe(true);
  const wins = await Promise.all(Array.from({ length: 10 }, (_, n) => store.compareAndSwapToken(name, 1, { refreshToken: `r1-${n}` })));
  expect(wins.filter(Boolean)).toHaveLength(1);
  const tok = await store.getToken(name);
  expect(tok!.version).toBe(2);
  expect(tok!.value.refreshToken).toBe(`r1-${wins.indexOf(true)}`);
});

test('withLock serialises concurrent holders (no overlap) and releases on error', async () => {
  const name = `lock-${randomUUID()}`;
  let inside = 0;
  let maxInside = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 4 }, (_, n) =>
      store.withLock(name, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 100));
        order.push(n);
        inside--;
      }),
    ),
  );
  expect(maxInside).toBe(1);
  expect(order).toHaveLength(4);
  await expect(store.withLock(name, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  expect(await store.withLock(name, async () => 'free again', { timeoutMs: 2000 })).toBe('free again');
});

test('a wrong application password is AuthFailed, not retried', async () => {
  const bad = new WordPressStore({ url: WP_URL, username: 'shopbooks-sync', applicationPassword: 'wrongwrongwrongwrongwron' });
  await expect(bad.getCursor('x')).rejects.toMatchObject({ code: 'AuthFailed', retryable: false });
});
