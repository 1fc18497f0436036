/** Webhooks from the Shopify simulator: signed REST payloads, duplicates, and re-reading the order. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { startShopifySimulator, type ShopifySimulator } from '../../sandbox/shopify';
import { createShopifySource, shopifyWebhookOrderId, verifyShopifyWebhook } from './index';

interface Received {
  topic: string;
  eventId: string;
  valid: boolean;
  body: Record<string, unknown>;
}

describe('Shopify webhooks', () => {
  let sim: ShopifySimulator;
  let receiver: FastifyInstance;
  const received: Received[] = [];
  const secret = 'whsec_test_1234';
  beforeAll(async () => {
    sim = await startShopifySimulator();
    receiver = Fastify({ logger: false });
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) =>
      done(null, body),
    );
    receiver.post('/hooks', async (req) => {
      const raw = req.body as string;
      received.push({
        topic: String(req.headers['x-shopify-topic']),
        eventId: String(req.headers['x-shopify-event-id']),
        valid: verifyShopifyWebhook(raw, req.headers['x-shopify-hmac-sha256'] as string, secret),
        body: JSON.parse(raw) as Record<string, unknown>,
      });
      return { ok: true };
    });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
    for (const t of ['orders/paid', 'orders/updated', 'refunds/create', 'orders/cancelled'] as const)
      sim.shop.subscribeWebhook(t, url, secret);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  test('a payment is delivered as orders/paid + orders/updated, signed, REST-shaped; the order re-reads as paid', async () => {
    sim.shop.markPaid(5500001006, '2026-11-01T10:00:00Z');
    await sim.shop.flushWebhooks();
    const paid = received.find((r) => r.topic === 'orders/paid')!;
    expect(paid.valid).toBe(true);
    expect(paid.body).toMatchObject({
      id: 5500001006,
      name: '#1006',
      financial_status: 'paid',
      total_price: '93.95',
    });
    expect(received.map((r) => r.topic).sort()).toEqual(['orders/paid', 'orders/updated']);
    const id = shopifyWebhookOrderId(paid.topic, paid.body)!;
    const src = createShopifySource({
      shopDomain: sim.shopDomain,
      baseUrl: sim.url,
      accessToken: sim.accessToken,
    });
    const r = await src.getOrder(id);
    expect(r.ok && r.order.state).toBe('paid');
  });

  test('a refund arrives as refunds/create with its order id; a wrong secret does not verify', async () => {
    received.length = 0;
    sim.shop.refund(5500001001, {
      createdAt: '2026-11-02T10:00:00Z',
      lines: [{ lineItemId: sim.shop.lineItem(5500001001, 1).id, quantity: 1 }],
    });
    await sim.shop.flushWebhooks();
    const r = received.find((x) => x.topic === 'refunds/create')!;
    expect(shopifyWebhookOrderId(r.topic, r.body)).toBe('5500001001');
    expect((r.body.refund_line_items as unknown[]).length).toBe(1);
    expect(verifyShopifyWebhook(JSON.stringify(r.body), 'AAAA', secret)).toBe(false);
    expect(verifyShopifyWebhook('{"id":1}', Buffer.from('x').toString('base64'), secret)).toBe(false);
  });

  test('duplicate deliveries share X-Shopify-Event-Id', async () => {
    received.length = 0;
    sim.faults.duplicateWebhooks(1);
    sim.shop.cancel(5500001004, '2026-11-03T10:00:00Z');
    await sim.shop.flushWebhooks();
    const cancelled = received.filter((x) => x.topic === 'orders/cancelled');
    expect(cancelled).toHaveLength(2);
    expect(cancelled[0].eventId).toBe(cancelled[1].eventId);
    expect(cancelled.every((c) => c.valid)).toBe(true);
  });
});
