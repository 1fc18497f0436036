import { D, dec, fixed, sum } from '../../model/money';
import {
  buildDetails,
  findCorrection,
  moneybirdTax,
  quantityAndPrice,
  rateTax,
  type LineContext,
} from './invoice-lines';
import { handPlan } from './test/plans';

const RATES: Record<string, { id: string; percentage: string }> = {
  'domestic:21': { id: '100000000000000021', percentage: '21.0' },
  'domestic:9': { id: '100000000000000009', percentage: '9.0' },
  'exempt:0': { id: '100000000000000000', percentage: '0.0' },
  'oss:DE:19': { id: '100000000000000019', percentage: '19.0' },
};
const ctx: LineContext = {
  taxRate: (k) => {
    const r = RATES[k];
    if (!r) throw new Error(`unmapped ${k}`);
    return r;
  },
  ledgerAccount: (role) => (role === 'rounding' ? '200000000000000009' : '200000000000000001'),
  zeroRate: RATES['exempt:0'],
};

/** Independent re-computation of what Moneybird shows for the built details (per rate, half up). */
function moneybirdView(
  details: Array<{ amount: string; price: string; tax_rate_id: string }>,
  incl: boolean,
) {
  const byRate = new Map<string, string[]>();
  for (const d of details) {
    const v = fixed(dec(d.price).times(dec(d.amount)));
    byRate.set(d.tax_rate_id, [...(byRate.get(d.tax_rate_id) ?? []), v]);
  }
  const tax: Record<string, string> = {};
  let total = new D(0);
  for (const [id, vals] of byRate) {
    const pct = Object.values(RATES).find((r) => r.id === id)!.percentage;
    const t = moneybirdTax(sum(vals), pct, incl);
    tax[id] = fixed(t);
    total = total.plus(sum(vals)).plus(incl ? 0 : t);
  }
  return { total: fixed(total), tax };
}

