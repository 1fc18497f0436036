import { createHmac } from 'node:crypto';
import { startWorker, verifyWooSignature, type Worker } from './index';
import { startWooCommerceSimulator, type WooSimulator } from '../sandbox/woocommerce';
import { generateShop } from '../sandbox/woocommerce/generate';

const SECRET = 'hook-secret';
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('base64');

describe('verifyWooSignature', () => {
  it('accepts the base64 HMAC-SHA256 of the raw body and nothing else', () => {
    const body = Buffer.from('{"id":1}');
    expect(verifyWooSignature(body, sign('{"id":1}'), SECRET)).toBe(true);
    expect(verifyWooSignature(body, sign('{"id":2}'), SECRET)).toBe(false);
    expect(verifyWooSignature(body, sign('{"id":1}', 'other'), SECRET)).toBe(false);
    expect(verifyWooSignature(body, undefined, SECRET)).toBe(false);
    expect(verifyWooSignature(body, 'not base64 at all', SECRET)).toBe(false);
  });
});

describe('worker', () => {
  let worker: Worker | null = null;
  afterEach(async () => {
    await worker?.close();
    worker = null;
  });

  it('runs at start, answers pings, refuses unsigned or wrongly signed deliveries and coalesces a burst', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    worker = await startWorker({ port: 0, intervalSec: 3600, coalesceMs: 50, webhookSecret: SECRET }, async () => {
      runs++;
      if (runs === 2) await new Promise<void>((r) => (release = r));
    });
    await worker.idle();
    expect(runs).toBe(1);
    const post = (body: string, headers: Record<string, string>) => fetch(worker!.webhookUrl, { method: 'POST', body, headers });
    expect((await post('webhook_id=3', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    const body = '{"id":5,"status":"processing"}';
    expect((await post(body, { 'X-WC-Webhook-Topic': 'order.updated' })).status).toBe(401);
    expect((await post(body, { 'X-WC-Webhook-Topic': 'order.updated', 'X-WC-Webhook-Signature': sign(body, 'wrong') })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 120));
    expect(runs).toBe(1);
    // a burst of 10 signed deliveries: one run, and while it runs more deliveries give exactly one more
    for (let i = 0; i < 10; i++) expect((await post(body, { 'X-WC-Webhook-Topic': 'order.updated', 'X-WC-Webhook-Signature': sign(body) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 120));
    expect(runs).toBe(2);
    for (let i = 0; i < 5; i++) await post(body, { 'X-WC-Webhook-Topic': 'order.created', 'X-WC-Webhook-Signature': sign(body) });
    await new Promise((r) => setTimeout(r, 120));
    release();
    await worker.idle();
    expect(runs).toBe(3);
    // topics that do not change what is booked are accepted but trigger nothing
    await post(body, { 'X-WC-Webhook-Topic': 'order.deleted', 'X-WC-Webhook-Signature': sign(body) });
    await new Promise((r) => setTimeout(r, 120));
    expect(runs).toBe(3);
  });

  it('runs on the interval without webhooks', async () => {
    let runs = 0;
    worker = await startWorker({ port: 0, intervalSec: 0.1, webhookSecret: SECRET }, async () => {
      runs++;
    });
    await new Promise((r) => setTimeout(r, 450));
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  describe('with the WooCommerce simulator delivering signed webhooks', () => {
    let woo: WooSimulator;
    beforeAll(async () => {
      woo = await startWooCommerceSimulator({ port: 0, seed: 3, orderCount: 0 });
    });
    afterAll(() => woo.close());

    it('is triggered by a status change within the coalescing delay', async () => {
      const triggeredAt: number[] = [];
      worker = await startWorker({ port: 0, intervalSec: 3600, coalesceMs: 20, webhookSecret: SECRET }, async () => {
        triggeredAt.push(Date.now());
      });
      await worker.idle();
      await woo.webhooks.add({ topic: 'order.updated', deliveryUrl: worker.webhookUrl, secret: SECRET });
      expect(woo.webhooks.deliveries.at(-1)).toMatchObject({ ping: true, status: 200 });
      const [rec] = generateShop({ seed: 9, count: 1 }).orders;
      rec.status = 'pending';
      woo.shop.addOrder(rec);
      const t0 = Date.now();
      woo.shop.setStatus(rec.id, 'processing');
      await woo.webhooks.flush();
      await new Promise((r) => setTimeout(r, 100));
      await worker.idle();
      expect(woo.webhooks.deliveries.at(-1)).toMatchObject({ topic: 'order.updated', status: 200, ping: false });
      expect(triggeredAt.length).toBe(2);
      expect(triggeredAt[1] - t0).toBeLessThan(1000);
    });
  });
});
