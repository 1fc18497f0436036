/**
 * The REST layer: stored order/refund records -> the JSON `GET /wc/v3/orders/{id}` returns.
 * Top-level money and line `subtotal`/`total`/`*_tax` are formatted with `dp` (wc_format_decimal),
 * `taxes[]` stay raw strings, `price` is a JSON number (total / quantity), dates come as local +
 * `_gmt` twins without offset, keys in WooCommerce 8 order.
 */
import { dec, fixed } from '../../model/money';
import { gmtToLocal } from './dates';
import type {
  WcFeeLineRecord,
  WcLineItemRecord,
  WcOrderRecord,
  WcRefundRecord,
  WcShippingLineRecord,
  WcShopSettings,
  WcTaxLineRecord,
} from './types';

export interface RestContext {
  /** e.g. "http://127.0.0.1:8080" (no trailing slash). */
  homeUrl: string;
  settings: WcShopSettings;
  /** `dp` query parameter; the shop's decimals when absent. */
  dp?: number;
}

export type Json = Record<string, unknown>;

const CURRENCY_SYMBOLS: Record<string, string> = { EUR: '&euro;', USD: '&#36;', GBP: '&pound;', CHF: 'CHF', SEK: 'kr', DKK: 'kr.', PLN: '&#122;&#322;' };

function money(v: string, dp: number): string {
  return fixed(v, dp);
}

function localDate(gmt: string | null, tz: string): string | null {
  return gmt === null ? null : gmtToLocal(gmt, tz);
}

/**
 * `price` = WC_Abstract_Order::get_item_total(item, false, false): the stored total divided by the
 * quantity in PHP float arithmetic, printed by json_encode as the shortest string that reads back
 * as the same double (`9.41 / 3` -> 3.1366666666666667, `5.036697 / 3` -> 1.6788990000000001).
 * A JavaScript number is that same IEEE double, so the float division here is the model, not money.
 */
function price(total: string, quantity: number): number {
  if (quantity === 0) return 0;
  return Number(total) / quantity;
}

function meta(m: { id: number; key: string; value: unknown }[], withDisplay: boolean): Json[] {
  return m.map((x) => (withDisplay ? { id: x.id, key: x.key, value: x.value, display_key: x.key, display_value: x.value } : { id: x.id, key: x.key, value: x.value }));
}

export function restLineItem(li: WcLineItemRecord, dp: number): Json {
  return {
    id: li.id,
    name: li.name,
    product_id: li.product_id,
    variation_id: li.variation_id,
    quantity: li.quantity,
    tax_class: li.tax_class,
    subtotal: money(li.subtotal, dp),
    subtotal_tax: money(li.subtotal_tax, dp),
    total: money(li.total, dp),
    total_tax: money(li.total_tax, dp),
    taxes: li.taxes.map((t) => ({ id: t.id, total: t.total, subtotal: t.subtotal ?? '' })),
    meta_data: meta(li.meta_data, true),
    sku: li.sku,
    price: price(li.total, li.quantity),
    image: { id: '', src: '' },
    parent_name: li.parent_name,
  };
}

function restTaxLine(t: WcTaxLineRecord, dp: number): Json {
  return {
    id: t.id,
    rate_code: t.rate_code,
    rate_id: t.rate_id,
    label: t.label,
    compound: t.compound,
    tax_total: money(t.tax_total, dp),
    shipping_tax_total: money(t.shipping_tax_total, dp),
    rate_percent: t.rate_percent,
    meta_data: meta(t.meta_data, true),
  };
}

function restShippingLine(s: WcShippingLineRecord, dp: number): Json {
  return {
    id: s.id,
    method_title: s.method_title,
    method_id: s.method_id,
    instance_id: s.instance_id,
    total: money(s.total, dp),
    total_tax: money(s.total_tax, dp),
    taxes: s.taxes.map((t) => ({ id: t.id, total: t.total, subtotal: '' })),
    meta_data: meta(s.meta_data, true),
  };
}

function restFeeLine(f: WcFeeLineRecord, dp: number): Json {
  return {
    id: f.id,
    name: f.name,
    tax_class: f.tax_class,
    tax_status: f.tax_status,
    amount: f.amount,
    total: money(f.total, dp),
    total_tax: money(f.total_tax, dp),
    taxes: f.taxes.map((t) => ({ id: t.id, total: t.total, subtotal: t.subtotal ?? '' })),
    meta_data: meta(f.meta_data, true),
  };
}

const links = (self: string, collection: string, extra: Json = {}): Json => ({
  self: [{ href: self }],
  collection: [{ href: collection }],
  ...extra,
});

