/**
 * The bad-input corpus: malformed or hostile WooCommerce orders as REST payloads, each built from a
 * good base order (a generated Dutch order with one taxed line, as the simulator serialises it)
 * by one mutation, with the outcome Shopbooks must give written down per target.
 *
 * Outcomes: `booked` (to the cent), `failed` with an error code (recorded in the ledger with a
 * plain-language reason, retried or shown to the user), `skipped` (nothing to book), `ignored`
 * (not a sale: never enters the ledger).
 */
type Json = Record<string, unknown>;

export type Outcome = { status: 'booked' } | { status: 'failed'; code: string } | { status: 'skipped' } | { status: 'ignored' };
export type TargetName = 'exact' | 'moneybird';

export interface CorpusCase {
  name: string;
  /** What is wrong with the order, in words. */
  what: string;
  order: Json;
  refunds?: Json[];
  /** Expected outcome per target (one value = both). */
  expect: Outcome | Record<TargetName, Outcome>;
  /**
   * A defect found by the corpus and reported, not yet fixed: `expect` is the RIGHT outcome; the
   * corpus test asserts it with it.failing, so the test turns red once the defect is fixed.
   */
  knownBug?: string;
  /** The shop's tax summary (tax_lines) is empty on purpose: the books' VAT follows the line taxes. */
  noTaxSummary?: boolean;
}

const BOOKED: Outcome = { status: 'booked' };
const failed = (code: string): Outcome => ({ status: 'failed', code });

const clone = <T>(v: T): T => structuredClone(v);
const money = (cents: bigint): string => {
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
};
const cents = (s: unknown): bigint => {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(s));
  if (!m) throw new Error(`corpus: not an amount ${String(s)}`);
  return (m[1] ? -1n : 1n) * (BigInt(m[2]) * 100n + BigInt((m[3] ?? '0').padEnd(2, '0')));
};

/** The base order's single line scaled to `qty` (line and order totals kept consistent). */
function withQuantity(base: Json, qty: number): Json {
  const o = clone(base);
  const line = (o.line_items as Json[])[0];
  const unitNet = cents(line.subtotal) / BigInt(line.quantity as number);
  const unitTax = cents(line.subtotal_tax) / BigInt(line.quantity as number);
  const net = unitNet * BigInt(qty);
  const tax = unitTax * BigInt(qty);
  Object.assign(line, { quantity: qty, subtotal: money(net), total: money(net), subtotal_tax: money(tax), total_tax: money(tax), taxes: [{ ...((line.taxes as Json[])[0] ?? {}), total: money(tax), subtotal: money(tax) }] });
  return retotal(o);
}

/** A free order: its line at quantity 0 and no shipping, so the total is 0.00. */
export function zeroTotal(base: Json): Json {
  const o = withQuantity(base, 0);
  o.shipping_lines = [];
  o.shipping_total = '0.00';
  o.shipping_tax = '0.00';
  for (const t of (o.tax_lines as Json[] | undefined) ?? []) Object.assign(t, { tax_total: '0.00', shipping_tax_total: '0.00' });
  return retotal(o);
}

/** Recompute the order totals from its lines, shipping and fees (no coupons). */
function retotal(o: Json): Json {
  let net = 0n;
  let tax = 0n;
  for (const l of o.line_items as Json[]) {
    net += cents(l.total);
    tax += cents(l.total_tax);
  }
  let ship = 0n;
  let shipTax = 0n;
  for (const s of o.shipping_lines as Json[]) {
    ship += cents(s.total);
    shipTax += cents(s.total_tax);
  }
  let fees = 0n;
  for (const f of o.fee_lines as Json[]) {
    fees += cents(f.total);
    tax += cents(f.total_tax);
  }
  o.cart_tax = money(tax);
  o.shipping_total = money(ship);
  o.shipping_tax = money(shipTax);
  o.total_tax = money(tax + shipTax);
  o.total = money(net + tax + ship + shipTax + fees);
  const tl = (o.tax_lines as Json[])[0];
  if (tl) Object.assign(tl, { tax_total: money(tax), shipping_tax_total: money(shipTax) });
  return o;
}

function many(base: Json, lines: number): Json {
  const o = clone(base);
  const line = (o.line_items as Json[])[0];
  o.line_items = Array.from({ length: lines }, (_, i) => ({ ...clone(line), id: 900000 + i, name: `${String(line.name)} #${i + 1}` }));
  return retotal(o);
}

/**
 * All cases. `base` is a good paid order (EUR, NL, one line at 21%, shipping); `ids` hands out
 * fresh post ids; every case gets its own id and order number.
 */
