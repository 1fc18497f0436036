/**
 * Webhook deliveries of the Shopify simulator: REST-shaped payloads (snake_case, `*_set` money
 * bags — what Shopify sends even to GraphQL-only apps), signed with
 * `X-Shopify-Hmac-SHA256` = base64(HMAC-SHA256(raw body, secret)), with the headers Shopify sends
 * (`X-Shopify-Topic`, `-Shop-Domain`, `-API-Version`, `-Webhook-Id`, `-Event-Id`, `-Order-Id`,
 * `-Triggered-At`). A duplicate delivery repeats the same `X-Shopify-Event-Id`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { SimLineItem, SimMoneyBag, SimOrder, SimRefund, SimTaxLine } from './types';

export type ShopifyWebhookTopic =
  'orders/create' | 'orders/updated' | 'orders/paid' | 'orders/cancelled' | 'refunds/create';

export interface WebhookSubscription {
  topic: ShopifyWebhookTopic;
  address: string;
  secret: string;
}

export interface WebhookDelivery {
  topic: ShopifyWebhookTopic;
  address: string;
  eventId: string;
  webhookId: string;
  status: number | null;
  error: string | null;
}

const bag = (b: SimMoneyBag) => ({
  shop_money: { amount: b.shopMoney.amount, currency_code: b.shopMoney.currencyCode },
  presentment_money: { amount: b.presentmentMoney.amount, currency_code: b.presentmentMoney.currencyCode },
});
const legacy = (gid: string) => Number(gid.split('/').pop());
const taxLine = (t: SimTaxLine) => ({
  title: t.title,
  rate: t.rate,
  price: t.priceSet.shopMoney.amount,
  price_set: bag(t.priceSet),
  channel_liable: t.channelLiable,
});

function lineItem(l: SimLineItem) {
  return {
    id: legacy(l.id),
    admin_graphql_api_id: l.id,
    name: l.name,
    title: l.title,
    sku: l.sku,
    quantity: l.quantity,
    price: l.originalUnitPriceSet.shopMoney.amount,
    price_set: bag(l.originalUnitPriceSet),
    total_discount: l.totalDiscountSet.shopMoney.amount,
    total_discount_set: bag(l.totalDiscountSet),
    taxable: l.taxable,
    product_id: l.product ? legacy(l.product.id) : null,
    variant_id: l.variant ? legacy(l.variant.id) : null,
    discount_allocations: l.discountAllocations.map((a) => ({
      amount: a.allocatedAmountSet.shopMoney.amount,
      amount_set: bag(a.allocatedAmountSet),
      discount_application_index: a.discountApplication.index,
    })),
    tax_lines: l.taxLines.map(taxLine),
  };
}

export function restRefund(order: SimOrder, r: SimRefund) {
  return {
    id: Number(r.legacyResourceId),
    admin_graphql_api_id: r.id,
    order_id: Number(order.legacyResourceId),
    created_at: r.createdAt,
    processed_at: r.createdAt,
    note: r.note,
    refund_line_items: r.refundLineItems.map((x) => ({
      id: legacy(x.id),
      line_item_id: legacy(x.lineItem.id),
      quantity: x.quantity,
      restock_type: x.restockType.toLowerCase(),
      subtotal: Number(x.subtotalSet.shopMoney.amount),
      subtotal_set: bag(x.subtotalSet),
      total_tax: Number(x.totalTaxSet.shopMoney.amount),
      total_tax_set: bag(x.totalTaxSet),
      line_item: lineItem(x.lineItem),
    })),
    refund_shipping_lines: r.refundShippingLines.map((x) => ({
      id: legacy(x.id),
      shipping_line_id: legacy(x.shippingLine.id),
      subtotal_amount_set: bag(x.subtotalAmountSet),
      tax_amount_set: bag(x.taxAmountSet),
    })),
    transactions: r.transactions.map((t) => ({
      id: legacy(t.id),
      kind: t.kind.toLowerCase(),
      status: t.status.toLowerCase(),
      amount: t.amountSet.shopMoney.amount,
      gateway: t.gateway,
    })),
    order_adjustments: [],
  };
}

/** The REST representation of a simulator order (the fields webhooks commonly carry). */
export function restOrder(o: SimOrder) {
  const address = (a: SimOrder['billingAddress']) =>
    a && {
      first_name: a.firstName,
      last_name: a.lastName,
      name: a.name,
      company: a.company,
      address1: a.address1,
      address2: a.address2,
      city: a.city,
      zip: a.zip,
      province: a.province,
      country: a.country,
      country_code: a.countryCodeV2,
      phone: a.phone,
    };
  return {
    id: Number(o.legacyResourceId),
    admin_graphql_api_id: o.id,
    name: o.name,
    order_number: Number(o.name.replace(/\D/g, '')),
    email: o.email,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    processed_at: o.processedAt,
    cancelled_at: o.cancelledAt,
    cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    closed_at: o.closedAt,
    currency: o.currencyCode,
    presentment_currency: o.presentmentCurrencyCode,
    taxes_included: o.taxesIncluded,
    tax_exempt: o.taxExempt,
    note_attributes: o.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    financial_status: o.displayFinancialStatus?.toLowerCase() ?? null,
    source_name: o.sourceName,
    test: o.test,
    subtotal_price: o.subtotalPriceSet.shopMoney.amount,
    subtotal_price_set: bag(o.subtotalPriceSet),
    total_price: o.totalPriceSet.shopMoney.amount,
    total_price_set: bag(o.totalPriceSet),
    total_tax: o.totalTaxSet.shopMoney.amount,
    total_tax_set: bag(o.totalTaxSet),
    total_discounts: o.totalDiscountsSet.shopMoney.amount,
    total_discounts_set: bag(o.totalDiscountsSet),
    total_shipping_price_set: bag(o.totalShippingPriceSet),
    total_tip_received: o.totalTipReceivedSet.shopMoney.amount,
    payment_gateway_names: o.paymentGatewayNames,
    discount_codes: o.discountCodes.map((code) => ({
      code,
      type: 'percentage',
      amount: o.totalDiscountsSet.shopMoney.amount,
    })),
    tax_lines: o.taxLines.map(taxLine),
    customer: o.customer && {
      id: Number(o.customer.legacyResourceId),
      email: o.customer.email,
      first_name: o.customer.firstName,
      last_name: o.customer.lastName,
      tax_exempt: o.customer.taxExempt,
      tax_exemptions: o.customer.taxExemptions,
      admin_graphql_api_id: o.customer.id,
    },
    billing_address: address(o.billingAddress),
    shipping_address: address(o.shippingAddress),
    line_items: o.lineItems.map(lineItem),
    shipping_lines: o.shippingLines.map((s) => ({
      id: legacy(s.id),
      title: s.title,
      code: s.code,
      source: s.source,
      price: s.originalPriceSet.shopMoney.amount,
      price_set: bag(s.originalPriceSet),
      discounted_price: s.discountedPriceSet.shopMoney.amount,
      discounted_price_set: bag(s.discountedPriceSet),
      tax_lines: s.taxLines.map(taxLine),
    })),
    refunds: o.refunds.map((r) => restRefund(o, r)),
  };
}