export function restOrder(o: WcOrderRecord, ctx: RestContext): Json {
  if (o.verbatim) return o.verbatim;
  const dp = ctx.dp ?? ctx.settings.decimals;
  const tz = ctx.settings.timezone;
  const base = `${ctx.homeUrl}/wp-json/wc/v3`;
  const unpaid = ['pending', 'failed', 'checkout-draft'].includes(o.status);
  const extraLinks: Json = {};
  if (o.customer_id !== 0) extraLinks.customer = [{ href: `${base}/customers/${o.customer_id}` }];
  if (o.parent_id !== 0) extraLinks.up = [{ href: `${base}/orders/${o.parent_id}` }];
  return {
    id: o.id,
    parent_id: o.parent_id,
    status: o.status,
    currency: o.currency,
    version: o.version,
    prices_include_tax: o.prices_include_tax,
    date_created: localDate(o.date_created_gmt, tz),
    date_modified: localDate(o.date_modified_gmt, tz),
    discount_total: money(o.discount_total, dp),
    discount_tax: money(o.discount_tax, dp),
    shipping_total: money(o.shipping_total, dp),
    shipping_tax: money(o.shipping_tax, dp),
    cart_tax: money(o.cart_tax, dp),
    total: money(o.total, dp),
    total_tax: money(o.total_tax, dp),
    customer_id: o.customer_id,
    order_key: o.order_key,
    billing: o.billing,
    shipping: o.shipping,
    payment_method: o.payment_method,
    payment_method_title: o.payment_method_title,
    transaction_id: o.transaction_id,
    customer_ip_address: o.customer_ip_address,
    customer_user_agent: o.customer_user_agent,
    created_via: o.created_via,
    customer_note: o.customer_note,
    date_completed: localDate(o.date_completed_gmt, tz),
    date_paid: localDate(o.date_paid_gmt, tz),
    cart_hash: o.cart_hash,
    number: o.number,
    meta_data: meta(o.meta_data, false),
    line_items: o.line_items.map((li) => restLineItem(li, dp)),
    tax_lines: o.tax_lines.map((t) => restTaxLine(t, dp)),
    shipping_lines: o.shipping_lines.map((s) => restShippingLine(s, dp)),
    fee_lines: o.fee_lines.map((f) => restFeeLine(f, dp)),
    coupon_lines: o.coupon_lines.map((c) => ({
      id: c.id,
      code: c.code,
      // not in the controller's dp-formatted fields: the stored value as it is (WC_REST_Orders_V2_Controller::get_order_item_data)
      discount: c.discount,
      discount_tax: c.discount_tax,
      discount_type: c.discount_type,
      nominal_amount: Number(c.nominal_amount),
      free_shipping: c.free_shipping,
      meta_data: meta(c.meta_data, true),
    })),
    refunds: o.refunds.map((r) => ({ id: r.id, reason: r.reason, total: fixed(dec(r.amount).negated(), dp) })),
    payment_url: `${ctx.homeUrl}/checkout/order-pay/${o.id}/?pay_for_order=true&key=${o.order_key}`,
    is_editable: ['pending', 'on-hold', 'auto-draft', 'checkout-draft'].includes(o.status),
    needs_payment: unpaid && !dec(o.total).isZero(),
    needs_processing: true,
    date_created_gmt: o.date_created_gmt,
    date_modified_gmt: o.date_modified_gmt,
    date_completed_gmt: o.date_completed_gmt,
    date_paid_gmt: o.date_paid_gmt,
    currency_symbol: CURRENCY_SYMBOLS[o.currency] ?? o.currency,
    _links: links(`${base}/orders/${o.id}`, `${base}/orders`, extraLinks),
  };
}

/** A refund as `GET /orders/{id}/refunds/{rid}` returns it (`withParent` for WC 9 `/refunds`). */
export function restRefund(r: WcRefundRecord, ctx: RestContext, withParent = false): Json {
  if (r.verbatim) return withParent ? { id: r.id, parent_id: r.parent_id, ...r.verbatim } : r.verbatim;
  const dp = ctx.dp ?? ctx.settings.decimals;
  const base = `${ctx.homeUrl}/wp-json/wc/v3`;
  return {
    id: r.id,
    ...(withParent ? { parent_id: r.parent_id } : {}),
    date_created: localDate(r.date_created_gmt, ctx.settings.timezone),
    date_created_gmt: r.date_created_gmt,
    amount: money(r.amount, dp),
    reason: r.reason,
    refunded_by: r.refunded_by,
    refunded_payment: r.refunded_payment,
    meta_data: meta(r.meta_data, false),
    line_items: r.line_items.map((li) => restLineItem(li, dp)),
    shipping_lines: r.shipping_lines.map((s) => restShippingLine(s, dp)),
    tax_lines: r.tax_lines.map((t) => restTaxLine(t, dp)),
    fee_lines: r.fee_lines.map((f) => restFeeLine(f, dp)),
    _links: links(`${base}/orders/${r.parent_id}/refunds/${r.id}`, `${base}/orders/${r.parent_id}/refunds`, {
      up: [{ href: `${base}/orders/${r.parent_id}` }],
    }),
  };
}

/** WordPress's wp_json_encode: slashes escaped as `\/` (and non-ASCII as \uXXXX). */
export function wpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
