/**
 * WooCommerce REST order (+ its refunds + the shop's tax rates) -> canonical Order.
 * Pure: no I/O. A payload that cannot be read (e.g. "12,30" as an amount, a missing id or date)
 * becomes an error value with a plain-language reason, never an exception.
 */
import { dec, fixed, parseAmount } from '../../model/money';
import { ShopbooksError } from '../../model/errors';
import { parseOrder, type LineTax, type OrderInput, type OrderState, type Refund, type RefundLine, type TaxRate } from '../../model/order';
import type { SourceOrder } from '../port';

type Json = Record<string, unknown>;

export interface MapWooOrderOptions {
  shopId: string;
  /** The order's refund objects (`GET /orders/{id}/refunds`); required when `refunds[]` is non-empty. */
  refunds?: unknown[];
  /** Reading the refunds failed: each refund the order lists becomes a refund read error (the order itself is still read). */
  refundsError?: ShopbooksError;
  /** The shop's `GET /taxes` table. */
  taxRates?: unknown[];
  /** The shop's "round tax at subtotal" setting, when known; inferred from the lines otherwise. */
  roundTaxAtSubtotal?: boolean;
}

/** Order meta keys under which common EU VAT plugins store the customer's VAT number. */
export const VAT_NUMBER_META_KEYS = [
  '_billing_vat_number',
  'billing_vat_number',
  'vat_number',
  '_vat_number',
  'billing_eu_vat_number',
  '_billing_eu_vat_number',
  'yweu_billing_vat',
  '_vat_id',
];

const STATE_BY_STATUS: Record<string, OrderState> = {
  pending: 'pending',
  processing: 'paid',
  'on-hold': 'on-hold',
  completed: 'completed',
  cancelled: 'cancelled',
  refunded: 'refunded',
  failed: 'failed',
  'checkout-draft': 'draft',
};

export function wooStatusToState(status: string): OrderState {
  return STATE_BY_STATUS[status] ?? 'other';
}

/** A mapping failure carrying the field path, turned into a ShopbooksError at the boundary. */
class MapProblem extends Error {
  constructor(
    readonly code: 'MalformedNumber' | 'MalformedOrder' | 'RemoteBadResponse',
    message: string,
  ) {
    super(message);
  }
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function amount(v: unknown, field: string): string {
  try {
    return parseAmount(v, field);
  } catch (e) {
    throw new MapProblem('MalformedNumber', (e as Error).message);
  }
}

function required(o: Json, key: string, where: string): unknown {
  const v = o[key];
  if (v === undefined || v === null) throw new MapProblem('MalformedOrder', `${where}${key} is missing`);
  return v;
}

function arr(o: Json, key: string, where: string): Json[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MapProblem('MalformedOrder', `${where}${key} is not a list`);
  return v.map((x, i) => {
    if (!isObj(x)) throw new MapProblem('MalformedOrder', `${where}${key}[${i}] is not an object`);
    return x;
  });
}

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

function idOf(v: unknown, field: string): string {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return String(v);
  if (typeof v === 'string' && /^\d+$/.test(v) && v !== '0') return v;
  throw new MapProblem('MalformedOrder', `${field} is not a valid id (${JSON.stringify(v)?.slice(0, 30)})`);
}

/** WooCommerce GMT date "2024-03-01T10:00:00" -> "2024-03-01T10:00:00Z". */
function gmtDate(v: unknown, field: string, nullable: true): string | null;
function gmtDate(v: unknown, field: string, nullable: false): string;
function gmtDate(v: unknown, field: string, nullable: boolean): string | null {
  if (v === null || v === undefined || v === '') {
    if (nullable) return null;
    throw new MapProblem('MalformedOrder', `${field} is missing`);
  }
  const s = str(v).trim();
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00:?00)?$/.exec(s);
  if (!m || Number.isNaN(new Date(`${m[1]}T${m[2]}Z`).getTime())) throw new MapProblem('MalformedOrder', `${field} is not a date-time: "${s.slice(0, 40)}"`);
  return `${m[1]}T${m[2]}Z`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '–', mdash: '—', times: '×', nbsp: '\u00a0', euro: '€', hellip: '…', rsquo: '’', lsquo: '‘', ldquo: '“', rdquo: '”' };

