/**
 * Every order and refund captured from a real WooCommerce 9.4.3 (../shared/fixtures/real-woocommerce:
 * 20 orders in the four rounding modes, their refunds) books to the cent in both targets: the
 * source's mapper, the plan, then each target's own rendering (Exact's lines and its pre-send check,
 * Moneybird's invoice details and its prediction of Moneybird's VAT). The booked gross must equal
 * the order's `total` (the refund's `amount`) and the VAT per rate the order's (refund's) own
 * `tax_lines` — WooCommerce's tax report — not `total_tax`, which can be a cent off at subtotal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapWooOrder } from '../sources/woocommerce/map-order';
import { D, dec, fixed, sum } from '../model/money';
import type { Order } from '../model/order';
import { planOrder, planRefund } from '../plan';
import type { BookingPlan } from '../plan/types';
import { checkTotals, toExactLines } from './exact/lines';
import { buildDetails } from './moneybird/invoice-lines';

type Json = Record<string, unknown>;
interface RawTaxLine {
  rate_id: number;
  rate_percent: number;
  tax_total: string;
  shipping_tax_total: string;
}

const dir = join(__dirname, '../../../../shared/fixtures/real-woocommerce');
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const examples = read('examples-by-mode.json') as Record<
  string,
  Record<
    string,
    { order: Json & { id: number; total: string; tax_lines: RawTaxLine[] }; refunds: unknown[] | null }
  >
>;
const capturedRefunds = read('refunds-of-examples.json') as Record<
  string,
  { body: Array<Json & { id: number; amount: string; tax_lines: RawTaxLine[] }> }
>;
const taxRates = read('taxes.json').body as unknown[];
const settings = { referencePrefix: '' };

const cases = Object.entries(examples).flatMap(([mode, byName]) =>
  Object.keys(byName).map((name) => [mode, name] as const),
);

function mapped(mode: string, name: string): Order {
  const ex = examples[mode][name];
  const refunds = capturedRefunds[String(ex.order.id)]?.body ?? [];
  const m = mapWooOrder(ex.order, {
    shopId: 'real',
    taxRates,
    refunds,
    roundTaxAtSubtotal: mode.endsWith('round-at-subtotal'),
  });
  if (!m.ok) throw new Error(m.error.message);
  return m.order;
}

/** The shop's tax report: VAT per rate percent of the tax lines, items + shipping (negative on a refund). */
function shopVatByPercent(lines: RawTaxLine[]): Record<string, string> {
  const out = new Map<string, InstanceType<typeof D>>();
  for (const t of lines) {
    const p = String(t.rate_percent);
    out.set(p, (out.get(p) ?? new D(0)).plus(t.tax_total).plus(t.shipping_tax_total));
  }
  return Object.fromEntries([...out].filter(([, v]) => !v.isZero()).map(([p, v]) => [p, fixed(v)]));
}

const percentOfKey = (key: string) => key.split(':').pop()!;

/** Exact: the lines Exact receives; checkTotals is the check the target makes before sending. */
function exactBooked(plan: BookingPlan): { gross: string; vatByPercent: Record<string, string> } {
  const lines = toExactLines(plan, (key) => key);
  checkTotals(plan, lines);
  const vat = new Map<string, InstanceType<typeof D>>();
  for (const l of lines)
    vat.set(percentOfKey(l.vatKey), (vat.get(percentOfKey(l.vatKey)) ?? new D(0)).plus(l.vat));
  return {
    gross: fixed(sum(lines.map((l) => dec(l.net).plus(l.vat)))),
    vatByPercent: Object.fromEntries([...vat].filter(([, v]) => !v.isZero()).map(([p, v]) => [p, fixed(v)])),
  };
}

/** Moneybird: the invoice details, and the total and VAT per rate Moneybird computes from them. */
function moneybirdBooked(plan: BookingPlan): { gross: string; vatByPercent: Record<string, string> } {
  const rate = (key: string) => ({ id: `rate-${key}`, percentage: `${percentOfKey(key)}.0` });
  const built = buildDetails(plan, {
    taxRate: rate,
    ledgerAccount: (role) => `ledger-${role}`,
    zeroRate: { id: 'rate-zero', percentage: '0.0' },
  });
  const vat = new Map<string, InstanceType<typeof D>>();
  for (const [id, amount] of Object.entries(built.predicted.taxByRateId)) {
    const p = id === 'rate-zero' ? '0' : percentOfKey(id);
    vat.set(p, (vat.get(p) ?? new D(0)).plus(amount));
  }
  return {
    gross: built.predicted.totalInclTax,
    vatByPercent: Object.fromEntries([...vat].filter(([, v]) => !v.isZero()).map(([p, v]) => [p, fixed(v)])),
  };
}

const targets = [
  ['Exact Online', exactBooked],
  ['Moneybird', moneybirdBooked],
] as const;

describe.each(targets)('real WooCommerce orders into %s, to the cent', (_target, booked) => {
  it.each(cases)('%s %s: gross = total, VAT per rate = tax_lines', (mode, name) => {
    const raw = examples[mode][name].order;
    const p = planOrder(mapped(mode, name), settings);
    if (!p.ok) throw new Error(p.error.message);
    expect(booked(p.plan)).toEqual({ gross: raw.total, vatByPercent: shopVatByPercent(raw.tax_lines) });
  });

  const withRefunds = cases.filter(([mode, name]) => capturedRefunds[String(examples[mode][name].order.id)]);
  it('all four captured refunds are among the cases', () => expect(withRefunds).toHaveLength(4));

  it.each(withRefunds)(
    '%s %s, its refund: gross = -amount, VAT per rate = the refund tax_lines',
    (mode, name) => {
      const order = mapped(mode, name);
      const raws = capturedRefunds[String(examples[mode][name].order.id)].body;
      expect(order.refunds).toHaveLength(raws.length);
      for (const raw of raws) {
        const refund = order.refunds.find((r) => r.id === String(raw.id))!;
        const p = planRefund(order, refund, settings);
        if (!p.ok) throw new Error(p.error.message);
        expect(booked(p.plan)).toEqual({
          gross: fixed(dec(raw.amount).negated()),
          vatByPercent: shopVatByPercent(raw.tax_lines),
        });
      }
    },
  );
});
