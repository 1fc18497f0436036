/**
 * Shopify webhooks as triggers: verify the delivery, then re-read the order through GraphQL
 * (webhook bodies are REST-shaped and are not mapped). Duplicate deliveries share
 * X-Shopify-Event-Id; the ledger makes re-reading the same order harmless.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** X-Shopify-Hmac-SHA256 = base64(HMAC-SHA256(raw body, app client secret)). Constant-time compare. */
export function verifyShopifyWebhook(
  rawBody: string | Buffer,
  hmacHeader: string | undefined | null,
  secret: string,
): boolean {
  if (!hmacHeader || !secret) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(hmacHeader, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The order a delivery is about (orders/* carry the order, refunds/create its order_id). */
export function shopifyWebhookOrderId(topic: string, payload: unknown): string | null {
  const p = (payload ?? {}) as Record<string, unknown>;
  const id = topic.startsWith('refunds/') ? p.order_id : topic.startsWith('orders/') ? p.id : null;
  return typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id)) ? String(id) : null;
}
