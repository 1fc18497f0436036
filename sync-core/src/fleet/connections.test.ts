/** Connections at rest, the status page, webhooks: on a real PostgreSQL. */
import { createHmac, randomBytes } from 'node:crypto';
import { startTestPostgres, type TestPostgres } from './test-postgres';
import { openPostgresStore, type PostgresStore } from '../store/postgres-store';
import { Connections } from './connections';
import { RateBudget } from './rate-budget';
import { openBoss, SYNC_QUEUE } from './worker';
import { startFleetServer } from './serve';
import { decryptSecret, encryptSecret, fleetKey } from './secrets';

jest.setTimeout(60_000);

const config = {
  source: { platform: 'woocommerce', url: 'http://127.0.0.1:1', consumerKey: 'ck_live_1', consumerSecret: 'cs_live_very_secret', shopId: 'shop-1' },
  target: 'moneybird',
  moneybird: { administrationId: '123', auth: { kind: 'token', token: 'mb_secret_token' }, ledgerAccounts: { revenue: '1' } },
  rules: { startDate: '2026-01-01' },
};

describe('fleet connections and status page', () => {
  let pg: TestPostgres;
  let store: PostgresStore;
  const key = randomBytes(32);
  beforeAll(async () => {
    pg = await startTestPostgres();
    store = await openPostgresStore({ url: pg.url, schema: 'conn_t', poolMax: 4 });
  });
  afterAll(async () => {
    await store?.close();
    await pg?.stop();
  });

  it('keeps secrets encrypted at rest and refuses another key', async () => {
    const c = new Connections(store.pool, 'conn_t', key);
    const row = await c.add('shop-1', config, { intervalSeconds: 60, webhookSecret: 'whsec' });
    expect(row).toMatchObject({ platform: 'woocommerce', target: 'moneybird', budgetKey: 'moneybird|moneybird.com|123', paused: false });
    const raw = JSON.stringify((await store.pool.query('SELECT * FROM conn_t.connections')).rows);
    expect(raw).not.toContain('cs_live_very_secret');
    expect(raw).not.toContain('mb_secret_token');
    expect(raw).not.toContain('whsec');
    expect((await c.get('shop-1'))?.config.source).toMatchObject({ consumerSecret: 'cs_live_very_secret' });
    await expect(new Connections(store.pool, 'conn_t', randomBytes(32)).get('shop-1')).rejects.toMatchObject({ code: 'ConfigInvalid' });
    const [v, , tag, body] = encryptSecret('secret', key).split(':');
    const otherIv = encryptSecret('secret', key).split(':')[1];
    expect(() => decryptSecret([v, otherIv, tag, body].join(':'), key)).toThrow(/cannot be decrypted/);
    expect(() => fleetKey({ SHOPBOOKS_FLEET_KEY: 'short' })).toThrow(/32 random bytes/);
    await expect(c.add('bad name!', config)).rejects.toMatchObject({ code: 'ConfigInvalid' });
    await expect(c.add('broken', { ...config, target: 'exact' })).rejects.toMatchObject({ code: 'ConfigInvalid' });
  });

  it('status page, health, metrics, pause/resume and verified webhooks', async () => {
    const c = new Connections(store.pool, 'conn_t', key);
    await c.add('shop-2', config, { webhookSecret: 'whsec2' });
    const boss = await openBoss(pg.url, 'conn_t');
    const s = await startFleetServer({ boss, connections: c, budget: new RateBudget(store.pool, 'conn_t'), port: 0 });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/shopbooks_connections \d+/);
      await fetch(`${s.url}/connections/shop-2/pause`, { method: 'POST', redirect: 'manual' });
      expect((await c.list()).find((r) => r.id === 'shop-2')).toMatchObject({ paused: true, pauseReason: expect.stringMatching(/by hand/) });
      expect(await (await fetch(`${s.url}/`)).text()).toContain('by hand');
      await fetch(`${s.url}/connections/shop-2/resume`, { method: 'POST', redirect: 'manual' });
      expect((await c.list()).find((r) => r.id === 'shop-2')?.paused).toBe(false);
      await boss.deleteQueue(SYNC_QUEUE).catch(() => undefined);
      await openBoss(pg.url, 'conn_t').then((b) => b.stop());
      const body = JSON.stringify({ id: 1, status: 'processing' });
      const bad = await fetch(`${s.url}/webhooks/shop-2`, { method: 'POST', body, headers: { 'X-WC-Webhook-Signature': 'nope' } });
      expect(bad.status).toBe(401);
      const sig = createHmac('sha256', 'whsec2').update(body).digest('base64');
      const good = await fetch(`${s.url}/webhooks/shop-2`, { method: 'POST', body, headers: { 'X-WC-Webhook-Signature': sig } });
      expect(good.status).toBe(202);
      expect(await boss.getQueueSize(SYNC_QUEUE)).toBe(1);
    } finally {
      await s.close();
      await boss.stop({ graceful: false, wait: true, timeout: 2000 });
    }
  });
});