export function signWebhook(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export class ShopifyWebhookSender {
  readonly subscriptions: WebhookSubscription[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  private pending: Promise<unknown>[] = [];
  duplicates = 0;

  constructor(
    private readonly shopDomain: string,
    private readonly apiVersion: string,
  ) {}

  subscribe(sub: WebhookSubscription): void {
    this.subscriptions.push(sub);
  }

  emit(topic: ShopifyWebhookTopic, order: SimOrder, payload: unknown, triggeredAt: string): void {
    for (const sub of this.subscriptions.filter((s) => s.topic === topic)) {
      const eventId = randomUUID();
      const times = this.duplicates > 0 ? 2 : 1;
      if (this.duplicates > 0) this.duplicates -= 1;
      for (let i = 0; i < times; i++)
        this.pending.push(this.deliver(sub, topic, order, payload, eventId, triggeredAt));
    }
  }

  private async deliver(
    sub: WebhookSubscription,
    topic: ShopifyWebhookTopic,
    order: SimOrder,
    payload: unknown,
    eventId: string,
    triggeredAt: string,
  ): Promise<void> {
    const body = JSON.stringify(payload);
    const webhookId = randomUUID();
    const d: WebhookDelivery = { topic, address: sub.address, eventId, webhookId, status: null, error: null };
    this.deliveries.push(d);
    try {
      const res = await fetch(sub.address, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': topic,
          'X-Shopify-Hmac-SHA256': signWebhook(body, sub.secret),
          'X-Shopify-Shop-Domain': this.shopDomain,
          'X-Shopify-API-Version': this.apiVersion,
          'X-Shopify-Webhook-Id': webhookId,
          'X-Shopify-Event-Id': eventId,
          'X-Shopify-Order-Id': order.legacyResourceId,
          'X-Shopify-Triggered-At': triggeredAt,
          'X-Shopify-Test': 'false',
        },
        body,
      });
      d.status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      d.error = (e as Error).message;
    }
  }

  /** Wait for every delivery started so far. */
  async flush(): Promise<void> {
    const p = this.pending;
    this.pending = [];
    await Promise.all(p);
  }
}
