/**
 * bookOrder's first half: a canonical Order + settings -> BookingPlan, or a reason a shop owner
 * understands. Pure: no I/O, no clock.
 *
 * How it stays to the cent: every line is booked with the shop's own net and VAT, rounded to the
 * currency's decimals. The shop's VAT per rate (its tax lines) and grand total are the truth; any
 * difference the shop's own rounding created ("round tax at subtotal", prices entered incl. VAT,
 * shipping tax rounded per line) becomes an explicit rounding line — a VAT-only line per rate and a
 * no-VAT line for the total. Differences above the tolerance are refused, never booked.
 */
import { createHash } from 'node:crypto';
import type { Dec } from '../model/money';
import { D, currencyDecimals, dec, fixed, sum } from '../model/money';
import { ShopbooksError } from '../model/errors';
import type { LineTax, Order, TaxRate } from '../model/order';
import type { BookingPlan, GlRole, PlanLine, PlanVat, VatByRate, VatTreatment } from './types';
import { PlanSettings, planSettings, type PlanSettingsInput } from './settings';
import { EU_COUNTRIES, makeVat, noVat } from './vat';
import { isPlausibleEmail, localDate, normaliseEmail, orderReference } from './reference';

export type PlanOutcome =
  | { ok: true; plan: BookingPlan }
  /** `skip`: nothing to book (zero total); `fail`: bookable only after the shop owner acts. */
  | { ok: false; error: ShopbooksError; disposition: 'fail' | 'skip' };

export const fail = (error: ShopbooksError): PlanOutcome => ({ ok: false, error, disposition: 'fail' });
const skip = (error: ShopbooksError): PlanOutcome => ({ ok: false, error, disposition: 'skip' });

/** Where the goods go: shipping country, else billing country, else the shop's own. */
export function destinationCountry(order: Order, shopCountry: string): string {
  return order.customer.shipping?.country || order.customer.billing.country || shopCountry;
}

/**
 * The VAT treatment of a line taxed at `rate` (null = untaxed) for this order's customer.
 * - a positive rate of another EU country: OSS distance sale at that country's rate;
 * - a positive rate otherwise: domestic;
 * - 0 % to a non-EU destination: export;
 * - 0 % to an EU business elsewhere with a VAT number: intra-EU reverse charge;
 * - 0 % otherwise: domestic zero rate.
 */
export function vatFor(order: Order, rate: TaxRate | null, shopCountry: string): PlanVat {
  const percent = rate ? dec(rate.percent) : new D(0);
  const dest = destinationCountry(order, shopCountry);
  const rateCountry = (rate?.country ?? '').toUpperCase();
  if (percent.gt(0)) {
    const country = rateCountry || dest;
    const treatment: VatTreatment = country !== shopCountry && EU_COUNTRIES.has(country) ? 'oss' : 'domestic';
    return makeVat(treatment, percent.toString(), treatment === 'oss' ? country : shopCountry, rate?.id ?? null);
  }
  let treatment: VatTreatment = 'domestic';
  if (!EU_COUNTRIES.has(dest) && dest !== shopCountry) treatment = 'export';
  else if (dest !== shopCountry && order.customer.vatNumber.trim() !== '') treatment = 'reverse_charge';
  return makeVat(treatment, '0', shopCountry, rate?.id ?? null);
}

interface LineVatResult {
  vat: PlanVat;
  error?: ShopbooksError;
}

/** Resolve the single VAT rate of a line from its per-rate taxes. */
function lineVat(order: Order, taxes: LineTax[], what: string, shopCountry: string): LineVatResult {
  const rates = new Map(order.taxRates.map((r) => [r.id, r]));
  const used = taxes.filter((t) => !dec(t.amount).isZero() || taxes.length === 1);
  const distinct = [...new Set(used.map((t) => t.rateId))];
  if (distinct.length === 0) return { vat: vatFor(order, null, shopCountry) };
  const unknown = distinct.find((id) => !rates.has(id));
  if (unknown !== undefined) {
    return {
      vat: vatFor(order, null, shopCountry),
      error: new ShopbooksError('UnknownVatRate', `${what} is taxed with tax rate #${unknown}, which is not among the shop's tax rates. Check the tax settings in the shop, then retry.`, { details: { rateId: unknown } }),
    };
  }
  const percents = new Set(distinct.map((id) => dec(rates.get(id)!.percent).toString()));
  if (percents.size > 1) {
    return {
      vat: vatFor(order, rates.get(distinct[0])!, shopCountry),
      error: new ShopbooksError('MultipleVatRatesOnLine', `${what} carries ${percents.size} different VAT rates (${[...percents].join('%, ')}%); a booking line can have only one. Split the product's tax classes in the shop.`, { details: { rateIds: distinct } }),
    };
  }
  return { vat: vatFor(order, rates.get(distinct[0])!, shopCountry) };
}

