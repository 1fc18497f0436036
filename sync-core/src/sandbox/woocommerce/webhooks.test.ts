/** WooCommerce webhook deliveries from the simulator to a local receiver. */
import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWooCommerceSimulator, type WooSimulator } from './index';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('WooCommerce simulator webhooks', () => {
  let sim: WooSimulator;
  const received: Received[] = [];
  let answer = 200;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer);
      res.end();
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    sim = await startWooCommerceSimulator({ seed: 4, orderCount: 10 });
  });
  afterAll(async () => {
    await sim.close();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });
  beforeEach(() => {
    received.length = 0;
    answer = 200;
  });

  it('pings on creation, then delivers signed REST order JSON once per save burst', async () => {
    const hook = await sim.webhooks.add({ topic: 'order.updated', deliveryUrl: url, secret: 'geheim' });
    expect(received).toHaveLength(1);
    expect(received[0].body).toBe(`webhook_id=${hook.id}`);
    expect(received[0].headers['x-wc-webhook-signature']).toBeUndefined();
    received.length = 0;

    const order = [...sim.shop.orders.values()].find((o) => o.status === 'completed' && o.refunds.length === 0)!;
    sim.shop.setStatus(order.id, 'refunded'); // status save + automatic refund + save: one delivery
    await sim.webhooks.flush();
    expect(received).toHaveLength(1);
    const d = received[0];
    expect(d.headers).toMatchObject({
      'content-type': 'application/json',
      'x-wc-webhook-topic': 'order.updated',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'updated',
      'x-wc-webhook-id': String(hook.id),
      'x-wc-webhook-source': `${sim.url}/`,
    });
    expect(String(d.headers['user-agent'])).toMatch(/^WooCommerce\/[\d.]+ Hookshot \(WordPress\/[\d.]+\)$/);
    expect(d.headers['x-wc-webhook-signature']).toBe(createHmac('sha256', 'geheim').update(d.body).digest('base64'));
    expect(d.body).toContain('\\/wp-json\\/wc\\/v3\\/orders');
    const payload = JSON.parse(d.body);
    expect(payload).toMatchObject({ id: order.id, status: 'refunded' });
    expect(payload.refunds[0]).toMatchObject({ reason: 'Order fully refunded.' });
    // an HPOS "view" is not a save: no delivery
    received.length = 0;
    sim.shop.viewOrder(order.id);
    await sim.webhooks.flush();
    expect(received).toHaveLength(0);
    hook.status = 'paused';
  });

  it('order.deleted sends only the id; deliverTwice duplicates', async () => {
    const del = await sim.webhooks.add({ topic: 'order.deleted', deliveryUrl: url, secret: 's' });
    const twice = await sim.webhooks.add({ topic: 'order.restored', deliveryUrl: url, secret: 's', deliverTwice: true });
    received.length = 0;
    const id = [...sim.shop.orders.keys()][2];
    sim.shop.trashOrder(id);
    await sim.webhooks.flush();
    expect(received.map((r) => r.body)).toEqual([`{"id":${id}}`]);
    received.length = 0;
    sim.shop.restoreOrder(id);
    await sim.webhooks.flush();
    expect(received).toHaveLength(2);
    expect(received[0].body).toBe(received[1].body);
    del.status = 'paused';
    twice.status = 'paused';
  });

  it('a failing receiver disables the webhook after more than 5 counted failures; 2xx–302 resets the count', async () => {
    const hook = await sim.webhooks.add({ topic: 'order.updated', deliveryUrl: url, secret: 's' });
    const ids = [...sim.shop.orders.keys()];
    answer = 500;
    for (let i = 0; i < 3; i++) {
      sim.shop.setStatus(ids[i], 'on-hold');
      await sim.webhooks.flush();
    }
    expect(hook.failureCount).toBe(3);
    answer = 302;
    sim.shop.setStatus(ids[0], 'processing');
    await sim.webhooks.flush();
    expect(hook.failureCount).toBe(0);
    answer = 503;
    for (let i = 0; i < 7; i++) {
      sim.shop.setStatus(ids[i], 'completed');
      await sim.webhooks.flush();
    }
    expect(hook.status).toBe('disabled');
    received.length = 0;
    sim.shop.setStatus(ids[8], 'cancelled');
    await sim.webhooks.flush();
    expect(received).toHaveLength(0);
  });
});
