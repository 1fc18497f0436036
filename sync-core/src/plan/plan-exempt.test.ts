/** Tax-exempt EU business customers: reverse charge with a VAT number, refused without one. */
import { planOrder } from './plan-order';
import { planRefund } from './plan-refund';
import { wcOrder, withRefunds } from './test-orders';
import type { Order } from '../model/order';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapWooOrder } from '../sources/woocommerce/map-order';

function b2b(country: string, vatNumber: string, taxExempt = true): Order {
  const o = wcOrder({ number: '77', country, vatNumber, lines: [{ name: 'Machine', price: '1000.00', qty: 1, rateId: null }], shipping: { price: '25.00', rateId: null } });
  return { ...o, customer: { ...o.customer, company: 'Firma GmbH', taxExempt } };
}

describe('tax-exempt EU customers', () => {
  test.each(['DE', 'BE', 'FR'])('to %s with a VAT number: every line reverse charge, credit note too', (country) => {
    const o = b2b(country, `${country}123456789`);
    const r = planOrder(o);
    if (!r.ok) throw r.error;
    expect(new Set(r.plan.lines.map((l) => l.vatInfo.key))).toEqual(new Set(['reverse_charge:0']));
    const withRefund = withRefunds(o, [{ id: '5', amount: '100.00' }]);
    const refund = planRefund(withRefund, withRefund.refunds[0]);
    if (!refund.ok) throw refund.error;
    expect(new Set(refund.plan.lines.map((l) => l.vatInfo.key))).toEqual(new Set(['reverse_charge:0']));
  });

  test('to DE without a VAT number: refused with a reason, never booked as domestic 0 %', () => {
    const r = planOrder(b2b('DE', ''));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.disposition).toBe('fail');
    expect(r.error.code).toBe('VatNumberMissing');
    expect(r.error.message).toMatch(/77.*tax-exempt.*VAT number/);
  });

  test('a domestic tax-exempt customer without a VAT number is not refused (domestic 0 %)', () => {
    const r = planOrder(b2b('NL', ''));
    expect(r.ok).toBe(true);
  });

  test('a tax-exempt customer outside the EU is an export', () => {
    const r = planOrder(b2b('US', ''));
    if (!r.ok) throw r.error;
    expect(new Set(r.plan.lines.map((l) => l.vatInfo.key))).toEqual(new Set(['export:0']));
  });
});

describe('plan.paid follows the payment record only', () => {
  test('a completed order without a payment date is not paid', () => {
    const o = wcOrder({ number: '8', state: 'completed', lines: [{ name: 'Mok', price: '10.00', qty: 1, rateId: '1' }] });
    const r = planOrder({ ...o, paidAt: null });
    if (!r.ok) throw r.error;
    expect(r.plan.paid).toBe(false);
  });
});

describe('a WooCommerce order of an EU customer marked VAT-exempt (is_vat_exempt), from a real WooCommerce order', () => {
  const dir = join(__dirname, '../../../../shared/fixtures/real-woocommerce');
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const taxRates = read('taxes.json').body as unknown[];
  type Raw = Record<string, unknown> & { line_items: Array<Record<string, unknown>>; shipping_lines: Array<Record<string, unknown>>; meta_data: Array<{ id: number; key: string; value: string }>; billing: Record<string, string> };

  /** Real order 28 (DE, 2 × 19.95 + 3 × 1.83 + shipping 7.50 excl.) as WooCommerce stores it for a VAT-exempt customer: no tax anywhere. */
  function exemptOrder(vatNumber: string | null): Raw {
    const o = structuredClone(read('examples-by-mode.json')['excl-per-line']['m1-07 oss-de via checkout'].order) as Raw;
    for (const l of [...o.line_items, ...o.shipping_lines]) Object.assign(l, { subtotal_tax: '0.00', total_tax: '0.00', taxes: [] });
    Object.assign(o, { cart_tax: '0.00', shipping_tax: '0.00', total_tax: '0.00', total: '52.89', tax_lines: [] });
    o.billing = { ...o.billing, company: 'Firma GmbH' };
    o.meta_data = [{ id: 195, key: 'is_vat_exempt', value: 'yes' }, ...(vatNumber ? [{ id: 196, key: '_billing_vat_number', value: vatNumber }] : [])];
    return o;
  }
  const planned = (raw: Raw) => {
    const m = mapWooOrder(raw, { shopId: 'real', taxRates, refunds: [] });
    if (!m.ok) throw m.error;
    return planOrder(m.order, { referencePrefix: '' });
  };

  test('without a VAT number: refused with a plain reason, not booked as domestic 0 %', () => {
    const r = planned(exemptOrder(null));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.disposition).toBe('fail');
    expect(r.error.code).toBe('VatNumberMissing');
    expect(r.error.message).toMatch(/Firma GmbH in DE, marked tax-exempt in the shop.*VAT number to the order in WooCommerce/);
  });

  test('with a VAT number: reverse charge on every line', () => {
    const r = planned(exemptOrder('DE123456789'));
    if (!r.ok) throw r.error;
    expect(new Set(r.plan.lines.map((l) => l.vatInfo.key))).toEqual(new Set(['reverse_charge:0']));
    expect(r.plan.totals.gross).toBe('52.89');
  });
});
