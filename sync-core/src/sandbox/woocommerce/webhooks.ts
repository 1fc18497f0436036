/**
 * WooCommerce webhooks (shops.md 2.12): order.created / order.updated / order.deleted /
 * order.restored deliveries with the X-WC-Webhook-* headers, body = the REST order JSON
 * (wp_json_encode, escaped slashes), signature base64(HMAC-SHA256(body, secret)); a ping with a
 * form body `webhook_id=N` and no signature when a webhook is created; saves of one order within
 * one "request" (here: one event-loop turn) deliver once per webhook; 200–302 is success, other
 * answers count as failures and a webhook is disabled when it fails with more than 5 failures
 * already counted (WC_Webhook::failed_delivery).
 */
import { createHash, createHmac } from 'node:crypto';
import { type RestContext, restOrder, wpJsonEncode } from './rest';
import type { OrderEvent, WooShop } from './shop';
import type { WcOrderRecord } from './types';

export type WebhookTopic = 'order.created' | 'order.updated' | 'order.deleted' | 'order.restored';

export interface WebhookDelivery {
  webhookId: number;
  topic: WebhookTopic;
  orderId: number | null;
  /** HTTP status of the receiver, or 0 when it could not be reached. */
  status: number;
  ping: boolean;
}

export interface Webhook {
  id: number;
  topic: WebhookTopic;
  deliveryUrl: string;
  secret: string;
  status: 'active' | 'paused' | 'disabled';
  failureCount: number;
  /** Deliver every event twice (receivers must be idempotent). */
  deliverTwice: boolean;
}

export class WebhookDispatcher {
  readonly hooks: Webhook[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  private pending = new Set<Promise<void>>();
  private queued = new Map<string, { hook: Webhook; order: WcOrderRecord }>();
  private scheduled = false;
  private nextId = 1;

  constructor(
    private readonly shop: WooShop,
    private readonly ctx: () => RestContext,
    private readonly wcVersion: string,
  ) {
    shop.listeners.push((event, order) => this.onEvent(event, order));
  }

  /** Create a webhook; WooCommerce pings the delivery URL first. */
  async add(cfg: { topic: WebhookTopic; deliveryUrl: string; secret: string; deliverTwice?: boolean }): Promise<Webhook> {
    const hook: Webhook = { id: this.nextId++, topic: cfg.topic, deliveryUrl: cfg.deliveryUrl, secret: cfg.secret, status: 'active', failureCount: 0, deliverTwice: cfg.deliverTwice ?? false };
    this.hooks.push(hook);
    await this.post(hook, `webhook_id=${hook.id}`, { 'Content-Type': 'application/x-www-form-urlencoded' }, null, true);
    return hook;
  }

  /** Wait until every queued delivery has been attempted. */
  async flush(): Promise<void> {
    while (this.scheduled || this.pending.size) {
      await new Promise((r) => setImmediate(r));
      await Promise.all([...this.pending]);
    }
  }

  private onEvent(event: OrderEvent, order: WcOrderRecord): void {
    const topic = `order.${event}` as WebhookTopic;
    for (const hook of this.hooks) {
      if (hook.status !== 'active' || hook.topic !== topic) continue;
      this.queued.set(`${hook.id}:${order.id}`, { hook, order });
    }
    if (!this.scheduled && this.queued.size) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        const batch = [...this.queued.values()];
        this.queued.clear();
        for (const { hook, order } of batch) {
          const body = hook.topic === 'order.deleted' ? wpJsonEncode({ id: order.id }) : wpJsonEncode(restOrder(order, this.ctx()));
          const times = hook.deliverTwice ? 2 : 1;
          for (let i = 0; i < times; i++) {
            const signature = createHmac('sha256', hook.secret).update(body).digest('base64');
            const p = this.post(hook, body, { 'Content-Type': 'application/json', 'X-WC-Webhook-Signature': signature }, order.id, false);
            this.pending.add(p);
            void p.finally(() => this.pending.delete(p));
          }
        }
      });
    }
  }

  private async post(hook: Webhook, body: string, headers: Record<string, string>, orderId: number | null, ping: boolean): Promise<void> {
    const [resource, event] = hook.topic.split('.');
    const all: Record<string, string> = {
      'User-Agent': `WooCommerce/${this.wcVersion} Hookshot (WordPress/6.7.1)`,
      'X-WC-Webhook-Source': `${this.ctx().homeUrl}/`,
      ...headers,
    };
    if (!ping) {
      Object.assign(all, {
        'X-WC-Webhook-Topic': hook.topic,
        'X-WC-Webhook-Resource': resource,
        'X-WC-Webhook-Event': event,
        'X-WC-Webhook-ID': String(hook.id),
        'X-WC-Webhook-Delivery-ID': createHash('md5').update(`${hook.id}:${orderId}:${Date.now()}:${Math.random()}`).digest('hex'),
      });
    }
    let status = 0;
    try {
      const res = await fetch(hook.deliveryUrl, { method: 'POST', body, headers: all, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      status = 0;
    }
    this.deliveries.push({ webhookId: hook.id, topic: hook.topic, orderId, status, ping });
    if (ping) return;
    if (status >= 200 && status < 303) hook.failureCount = 0;
    else if (hook.failureCount > 5) hook.status = 'disabled';
    else hook.failureCount += 1;
  }
}