/** WooCommerce HTML-escapes item names ("Color &ndash; Black"); books want plain text. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

function taxesOf(x: Json, where: string, which: 'total' | 'subtotal', negate = false): LineTax[] {
  return arr(x, 'taxes', where)
    .map((t, i) => {
      const v = t[which];
      if (which === 'subtotal' && (v === undefined || v === '')) return null;
      const a = amount(v, `${where}taxes[${i}].${which}`);
      return { rateId: idOf(t.id, `${where}taxes[${i}].id`), amount: negate ? flip(a) : a };
    })
    .filter((t): t is LineTax => t !== null);
}

/** Sign flip at string level, keeping the shop's decimals ("-9.00" -> "9.00", "0.9" -> "-0.9"). */
function flip(a: string): string {
  if (dec(a).isZero()) return a.replace(/^-/, '');
  return a.startsWith('-') ? a.slice(1) : `-${a}`;
}

/** Refund lines carry negative amounts; canonical refund lines are positive. */
function positive(a: string): string {
  return a.replace(/^-/, '');
}

function address(a: unknown): OrderInput['customer']['billing'] {
  const o = isObj(a) ? a : {};
  return {
    line1: str(o.address_1),
    line2: str(o.address_2),
    postcode: str(o.postcode),
    city: str(o.city),
    state: str(o.state),
    country: str(o.country).trim().toUpperCase(),
  };
}

function hasAddress(a: unknown): boolean {
  if (!isObj(a)) return false;
  return ['address_1', 'city', 'postcode', 'country', 'first_name', 'last_name'].some((k) => str(a[k]).trim() !== '');
}

function metaValue(meta: Json[], keys: string[]): string {
  for (const k of keys) {
    const m = meta.find((x) => x.key === k && typeof x.value === 'string' && x.value.trim() !== '');
    if (m) return str(m.value).trim();
  }
  return '';
}

function inferRoundAtSubtotal(lines: Json[]): boolean {
  // With per-line rounding every line's total_tax is Σ round(per-rate tax); raw sums show through otherwise.
  for (const li of lines) {
    const taxes = Array.isArray(li.taxes) ? (li.taxes as Json[]) : [];
    if (!taxes.length) continue;
    try {
      const perLine = taxes.reduce((a, t) => a.plus(dec(fixed(parseAmount(t.total, 'tax'), 2))), dec(0));
      const rawSum = taxes.reduce((a, t) => a.plus(dec(parseAmount(t.total, 'tax'))), dec(0));
      const shown = dec(parseAmount(li.total_tax, 'total_tax'));
      if (!perLine.eq(rawSum) && shown.eq(dec(fixed(rawSum, 2))) && !shown.eq(perLine)) return true;
    } catch {
      return false;
    }
  }
  return false;
}