interface RatePart {
  vat: PlanVat;
  net: Dec;
  tax: Dec;
}

function partName(name: string, p: RatePart, count: number): string {
  return count > 1 ? `${name} (${p.vat.percent}% VAT)` : name;
}

/**
 * Shipping and fees may carry several VAT rates: WooCommerce spreads a negative fee (a cart
 * discount) and "inherit" shipping over the rates of the items. Such a line is split into one
 * part per rate; the net of a taxed part is its tax / rate (the way it was computed), the rest goes
 * to the untaxed part, or to the largest part. Taxes that are stacked on the same base (US state +
 * county) are refused: a Dutch booking line has one rate.
 */
function splitByRate(order: Order, net: Dec, tax: Dec, taxes: LineTax[], what: string, shopCountry: string, dp: number): { parts: RatePart[] } | { error: ShopbooksError } {
  const single = lineVat(order, taxes, what, shopCountry);
  if (!single.error) return { parts: [{ vat: single.vat, net, tax }] };
  if (single.error.code !== 'MultipleVatRatesOnLine') return { error: single.error };
  const rates = new Map(order.taxRates.map((r) => [r.id, r]));
  const byRate = new Map<string, Dec>();
  for (const t of taxes) byRate.set(t.rateId, (byRate.get(t.rateId) ?? new D(0)).plus(t.amount));
  const parts: RatePart[] = [];
  let taxedNet = new D(0);
  for (const [rateId, amount] of byRate) {
    const rate = rates.get(rateId)!;
    const pct = dec(rate.percent);
    if (pct.isZero()) continue;
    const partNet = amount.times(100).div(pct).toDecimalPlaces(dp, D.ROUND_HALF_UP);
    taxedNet = taxedNet.plus(partNet);
    parts.push({ vat: vatFor(order, rate, shopCountry), net: partNet, tax: amount.toDecimalPlaces(dp, D.ROUND_HALF_UP) });
  }
  const rest = net.minus(taxedNet);
  const tolerance = new D(parts.length).div(100);
  if (net.isZero() || rest.abs().gt(net.abs().plus(tolerance)) || (rest.abs().gt(tolerance) && rest.isPositive() !== net.isPositive())) return { error: single.error };
  const zeroRate = [...byRate.keys()].map((id) => rates.get(id)!).find((r) => dec(r.percent).isZero());
  if (zeroRate) parts.push({ vat: vatFor(order, zeroRate, shopCountry), net: rest, tax: new D(0) });
  else if (rest.abs().gt(tolerance)) return { error: single.error };
  else if (!rest.isZero()) {
    const largest = parts.reduce((a, b) => (b.net.abs().gt(a.net.abs()) ? b : a));
    largest.net = largest.net.plus(rest);
  }
  // the parts' taxes add up to the line's shown tax
  const taxDiff = tax.minus(sum(parts.map((p) => p.tax)));
  if (!taxDiff.isZero() && parts.length) {
    const largest = parts.reduce((a, b) => (b.net.abs().gt(a.net.abs()) ? b : a));
    largest.tax = largest.tax.plus(taxDiff);
  }
  return { parts };
}

export function contentHash(lines: PlanLine[], totals: BookingPlan['totals']): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ l: lines.map((l) => [l.role, l.net, l.vat, l.vatInfo.key, l.quantity]), totals }));
  return h.digest('hex').slice(0, 16);
}

/** Per VAT key: base and VAT of the plan's lines. */
export function vatByRate(lines: PlanLine[], dp: number): VatByRate[] {
  const byKey = new Map<string, { vatInfo: PlanVat; base: Dec; vat: Dec }>();
  for (const l of lines) {
    const cur = byKey.get(l.vatInfo.key) ?? { vatInfo: l.vatInfo, base: new D(0), vat: new D(0) };
    cur.base = cur.base.plus(l.net);
    cur.vat = cur.vat.plus(l.vat);
    byKey.set(l.vatInfo.key, cur);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, v]) => ({ key, vatInfo: v.vatInfo, base: fixed(v.base, dp), vat: fixed(v.vat, dp) }));
}

