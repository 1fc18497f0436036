/** The books reconciliation never adds amounts in different currencies together. */
import { wcOrder } from '../plan/test-orders';
import type { Order } from '../model/order';
import type { BooksDocument } from '../sandbox/books';
import { reconcileBooks } from './reconcile-books';
import { D } from '../model/money';

function order(id: string, currency: string): Order {
  const o = wcOrder({ number: id, lines: [{ name: 'Mok', price: '10.00', qty: 1, rateId: '1' }] });
  return { ...o, id, currency } as Order;
}

describe('reconcileBooks', () => {
  it('totals gross and VAT per currency', () => {
    const eur = order('1', 'EUR');
    const gbp = order('2', 'GBP');
    const vat = (o: Order) => o.taxes.reduce((a, t) => a.plus(t.itemsTax).plus(t.shippingTax), new D(0));
    const doc = (o: Order): BooksDocument => ({ reference: o.number, kind: 'order', id: o.id, gross: o.totals.total, vatByPercent: { '21': vat(o).toFixed(2) }, count: 1 });
    const books = new Map([eur, gbp].map((o) => [o.number, doc(o)]));
    const booked = [eur, gbp].map((o) => ({ key: o.id, kind: 'order', reference: o.number, orderId: o.id, refundId: null }));
    const r = reconcileBooks([eur, gbp], booked, books);
    expect(r.ok).toBe(true);
    expect(r.grossShop).toBe(`EUR ${eur.totals.total}, GBP ${gbp.totals.total}`);
    expect(r.grossBooks).toBe(r.grossShop);
    expect(r.byRate.map((v) => `${v.currency} ${v.percent}`)).toEqual(['EUR 21', 'GBP 21']);
  });
});
