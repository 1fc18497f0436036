/**
 * The public WooCommerce documentation examples (order 727, order 723 with refunds 724/726, the
 * WC 8 payload) as simulator records served verbatim. They are US-tax examples; kept as they are.
 */
import type { WcOrderRecord, WcRefundRecord } from './types';

type Json = Record<string, unknown>;

const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** A record that serves `order` verbatim; `refunds` are its refund objects (GET /orders/{id}/refunds). */
export function recordFromRest(order: Json, refunds: Json[] = []): WcOrderRecord {
  const refundRecords: WcRefundRecord[] = refunds.map((r) => ({
    id: Number(r.id),
    parent_id: Number(order.id),
    date_created_gmt: s(r.date_created_gmt),
    amount: s(r.amount),
    reason: s(r.reason),
    refunded_by: Number(r.refunded_by ?? 0),
    refunded_payment: r.refunded_payment === true,
    meta_data: [],
    line_items: [],
    shipping_lines: [],
    fee_lines: [],
    tax_lines: [],
    verbatim: r,
  }));
  const billing = (order.billing ?? {}) as WcOrderRecord['billing'];
  const shipping = (order.shipping ?? {}) as WcOrderRecord['shipping'];
  return {
    id: Number(order.id),
    parent_id: Number(order.parent_id ?? 0),
    number: s(order.number),
    order_key: s(order.order_key),
    created_via: s(order.created_via),
    version: s(order.version),
    status: s(order.status),
    currency: s(order.currency),
    prices_include_tax: order.prices_include_tax === true,
    date_created_gmt: s(order.date_created_gmt ?? order.date_created),
    date_modified_gmt: s(order.date_modified_gmt ?? order.date_modified),
    date_paid_gmt: order.date_paid_gmt ? s(order.date_paid_gmt) : null,
    date_completed_gmt: order.date_completed_gmt ? s(order.date_completed_gmt) : null,
    discount_total: s(order.discount_total),
    discount_tax: s(order.discount_tax),
    shipping_total: s(order.shipping_total),
    shipping_tax: s(order.shipping_tax),
    cart_tax: s(order.cart_tax),
    total: s(order.total),
    total_tax: s(order.total_tax),
    customer_id: Number(order.customer_id ?? 0),
    customer_ip_address: s(order.customer_ip_address),
    customer_user_agent: s(order.customer_user_agent),
    customer_note: s(order.customer_note),
    billing,
    shipping,
    payment_method: s(order.payment_method),
    payment_method_title: s(order.payment_method_title),
    transaction_id: s(order.transaction_id),
    cart_hash: s(order.cart_hash),
    meta_data: [],
    line_items: [],
    tax_lines: [],
    shipping_lines: [],
    fee_lines: [],
    coupon_lines: [],
    refunds: refundRecords,
    verbatim: structuredClone(order),
    verbatimRefunds: refunds,
  };
}