export function buildCorpus(base: Json, ids: () => number): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (name: string, what: string, mutate: (o: Json) => Json | void, expect: CorpusCase['expect'], more: Partial<CorpusCase> = {}) => {
    const o = clone(base);
    const id = ids();
    Object.assign(o, { id, number: String(id), order_key: `wc_order_${id}` });
    const out = mutate(o) ?? o;
    Object.assign(out, { id, number: out.number === String(id) || out.number === base.number ? String(id) : out.number });
    cases.push({ name, what, order: out, expect, ...more });
  };
  const billing = (o: Json) => o.billing as Json;
  const line0 = (o: Json) => (o.line_items as Json[])[0];

  add('good-base', 'the base order, unchanged', () => undefined, BOOKED);
  add('email-missing', 'no billing e-mail (a phone order)', (o) => void (billing(o).email = ''), failed('CustomerEmailMissing'));
  add('email-invalid', 'billing e-mail "not-an-email"', (o) => void (billing(o).email = 'not-an-email'), failed('CustomerEmailInvalid'));
  add('email-padded-case', 'e-mail with spaces and capitals', (o) => void (billing(o).email = '  Jan.DE.Vries@Example.NL '), BOOKED);
  add('vat-unknown-rate', 'a 17% tax line the administration has no VAT code for', (o) => {
    const tl = (o.tax_lines as Json[])[0];
    Object.assign(tl, { rate_id: 99999, rate_code: 'NL-BTW 17%-1', rate_percent: 17, label: 'BTW 17%' });
    for (const l of [...(o.line_items as Json[]), ...(o.shipping_lines as Json[])]) for (const t of (l.taxes as Json[]) ?? []) t.id = 99999;
  }, failed('VatCodeNotMapped'));
  add('quantity-negative', 'a line with quantity -1', (o) => void (line0(o).quantity = -1), failed('NegativeQuantity'));
  add('quantity-zero', 'a line with quantity 0', (o) => void (line0(o).quantity = 0), BOOKED);
  add('amount-absurd', 'a consistent order of 99 999 999 x the product', (o) => withQuantity(o, 99_999_999), failed('AbsurdAmount'));
  add('total-off-by-a-cent', 'total one cent more than its lines', (o) => void (o.total = money(cents(o.total) + 1n)), BOOKED);
  add('total-not-a-number', 'total "abc"', (o) => void (o.total = 'abc'), failed('MalformedNumber'));
  add('total-decimal-comma', 'total "12,50" (decimal comma)', (o) => void (o.total = String(o.total).replace('.', ',')), failed('MalformedNumber'));
  add('lines-10000', 'an order with 10 000 lines', (o) => many(o, 10_000), BOOKED);
  add('name-300-chars', 'first name of 300 characters', (o) => void (billing(o).first_name = 'A'.repeat(300)), { exact: BOOKED, moneybird: failed('NameTooLong') });
  add('company-300-chars', 'company name of 300 characters', (o) => void (billing(o).company = 'Bedrijf '.repeat(38)), { exact: BOOKED, moneybird: failed('NameTooLong') });
  add('name-script', 'HTML and script in the customer name', (o) => void (billing(o).first_name = '<script>alert("x")</script><b>Jan</b>'), BOOKED);
  add('name-emoji', 'emoji in the customer name', (o) => void (billing(o).last_name = 'de Vries 😀🚀👨‍👩‍👧'), BOOKED);
  add('product-html-emoji', 'HTML entities, tags and emoji in the product name', (o) => void (line0(o).name = 'Mok &amp; <i>schotel</i> ☕️ <img src=x onerror=alert(1)>'), BOOKED);
  add('sku-long-unicode', 'a 200-character SKU with non-ASCII', (o) => void (line0(o).sku = 'ÄÖÜ-'.repeat(50)), BOOKED);
  add('currency-jpy', 'currency JPY, which the administration does not have', (o) => void (o.currency = 'JPY'), failed('CurrencyMismatch'));
  add('currency-unknown', 'currency "XXX"', (o) => void (o.currency = 'XXX'), failed('CurrencyMismatch'));
  add('total-zero', 'a free order (everything zero)', (o) => withQuantity(o, 0), BOOKED);
  add('total-zero-free-shipping', 'a free order with free shipping: total 0.00', (o) => zeroTotal(o), { status: 'skipped' });
  add('discount-100', 'a 100% coupon: lines discounted to zero', (o) => {
    const l = line0(o);
    o.discount_total = l.subtotal;
    o.discount_tax = l.subtotal_tax;
    Object.assign(l, { total: '0.00', total_tax: '0.00', taxes: [{ ...((l.taxes as Json[])[0] ?? {}), total: '0.00' }] });
    o.coupon_lines = [{ id: 1, code: 'gratis', discount: l.subtotal, discount_tax: l.subtotal_tax, meta_data: [] }];
    retotal(o);
  }, BOOKED);
  add('total-negative', 'a negative order total', (o) => void (o.total = money(-cents(o.total))), failed('MalformedOrder'));
  add('line-items-empty', 'no lines but a total', (o) => void (o.line_items = []), failed('TotalsDoNotReconcile'));
  add('billing-null', 'billing is null', (o) => void (o.billing = null), failed('CustomerEmailMissing'));
  add('country-invalid', 'billing country "XX"', (o) => void (billing(o).country = 'XX'), BOOKED);
  add('country-missing', 'no billing country', (o) => void (billing(o).country = ''), BOOKED);
  add('date-invalid', 'date_created_gmt "yesterday"', (o) => {
    o.date_created_gmt = 'yesterday';
    o.date_created = 'yesterday';
  }, failed('MalformedOrder'));
  add('date-future', 'created in the year 2999', (o) => {
    o.date_created_gmt = '2999-01-01T10:00:00';
    o.date_created = '2999-01-01T11:00:00';
  }, { exact: failed('RemoteValidation'), moneybird: BOOKED });
  add('status-custom', 'a custom status "wc-awaiting-shipment"', (o) => void (o.status = 'awaiting-shipment'), { status: 'ignored' });
  add('status-pending', 'unpaid (pending): not a sale yet', (o) => void (o.status = 'pending'), { status: 'ignored' });
  add('line-price-4-decimals', 'a line total with 4 decimals', (o) => void (line0(o).total = `${String(line0(o).total)}49`), BOOKED);
  add('tax-without-tax-line', 'line tax but no tax_lines', (o) => void (o.tax_lines = []), BOOKED, { noTaxSummary: true });
  add('note-script', 'script in the customer note', (o) => void (o.customer_note = '<script>fetch("//evil")</script>'), BOOKED);
  add('vat-number-garbage', 'B2B meta with a garbage VAT number', (o) => {
    billing(o).company = 'Acme BV';
    o.meta_data = [{ id: 1, key: '_billing_vat_number', value: '"><script>' }];
  }, BOOKED);
  add('meta-huge', '2 000 meta entries', (o) => void (o.meta_data = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, key: `k${i}`, value: 'x'.repeat(100) }))), BOOKED);
  add('refund-larger-than-order', 'a refund larger than the order total', (o) => void (o.status = 'refunded'), failed('RefundExceedsOrder'), {
    refunds: [{ id: 0, date_created_gmt: '', amount: 'BIG', reason: 'too much', refunded_by: 1, refunded_payment: true, line_items: [], shipping_lines: [], fee_lines: [], tax_lines: [], meta_data: [] }],
  });
  add('refund-negative', 'a refund of -5.00', (o) => void (o.status = 'completed'), failed('MalformedOrder'), {
    refunds: [{ id: 0, date_created_gmt: '', amount: '-5.00', reason: 'negative', refunded_by: 1, refunded_payment: false, line_items: [], shipping_lines: [], fee_lines: [], tax_lines: [], meta_data: [] }],
  });
  add('refund-zero', 'a refund of 0.00', (o) => void (o.status = 'completed'), BOOKED, {
    refunds: [{ id: 0, date_created_gmt: '', amount: '0.00', reason: 'nothing', refunded_by: 1, refunded_payment: false, line_items: [], shipping_lines: [], fee_lines: [], tax_lines: [], meta_data: [] }],
  });
  add('duplicate-number', 'two orders with the same order number', (o) => void (o.number = 'DUP-1'), BOOKED);
  add('duplicate-number-2', 'the second order numbered DUP-1', (o) => void (o.number = 'DUP-1'), failed('DuplicateReference'));
  add('number-long', 'an order number of 120 characters', (o) => void (o.number = `N${'9'.repeat(119)}`), { exact: failed('NameTooLong'), moneybird: BOOKED });
  add('number-html', 'an order number with HTML', (o) => void (o.number = '<b>42</b>'), BOOKED);
  return cases;
}

/** Refund ids and dates filled in, and the "BIG" refund made larger than the order. */
export function finishRefunds(c: CorpusCase, ids: () => number): Json[] {
  const refunds = (c.refunds ?? []).map((r) => {
    const out: Json = { ...clone(r), id: ids(), date_created_gmt: String(c.order.date_modified_gmt ?? c.order.date_created_gmt) };
    if (out.amount === 'BIG') out.amount = money(cents(c.order.total) * 3n);
    return out;
  });
  // the order lists its refunds (id, reason, total) as WooCommerce does
  if (refunds.length) c.order.refunds = refunds.map((r) => ({ id: r.id, reason: r.reason, total: money(-cents(r.amount)) }));
  return refunds;
}