function mapRefund(r: Json, orderId: string, i: number): Refund {
  const where = `refund ${str(r.id) || `#${i + 1}`}: `;
  const lines: RefundLine[] = [];
  const refundedId = (x: Json): string | null => {
    const m = arr(x, 'meta_data', where).find((e) => e.key === '_refunded_item_id');
    return m && str(m.value) !== '' ? str(m.value) : null;
  };
  arr(r, 'line_items', where).forEach((li, j) => {
    const w = `${where}line_items[${j}].`;
    const q = amount(required(li, 'quantity', w), `${w}quantity`);
    lines.push({
      id: idOf(li.id, `${w}id`),
      kind: 'item',
      originalLineId: refundedId(li),
      name: decodeEntities(str(li.name)),
      sku: li.sku === null || li.sku === undefined || li.sku === '' ? null : str(li.sku),
      quantity: positive(q),
      net: positive(amount(li.total, `${w}total`)),
      tax: positive(amount(li.total_tax, `${w}total_tax`)),
      taxes: taxesOf(li, w, 'total', true),
    });
  });
  arr(r, 'shipping_lines', where).forEach((s, j) => {
    const w = `${where}shipping_lines[${j}].`;
    lines.push({
      id: idOf(s.id, `${w}id`),
      kind: 'shipping',
      originalLineId: refundedId(s),
      name: decodeEntities(str(s.method_title)),
      sku: null,
      quantity: '1',
      net: positive(amount(s.total, `${w}total`)),
      tax: positive(amount(s.total_tax, `${w}total_tax`)),
      taxes: taxesOf(s, w, 'total', true),
    });
  });
  arr(r, 'fee_lines', where).forEach((f, j) => {
    const w = `${where}fee_lines[${j}].`;
    lines.push({
      id: idOf(f.id, `${w}id`),
      kind: 'fee',
      originalLineId: refundedId(f),
      name: decodeEntities(str(f.name)),
      sku: null,
      quantity: '1',
      net: flip(amount(f.total, `${w}total`)),
      tax: flip(amount(f.total_tax, `${w}total_tax`)),
      taxes: taxesOf(f, w, 'total', true),
    });
  });
  const amt = amount(required(r, 'amount', where), `${where}amount`);
  if (dec(amt).isNegative()) throw new MapProblem('MalformedOrder', `${where}amount is negative (${amt}); WooCommerce refund amounts are positive`);
  return {
    id: idOf(r.id, `${where}id`),
    orderId,
    createdAt: gmtDate(r.date_created_gmt ?? r.date_created, `${where}date_created_gmt`, false),
    amount: amt,
    reason: decodeEntities(str(r.reason)),
    lines,
  };
}

function mapTaxRate(t: Json): TaxRate | null {
  try {
    return {
      id: idOf(t.id, 'tax rate id'),
      percent: dec(parseAmount(t.rate, 'rate')).toFixed(),
      label: str(t.name),
      country: str(t.country).toUpperCase(),
      taxClass: str(t.class) === 'standard' ? '' : str(t.class),
      compound: t.compound === true,
    };
  } catch {
    return null;
  }
}

