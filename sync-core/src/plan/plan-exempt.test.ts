/** Tax-exempt EU business customers: reverse charge with a VAT number, refused without one. */
import { planOrder } from './plan-order';
import { planRefund } from './plan-refund';
import { wcOrder, withRefunds } from './test-orders';
import type { Order } from '../model/order';

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