describe('Moneybird invoice lines', () => {
  it('Moneybird rounds VAT once per rate (its own example: 129.95 at 21 % -> 27.29)', () => {
    expect(fixed(moneybirdTax('129.95', '21.0', false))).toBe('27.29');
    expect(fixed(moneybirdTax('121.00', '21.0', true))).toBe('21.00');
    expect(fixed(moneybirdTax('-0.05', '21.0', false))).toBe('-0.01'); // half away from zero
    expect(
      fixed(rateTax([dec('0.05'), dec('0.05')], '21.0', false, { strategy: 'perLine', mode: 'halfUp' })),
    ).toBe('0.02');
  });

  it('sends a 2-decimal unit price when the line divides, else 1 × the line total', () => {
    expect(quantityAndPrice('3', dec('29.85'))).toEqual({ amount: '3', price: '9.95', inDescription: false });
    expect(quantityAndPrice('3', dec('10.00'))).toEqual({ amount: '1', price: '10.00', inDescription: true });
    expect(quantityAndPrice('-2', dec('-19.90'))).toEqual({
      amount: '-2',
      price: '9.95',
      inDescription: false,
    });
    expect(quantityAndPrice('1', dec('-5.00'))).toEqual({
      amount: '1',
      price: '-5.00',
      inDescription: false,
    });
  });

  it('needs no correction when per-line and per-rate VAT agree', () => {
    const plan = handPlan({
      reference: 'WC-1',
      lines: [
        { net: '100.00', vat: '21.00', percent: '21', quantity: '2' },
        { net: '10.00', vat: '0.90', percent: '9' },
      ],
    });
    const built = buildDetails(plan, ctx);
    expect(built.corrections).toEqual([]);
    expect(built.details).toHaveLength(2);
    expect(built.details[0]).toMatchObject({
      amount: '2',
      price: '50.00',
      tax_rate_id: RATES['domestic:21'].id,
    });
    expect(built.predicted).toEqual({
      totalInclTax: '131.90',
      taxByRateId: { [RATES['domestic:21'].id]: '21.00', [RATES['domestic:9'].id]: '0.90' },
    });
  });

  it('corrects a per-line rounded shop VAT to the cent with a rate line and a 0 % counter line', () => {
    // Three lines of 0.05 net at 21 %: the shop charged 0.01 each (0.03); Moneybird would compute round(0.15 * 0.21) = 0.03 -> fine.
    // Seven lines of 1.02 at 21 %: shop per line 0.21 each = 1.47; Moneybird: round(7.14 * 0.21) = 1.50.
    const lines = Array.from({ length: 7 }, () => ({ net: '1.02', vat: '0.21', percent: '21' }));
    const plan = handPlan({
      reference: 'WC-2',
      lines: [...lines, { net: '4.13', vat: '0.87', percent: '21', role: 'shipping' as const }],
    });
    const built = buildDetails(plan, ctx);
    expect(built.corrections).toHaveLength(1);
    const view = moneybirdView(built.details, false);
    expect(view.total).toBe(plan.totals.gross);
    expect(view.tax[RATES['domestic:21'].id]).toBe(plan.vatByRate[0].vat);
    const counter = built.details.filter((d) => d.tax_rate_id === RATES['exempt:0'].id);
    expect(counter).toHaveLength(1);
    expect(dec(counter[0].price).plus(dec(built.corrections[0].amount)).isZero()).toBe(true);
    expect(built.details.at(-1)!.ledger_account_id).toBe('200000000000000009');
  });

  it('corrects prices incl. VAT too', () => {
    // Gross 3 × 9.99 at 21 %; shop VAT per line round(9.99*21/121)=1.73 -> 5.19; Moneybird on 29.97: 5.20.
    const plan = handPlan({
      reference: 'WC-3',
      pricesIncludeTax: true,
      lines: [1, 2, 3].map(() => ({ net: '8.26', vat: '1.73', percent: '21' })),
    });
    const built = buildDetails(plan, ctx);
    const view = moneybirdView(built.details, true);
    expect(view.total).toBe('29.97');
    expect(view.tax[RATES['domestic:21'].id]).toBe('5.19');
    expect(built.details[0]).toMatchObject({ price: '9.99', amount: '1' });
  });

  it('finds the correction closest to zero, for any rate', () => {
    for (const [pct, s, t] of [
      ['21.0', '7.14', '1.47'],
      ['9.0', '100.00', '9.03'],
      ['19.0', '55.55', '10.50'],
      ['21.0', '-7.14', '-1.47'],
    ] as const) {
      const d = findCorrection([dec(s)], dec(t), pct, false)!;
      expect(d).not.toBeNull();
      expect(fixed(moneybirdTax(dec(s).plus(d), pct, false))).toBe(t);
      // no smaller correction works
      for (let c = 1; c < d.abs().times(100).toNumber(); c++) {
        for (const sign of [1, -1])
          expect(fixed(moneybirdTax(dec(s).plus(new D(c * sign).div(100)), pct, false))).not.toBe(t);
      }
    }
    expect(findCorrection([dec('10')], dec('1'), '0.0', false)).toBeNull();
  });

  it('holds to the cent for random baskets (property)', () => {
    let seed = 42;
    let corrected = 0;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 300; n++) {
      const incl = rnd() < 0.5;
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => {
        const pct = ['21', '9', '0', '19'][Math.floor(rnd() * 4)];
        const treatment =
          pct === '19' ? ('oss' as const) : pct === '0' ? ('exempt' as const) : ('domestic' as const);
        const qty = 1 + Math.floor(rnd() * 4);
        const unit = new D(Math.floor(rnd() * 5000) + 1).div(100);
        const net = fixed(unit.times(qty));
        const vat = fixed(dec(net).times(pct).div(100)); // per-line rounding, like WooCommerce
        return {
          net,
          vat,
          percent: pct,
          treatment,
          country: pct === '19' ? 'DE' : 'NL',
          quantity: String(qty),
        };
      });
      const plan = handPlan({ reference: `P-${n}`, pricesIncludeTax: incl, lines });
      const built = buildDetails(plan, ctx);
      corrected += built.corrections.length;
      const view = moneybirdView(built.details, incl);
      expect(view.total).toBe(plan.totals.gross);
      for (const r of plan.vatByRate) expect(view.tax[ctx.taxRate(r.key).id] ?? '0.00').toBe(r.vat);
    }
    expect(corrected).toBeGreaterThan(20); // the property exercised the correction path
  });

  it('refuses a plan that does not add up', () => {
    const plan = handPlan({ reference: 'WC-4', lines: [{ net: '10.00', vat: '2.10', percent: '21' }] });
    plan.totals.gross = '12.11';
    expect(() => buildDetails(plan, ctx)).toThrow(expect.objectContaining({ code: 'TotalsDoNotReconcile' }));
  });
});