/** Map one WooCommerce REST order. */
export function mapWooOrder(input: unknown, opts: MapWooOrderOptions): SourceOrder {
  const o = isObj(input) ? input : {};
  const rawId = o.id;
  const id = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId) : '';
  const number = o.number !== undefined && o.number !== null && str(o.number) !== '' ? str(o.number) : id || null;
  const modifiedAt = (() => {
    try {
      return gmtDate(o.date_modified_gmt, 'date_modified_gmt', true);
    } catch {
      return null;
    }
  })();
  const fail = (code: ShopbooksError['code'], message: string, retryable = false): SourceOrder => ({
    ok: false,
    id,
    number,
    modifiedAt,
    error: new ShopbooksError(code, `WooCommerce order ${number ?? id ?? '?'}: ${message}`, { retryable, details: { orderId: id } }),
  });
  if (!isObj(input)) return fail('MalformedOrder', 'the shop sent something that is not an order object');
  try {
    const orderId = idOf(rawId, 'id');
    const lineItems = arr(o, 'line_items', '');
    const meta = arr(o, 'meta_data', '');
    const billing = isObj(o.billing) ? o.billing : {};
    const status = str(required(o, 'status', ''));
    const currency = str(required(o, 'currency', '')).trim().toUpperCase();

    // refunds: the summary on the order says which refund objects must be there
    // One unreadable refund (or a failed refunds fetch) does not hide the order: it becomes that
    // refund's own read error, recorded on the refund's ledger entry and retried.
    const summary = arr(o, 'refunds', '');
    const refundObjs = opts.refundsError ? [] : (opts.refunds ?? []).filter(isObj);
    if (summary.length && opts.refunds === undefined && !opts.refundsError) {
      throw new MapProblem('RemoteBadResponse', `has ${summary.length} refund(s) but they were not fetched`);
    }
    const refundErrors: Array<{ id: string; error: ShopbooksError }> = [];
    const label = `WooCommerce order ${number ?? orderId}`;
    const fetchedIds = new Set(refundObjs.map((r) => str(r.id)));
    for (const m of summary.filter((x) => !fetchedIds.has(str(x.id)))) {
      const rid = str(m.id);
      if (!rid) throw new MapProblem('RemoteBadResponse', 'lists a refund without an id');
      const why = opts.refundsError ? `reading its refunds failed: ${opts.refundsError.message}` : 'the shop did not return it with the order\'s refunds';
      refundErrors.push({ id: rid, error: new ShopbooksError('RemoteBadResponse', `${label}: refund ${rid} could not be read (${why}). It is retried.`, { retryable: true, details: { orderId, refundId: rid } }) });
    }
    const refunds: Refund[] = [];
    refundObjs.forEach((r, i) => {
      try {
        refunds.push(mapRefund(r, orderId, i));
      } catch (e) {
        const rid = str(r.id);
        if (!rid || !(e instanceof MapProblem)) throw e;
        refundErrors.push({ id: rid, error: new ShopbooksError(e.code, `${label}: ${e.message}`, { retryable: e.code === 'RemoteBadResponse', details: { orderId, refundId: rid } }) });
      }
    });

    // tax rates used anywhere on the order
    const table = (opts.taxRates ?? []).filter(isObj).map(mapTaxRate).filter((t): t is TaxRate => t !== null);
    const taxLines = arr(o, 'tax_lines', '');
    const usedIds = new Set<string>();
    for (const t of taxLines) usedIds.add(idOf(t.rate_id, 'tax_lines[].rate_id'));
    for (const key of ['line_items', 'shipping_lines', 'fee_lines'] as const) for (const x of arr(o, key, '')) for (const t of arr(x, 'taxes', `${key}[]`)) usedIds.add(idOf(t.id, `${key}[].taxes[].id`));
    const taxRates: TaxRate[] = [];
    for (const rid of usedIds) {
      const fromTable = table.find((t) => t.id === rid);
      if (fromTable) {
        taxRates.push(fromTable);
        continue;
      }
      const tl = taxLines.find((t) => str(t.rate_id) === rid);
      if (tl && tl.rate_percent !== undefined && tl.rate_percent !== null && tl.rate_percent !== '') {
        taxRates.push({ id: rid, percent: dec(amount(tl.rate_percent, `tax_lines rate ${rid} rate_percent`)).toFixed(), label: str(tl.label), country: '', taxClass: '', compound: tl.compound === true });
      }
      // else: unknown rate; plan/ refuses the order with UnknownVatRate
    }

    const shippingAddress = hasAddress(o.shipping) ? address(o.shipping) : null;
    const candidate: OrderInput = {
      platform: 'woocommerce',
      shopId: opts.shopId,
      id: orderId,
      number: number ?? orderId,
      status,
      state: wooStatusToState(status),
      channel: ['checkout', 'store-api', ''].includes(str(o.created_via)) ? 'web' : str(o.created_via),
      createdAt: gmtDate(o.date_created_gmt, 'date_created_gmt', false),
      modifiedAt: gmtDate(o.date_modified_gmt, 'date_modified_gmt', false),
      paidAt: gmtDate(o.date_paid_gmt, 'date_paid_gmt', true),
      currency,
      pricesIncludeTax: o.prices_include_tax === true,
      roundTaxAtSubtotal: opts.roundTaxAtSubtotal ?? inferRoundAtSubtotal(lineItems),
      customer: {
        shopCustomerId: typeof o.customer_id === 'number' && o.customer_id > 0 ? String(o.customer_id) : null,
        email: str(billing.email).trim(),
        firstName: str(billing.first_name),
        lastName: str(billing.last_name),
        company: str(billing.company),
        phone: str(billing.phone),
        vatNumber: metaValue(meta, VAT_NUMBER_META_KEYS).replace(/\s+/g, '').toUpperCase(),
        // the checkout stores whether WooCommerce treated the customer as VAT-exempt (WC_Customer::is_vat_exempt)
        taxExempt: metaValue(meta, ['is_vat_exempt']).toLowerCase() === 'yes',
        billing: address(billing),
        shipping: shippingAddress,
      },
      lines: lineItems.map((li, i) => {
        const w = `line_items[${i}].`;
        const qty = amount(required(li, 'quantity', w), `${w}quantity`);
        const net = amount(required(li, 'total', w), `${w}total`);
        const unit = li.price !== undefined && li.price !== null && li.price !== '' ? amount(li.price, `${w}price`) : dec(qty).isZero() ? '0' : dec(net).div(qty).toFixed();
        return {
          id: idOf(li.id, `${w}id`),
          name: decodeEntities(str(li.name)),
          sku: li.sku === null || li.sku === undefined || li.sku === '' ? null : str(li.sku),
          productId: li.product_id ? str(li.product_id) : null,
          quantity: qty,
          unitNet: unit,
          subtotalNet: amount(li.subtotal ?? li.total, `${w}subtotal`),
          subtotalTax: amount(li.subtotal_tax ?? li.total_tax, `${w}subtotal_tax`),
          net,
          tax: amount(required(li, 'total_tax', w), `${w}total_tax`),
          taxes: taxesOf(li, w, 'total'),
          subtotalTaxes: taxesOf(li, w, 'subtotal'),
        };
      }),
      shipping: arr(o, 'shipping_lines', '').map((s, i) => {
        const w = `shipping_lines[${i}].`;
        return {
          id: idOf(s.id, `${w}id`),
          name: decodeEntities(str(s.method_title)),
          methodId: str(s.method_id),
          net: amount(required(s, 'total', w), `${w}total`),
          tax: amount(s.total_tax, `${w}total_tax`),
          taxes: taxesOf(s, w, 'total'),
        };
      }),
      fees: arr(o, 'fee_lines', '').map((f, i) => {
        const w = `fee_lines[${i}].`;
        return {
          id: idOf(f.id, `${w}id`),
          name: decodeEntities(str(f.name)),
          net: amount(required(f, 'total', w), `${w}total`),
          tax: amount(f.total_tax, `${w}total_tax`),
          taxes: taxesOf(f, w, 'total'),
        };
      }),
      discounts: arr(o, 'coupon_lines', '').map((c, i) => ({
        code: str(c.code),
        kind: 'coupon' as const,
        net: amount(c.discount, `coupon_lines[${i}].discount`),
        tax: amount(c.discount_tax, `coupon_lines[${i}].discount_tax`),
      })),
      taxRates,
      taxes: taxLines.map((t, i) => ({
        rateId: idOf(t.rate_id, `tax_lines[${i}].rate_id`),
        itemsTax: amount(t.tax_total, `tax_lines[${i}].tax_total`),
        shippingTax: amount(t.shipping_tax_total, `tax_lines[${i}].shipping_tax_total`),
      })),
      totals: {
        total: amount(required(o, 'total', ''), 'total'),
        totalTax: amount(required(o, 'total_tax', ''), 'total_tax'),
        shippingNet: amount(o.shipping_total, 'shipping_total'),
        discountNet: amount(o.discount_total, 'discount_total'),
      },
      refunds,
      paymentMethod: str(o.payment_method),
      transactionId: str(o.transaction_id),
    };
    const parsed = parseOrder(candidate);
    if (!parsed.ok) return fail('MalformedOrder', `cannot be read: ${parsed.problems.join('; ')}`);
    return refundErrors.length ? { ok: true, order: parsed.order, refundErrors } : { ok: true, order: parsed.order };
  } catch (e) {
    if (e instanceof MapProblem) return fail(e.code, e.message, e.code === 'RemoteBadResponse');
    return fail('MalformedOrder', `cannot be read: ${(e as Error).message}`);
  }
}
