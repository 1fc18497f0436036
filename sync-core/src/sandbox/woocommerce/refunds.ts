/**
 * wc_create_refund: builds a refund record from a refund request the way WooCommerce does
 * (negative copies of the refunded items with `_refunded_item_id`, positive `amount`).
 * Used by the generator and by `POST /orders/{id}/refunds` in the simulator.
 */
import { D, type Dec, dec, fixed } from '../../model/money';
import { itemTaxTotal, raw, roundTo, roundingPrecision } from './totals';
import type { WcFeeLineRecord, WcLineItemRecord, WcOrderRecord, WcRefundRecord, WcShippingLineRecord, WcShopSettings, WcStoredTax, WcTaxLineRecord } from './types';

export interface RefundLineRequest {
  /** Id of the order's line item, shipping line or fee line. */
  id: number;
  quantity?: number;
  /** Net (excl. tax) amount refunded, positive. */
  refund_total?: string;
  /** Tax refunded per rate, positive. */
  refund_tax?: { id: number; refund_total: string }[];
}

export interface RefundRequest {
  amount?: string;
  reason?: string;
  refunded_by?: number;
  line_items?: RefundLineRequest[];
  /** True when the payment gateway refunded the money (set by the caller after the gateway call). */
  refunded_payment?: boolean;
}

export function totalRefunded(order: WcOrderRecord): Dec {
  return order.refunds.reduce((a, r) => a.plus(dec(r.amount)), new D(0));
}

export function remainingRefundAmount(order: WcOrderRecord): Dec {
  return dec(order.total).minus(totalRefunded(order));
}

/** Σ(refund_total + refund_tax) of the request's lines. */
export function refundLinesAmount(lines: RefundLineRequest[]): Dec {
  let a = new D(0);
  for (const l of lines) {
    a = a.plus(dec(l.refund_total ?? '0'));
    for (const t of l.refund_tax ?? []) a = a.plus(dec(t.refund_total || '0'));
  }
  return a;
}

function refundTaxes(req: RefundLineRequest, p: number): { taxes: WcStoredTax[]; map: Map<number, Dec> } {
  const map = new Map<number, Dec>();
  for (const t of req.refund_tax ?? []) map.set(t.id, dec(t.refund_total || '0').negated());
  return { taxes: [...map].map(([id, v]) => ({ id, total: raw(v, p), subtotal: raw(v, p) })), map };
}

/**
 * Build the refund record. Does not validate amounts against the order (the caller does, with
 * WooCommerce's error codes) and does not attach it to the order.
 */
export function buildRefund(
  order: WcOrderRecord,
  req: RefundRequest,
  ids: { refundId: number; nextItemId: () => number; nowGmt: string },
  s: WcShopSettings,
): WcRefundRecord {
  const p = roundingPrecision(s.decimals);
  const lineItems: WcLineItemRecord[] = [];
  const shippingLines: WcShippingLineRecord[] = [];
  const feeLines: WcFeeLineRecord[] = [];
  for (const l of req.line_items ?? []) {
    const qty = l.quantity ?? 0;
    const total = dec(l.refund_total ?? '0').negated();
    const { taxes, map } = refundTaxes(l, p);
    if (!qty && total.isZero() && map.size === 0) continue;
    const refMeta = [{ id: ids.nextItemId(), key: '_refunded_item_id', value: String(l.id) }];
    const item = order.line_items.find((x) => x.id === l.id);
    if (item) {
      lineItems.push({
        ...item,
        id: ids.nextItemId(),
        quantity: -qty,
        subtotal: raw(total, p),
        subtotal_tax: raw(itemTaxTotal(map, s), p),
        total: raw(total, p),
        total_tax: raw(itemTaxTotal(map, s), p),
        taxes,
        meta_data: refMeta,
      });
      continue;
    }
    const ship = order.shipping_lines.find((x) => x.id === l.id);
    if (ship) {
      shippingLines.push({ ...ship, id: ids.nextItemId(), total: raw(total, p), total_tax: raw(itemTaxTotal(map, s), p), taxes: taxes.map((t) => ({ id: t.id, total: t.total })), meta_data: refMeta });
      continue;
    }
    const fee = order.fee_lines.find((x) => x.id === l.id);
    if (fee) {
      feeLines.push({ ...fee, id: ids.nextItemId(), amount: raw(total, p), total: raw(total, p), total_tax: raw(itemTaxTotal(map, s), p), taxes: taxes.map((t) => ({ id: t.id, total: t.total })), meta_data: refMeta });
    }
    // unknown item ids are skipped, as wc_create_refund does
  }
  const amount = req.amount !== undefined && req.amount !== '' ? dec(req.amount) : refundLinesAmount(req.line_items ?? []);
  // WC_Abstract_Order::update_taxes on the refund: one tax line per rate, items and fees first,
  // then the shipping-only rates; a rate refunded only on shipping has tax_total 0
  const cartTaxes = new Map<number, Dec>();
  const shippingTaxes = new Map<number, Dec>();
  const addTo = (m: Map<number, Dec>, lines: Array<{ taxes: WcStoredTax[] }>) => {
    for (const l of lines) for (const t of l.taxes) m.set(t.id, (m.get(t.id) ?? new D(0)).plus(s.roundAtSubtotal ? dec(t.total) : roundTo(t.total, s.decimals)));
  };
  addTo(cartTaxes, [...lineItems, ...feeLines]);
  addTo(shippingTaxes, shippingLines);
  const taxLines: WcTaxLineRecord[] = [];
  for (const rateId of new Set([...cartTaxes.keys(), ...shippingTaxes.keys()])) {
    const of = order.tax_lines.find((t) => t.rate_id === rateId);
    if (!of) continue;
    taxLines.push({ ...of, id: ids.nextItemId(), tax_total: raw(cartTaxes.get(rateId) ?? new D(0), p), shipping_tax_total: raw(shippingTaxes.get(rateId) ?? new D(0), p), meta_data: [] });
  }
  return {
    id: ids.refundId,
    parent_id: order.id,
    date_created_gmt: ids.nowGmt,
    amount: fixed(amount, s.decimals),
    reason: req.reason ?? '',
    refunded_by: req.refunded_by ?? 1,
    refunded_payment: req.refunded_payment ?? false,
    meta_data: [],
    line_items: lineItems,
    shipping_lines: shippingLines,
    fee_lines: feeLines,
    tax_lines: taxLines,
  };
}

/**
 * What wp-admin's refund form fills in for refunding `qty` units of a line item: the line's net and
 * per-rate tax pro rata, rounded to price decimals.
 */
export function proRataLineRefund(item: WcLineItemRecord, qty: number, decimals: number): RefundLineRequest {
  const share = new D(qty).div(item.quantity);
  return {
    id: item.id,
    quantity: qty,
    refund_total: fixed(dec(item.total).times(share), decimals),
    refund_tax: item.taxes.map((t) => ({ id: t.id, refund_total: fixed(dec(t.total).times(share), decimals) })),
  };
}

/** A refund of a whole shipping or fee line. */
export function wholeLineRefund(line: WcShippingLineRecord | WcFeeLineRecord, decimals: number): RefundLineRequest {
  return {
    id: line.id,
    refund_total: fixed(line.total, decimals),
    refund_tax: line.taxes.map((t) => ({ id: t.id, refund_total: fixed(t.total, decimals) })),
  };
}