export function totalsOf(lines: PlanLine[], dp: number): BookingPlan['totals'] {
  const net = sum(lines.map((l) => l.net));
  const vat = sum(lines.map((l) => l.vat));
  return { net: fixed(net, dp), vat: fixed(vat, dp), gross: fixed(net.plus(vat), dp) };
}

function line(role: GlRole, description: string, quantity: string, net: Dec | string, vat: Dec | string, vatInfo: PlanVat, dp: number, shopLineId: string | null, sku: string | null = null, vatSource: PlanLine['vatSource'] = 'shop'): PlanLine {
  return { role, description, sku, quantity, net: fixed(net, dp), vat: fixed(vat, dp), vatSource, vatInfo, shopLineId };
}

/** Checks shared by orders: customer, currency, amounts. */
export function checkOrderBasics(order: Order, s: PlanSettings): ShopbooksError | null {
  const email = order.customer.email.trim();
  if (s.requireCustomerEmail) {
    if (email === '') return new ShopbooksError('CustomerEmailMissing', `Order ${order.number} has no customer e-mail address, so the customer cannot be matched in the books. Add the e-mail to the order, or switch to one collective debtor.`);
    if (!isPlausibleEmail(email)) return new ShopbooksError('CustomerEmailInvalid', `Order ${order.number} has an invalid customer e-mail address ("${email.slice(0, 80)}"). Correct it in the order, then retry.`);
  }
  const accepted = [s.baseCurrency, ...s.acceptedCurrencies];
  if (!accepted.includes(order.currency)) {
    return new ShopbooksError('CurrencyMismatch', `Order ${order.number} is in ${order.currency}, but the administration books in ${accepted.join(', ')}. Add ${order.currency} to the accepted currencies if your administration supports it.`, { details: { currency: order.currency } });
  }
  const max = dec(s.maxOrderAmount);
  if (dec(order.totals.total).abs().gt(max)) {
    return new ShopbooksError('AbsurdAmount', `Order ${order.number} has a total of ${order.currency} ${order.totals.total}, above the plausibility limit of ${s.maxOrderAmount}. Check the order; raise the limit in settings if it is real.`);
  }
  for (const l of order.lines) {
    if (dec(l.quantity).isNegative()) {
      return new ShopbooksError('NegativeQuantity', `Order ${order.number} has a negative quantity (${l.quantity}) on "${l.name}". Returns must be entered as refunds, not as negative order lines.`, { details: { lineId: l.id } });
    }
  }
  return null;
}

/**
 * A customer the shop exempted from VAT, shipped to another EU country, is a reverse-charge supply
 * only with the customer's VAT number; without it the order is refused rather than booked as
 * domestic 0 % (which would put the turnover in the wrong box and leave it off the ICP listing).
 */
const WHERE_VAT_NUMBER: Record<Order['platform'], string> = {
  shopify: 'Add the VAT number where Shopbooks reads it (by default the customer metafield custom.vat_number; see the Shopify setting vatNumber)',
  ccvshop: "Fill in the customer's VAT number (BTW-nummer) on the order in CCV Shop",
  woocommerce: "Add the customer's VAT number to the order in WooCommerce",
};

export function checkTaxExemption(order: Order, shopCountry: string): ShopbooksError | null {
  const c = order.customer;
  if (!c.taxExempt || c.vatNumber.trim() !== '') return null;
  const dest = destinationCountry(order, shopCountry);
  if (dest === shopCountry || !EU_COUNTRIES.has(dest)) return null;
  if (!dec(order.totals.totalTax).isZero()) return null; // VAT was charged after all: booked as charged
  return new ShopbooksError(
    'VatNumberMissing',
    `Order ${order.number} goes to ${c.company || 'a customer'} in ${dest}, marked tax-exempt in the shop, but Shopbooks found no VAT number for it. Without a VAT number the order cannot be booked as reverse charge ("btw verlegd"). ${WHERE_VAT_NUMBER[order.platform]}, then retry.`,
    { details: { country: dest } },
  );
}

export function planOrder(order: Order, settingsInput: PlanSettingsInput | PlanSettings = {}): PlanOutcome {
  const s = planSettings(settingsInput);
  const dp = currencyDecimals(order.currency);
  const basics = checkOrderBasics(order, s);
  if (basics) return fail(basics);
  const exemption = checkTaxExemption(order, s.shopCountry);
  if (exemption) return fail(exemption);

  const total = dec(order.totals.total);
  const subtotalGross = sum(order.lines.map((l) => dec(l.subtotalNet).plus(l.subtotalTax)));
  if (total.isZero() && !s.bookZeroTotalOrders) {
    if (subtotalGross.gt(0)) {
      return skip(new ShopbooksError('FullyDiscountedOrder', `Order ${order.number} is fully discounted (total ${order.currency} 0.00): there is nothing to book. Turn on "book zero-total orders" to book it anyway.`));
    }
    return skip(new ShopbooksError('ZeroTotalOrder', `Order ${order.number} has a total of ${order.currency} 0.00: there is nothing to book.`));
  }
  if (total.isNegative()) {
    return fail(new ShopbooksError('MalformedOrder', `Order ${order.number} has a negative total (${order.totals.total}); refunds must be separate refund records.`));
  }

  const lines: PlanLine[] = [];
  const discounts = new Map<string, { vatInfo: PlanVat; net: Dec; vat: Dec }>();
  for (const l of order.lines) {
    const r = lineVat(order, l.taxes.length ? l.taxes : l.subtotalTaxes, `Line "${l.name}" of order ${order.number}`, s.shopCountry);
    if (r.error) return fail(r.error);
    if (s.discountMode === 'separate') {
      lines.push(line('revenue', l.name, l.quantity, dec(l.subtotalNet), dec(l.subtotalTax), r.vat, dp, l.id, l.sku));
      const dNet = dec(fixed(l.net, dp)).minus(fixed(l.subtotalNet, dp));
      const dVat = dec(fixed(l.tax, dp)).minus(fixed(l.subtotalTax, dp));
      if (!dNet.isZero() || !dVat.isZero()) {
        const cur = discounts.get(r.vat.key) ?? { vatInfo: r.vat, net: new D(0), vat: new D(0) };
        cur.net = cur.net.plus(dNet);
        cur.vat = cur.vat.plus(dVat);
        discounts.set(r.vat.key, cur);
      }
    } else {
      lines.push(line('revenue', l.name, l.quantity, dec(l.net), dec(l.tax), r.vat, dp, l.id, l.sku));
    }
  }
  const codes = order.discounts.map((d) => d.code).filter(Boolean);
  for (const [, d] of [...discounts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const label = codes.length ? `Discount ${codes.join(', ')}` : 'Discount';
    lines.push(line('discount', `${label} (${d.vatInfo.percent}% VAT)`, '1', d.net, d.vat, d.vatInfo, dp, null));
  }
  for (const sh of order.shipping) {
    const r = splitByRate(order, dec(sh.net), dec(sh.tax), sh.taxes, `Shipping "${sh.name}" of order ${order.number}`, s.shopCountry, dp);
    if ('error' in r) return fail(r.error);
    for (const p of r.parts) lines.push(line('shipping', partName(sh.name || 'Shipping', p, r.parts.length), '1', p.net, p.tax, p.vat, dp, sh.id));
  }
  for (const f of order.fees) {
    const r = splitByRate(order, dec(f.net), dec(f.tax), f.taxes, `Fee "${f.name}" of order ${order.number}`, s.shopCountry, dp);
    if ('error' in r) return fail(r.error);
    for (const p of r.parts) lines.push(line('fees', partName(f.name || 'Fee', p, r.parts.length), '1', p.net, p.tax, p.vat, dp, f.id));
  }

  const reconciled = reconcile(lines, shopVatByKey(order, s.shopCountry), total, order.number, s, dp);
  if (!reconciled.ok) return fail(reconciled.error);
  const allLines = reconciled.lines;
  const totals = totalsOf(allLines, dp);
  const rounding = sum(allLines.filter((l) => l.vatSource === 'rounding').map((l) => dec(l.net).plus(l.vat)));
  // Paid means paid: the shop's payment record, never a status such as completed.
  const paid = order.paidAt !== null;
  const plan: BookingPlan = {
    kind: 'order',
    platform: order.platform,
    shopId: order.shopId,
    orderId: order.id,
    orderNumber: order.number,
    refundId: null,
    reference: orderReference(s.referencePrefix, order.number),
    originalReference: null,
    date: localDate(order.createdAt, s.timeZone),
    currency: order.currency,
    pricesIncludeTax: order.pricesIncludeTax,
    customer: order.customer,
    customerKey: customerKey(order),
    description: `Order ${order.number}`,
    lines: allLines,
    vatByRate: vatByRate(allLines, dp),
    totals,
    shop: { gross: fixed(total, dp), vat: totals.vat },
    roundingTotal: fixed(rounding, dp),
    paid,
    paidAt: order.paidAt,
    paymentMethod: order.paymentMethod,
    contentHash: contentHash(allLines, totals),
  };
  return { ok: true, plan };
}

export function customerKey(order: Order): string {
  const email = normaliseEmail(order.customer.email);
  if (email) return email;
  if (order.customer.shopCustomerId) return `${order.platform}:${order.shopId}:customer:${order.customer.shopCustomerId}`;
  return `${order.platform}:${order.shopId}:guest:${order.id}`;
}

/** The shop's VAT per plan key (its tax lines), or null when the source gave none. */
export function shopVatByKey(order: Order, shopCountry: string): Map<string, { vatInfo: PlanVat; vat: Dec }> | null {
  if (order.taxes.length === 0) return null;
  const rates = new Map(order.taxRates.map((r) => [r.id, r]));
  const out = new Map<string, { vatInfo: PlanVat; vat: Dec }>();
  for (const t of order.taxes) {
    const vatInfo = vatFor(order, rates.get(t.rateId) ?? null, shopCountry);
    const cur = out.get(vatInfo.key) ?? { vatInfo, vat: new D(0) };
    cur.vat = cur.vat.plus(t.itemsTax).plus(t.shippingTax);
    out.set(vatInfo.key, cur);
  }
  return out;
}

/**
 * Make the lines' VAT per rate equal the shop's, and their gross equal the shop's total, with
 * explicit rounding lines; refuse differences above the tolerance.
 */
export function reconcile(
  lines: PlanLine[],
  shopVat: Map<string, { vatInfo: PlanVat; vat: Dec }> | null,
  shopGross: Dec,
  what: string,
  s: PlanSettings,
  dp: number,
): { ok: true; lines: PlanLine[] } | { ok: false; error: ShopbooksError } {
  const tol = new D(s.toleranceCents).div(100);
  const out = [...lines];
  const planVat = vatByRate(lines, dp);
  const keys = new Set([...planVat.map((v) => v.key), ...(shopVat ? shopVat.keys() : [])]);
  if (shopVat) {
    for (const key of [...keys].sort()) {
      const mine = planVat.find((v) => v.key === key);
      const theirs = shopVat.get(key);
      const diff = dec(fixed(theirs?.vat ?? '0', dp)).minus(mine?.vat ?? 0);
      if (diff.isZero()) continue;
      if (diff.abs().gt(tol)) {
        return {
          ok: false,
          error: new ShopbooksError('TotalsDoNotReconcile', `${what}: the VAT at ${key} on the lines (${mine?.vat ?? '0.00'}) differs from the shop's tax for that rate (${fixed(theirs?.vat ?? '0', dp)}) by more than ${s.toleranceCents} cent(s). The order was probably edited without recalculating; recalculate it in the shop, then retry.`, { details: { key, lines: mine?.vat ?? '0.00', shop: fixed(theirs?.vat ?? '0', dp) } }),
        };
      }
      const vatInfo = (theirs?.vatInfo ?? mine?.vatInfo)!;
      out.push(line('rounding', `VAT rounding (${vatInfo.percent}%)`, '1', '0', diff, vatInfo, dp, null, null, 'rounding'));
    }
  }
  const gross = sum(out.map((l) => dec(l.net).plus(l.vat)));
  const diff = shopGross.minus(gross);
  if (!diff.isZero()) {
    const grossTol = tol.times(Math.max(1, keys.size));
    if (diff.abs().gt(grossTol)) {
      return {
        ok: false,
        error: new ShopbooksError('TotalsDoNotReconcile', `${what}: the lines add up to ${fixed(gross, dp)} but the shop's total is ${fixed(shopGross, dp)} (a difference of ${fixed(diff, dp)}, more than rounding can explain). Recalculate the order in the shop, then retry.`, { details: { lines: fixed(gross, dp), shop: fixed(shopGross, dp) } }),
      };
    }
    const country = out[0]?.vatInfo.country ?? s.shopCountry;
    out.push(line('rounding', 'Rounding difference', '1', diff, '0', noVat(s.shopCountry === country ? country : s.shopCountry), dp, null, null, 'rounding'));
  }
  return { ok: true, lines: out };
}
