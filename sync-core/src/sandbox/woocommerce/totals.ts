/**
 * WooCommerce's order arithmetic (shops.md 2.10), in decimal arithmetic:
 * - per-rate taxes computed at the rounding precision max(decimals + 2, 6) and stored raw;
 * - item/fee/shipping `total_tax` = Σ round(per-rate tax) per line, or the raw Σ when
 *   "round tax at subtotal" is on;
 * - prices entered incl. tax: ex-tax line amounts back-calculated and stored unrounded; a
 *   VAT-exempt customer gets the base tax removed, rounded to whole cents (remove_item_base_taxes);
 * - coupons baked into line totals in minor units as WC_Discounts does: items most expensive first,
 *   percent remainders and fixed-cart amounts handed out per unit of quantity;
 * - prices incl. tax outside the base location: price − base tax + destination tax, unrounded and
 *   still tax-inclusive; orders made over REST / in wp-admin keep 6-decimal nets taxed on top;
 * - cart_tax / shipping_tax unrounded sums per rate, total_tax = round(cart + shipping),
 *   discount_total / discount_tax from subtotals vs totals,
 *   total = round(Σ line totals + Σ fees + shipping_total + cart_tax + shipping_tax), where each line
 *   total is first rounded to price decimals unless round-at-subtotal is on
 *   (WC_Item_Totals::get_rounded_items_total, shared by WC_Cart_Totals and WC_Abstract_Order since 3.9).
 */
import { D, type Dec, dec } from '../../model/money';
import { findRates, findShippingRates, type WcTaxClass, type WcTaxRate, itemTaxClass } from './tax-rates';
import type {
  WcCouponLineRecord,
  WcFeeLineRecord,
  WcLineItemRecord,
  WcMeta,
  WcShippingLineRecord,
  WcOrderRecord,
  WcShopSettings,
  WcStoredTax,
  WcTaxLineRecord,
} from './types';

export function roundingPrecision(decimals: number): number {
  return Math.max(decimals + 2, 6);
}

/** A PHP float printed the way WooCommerce stores raw taxes: rounded to precision, no trailing zeros. */
export function raw(value: Dec, precision: number): string {
  const s = value.toDecimalPlaces(precision, D.ROUND_HALF_UP).toFixed();
  return s === '-0' ? '0' : s;
}

/** wc_round_tax_total / round(x, decimals): half away from zero. */
export function roundTo(value: Dec | string, decimals: number): Dec {
  return dec(value).toDecimalPlaces(decimals, D.ROUND_HALF_UP);
}

/** WC_Tax::calc_exclusive_tax for non-compound and compound rates, rounded to precision. */
export function calcExclusiveTax(price: Dec, rates: WcTaxRate[], precision: number): Map<number, Dec> {
  const taxes = new Map<number, Dec>();
  for (const r of rates) {
    if (r.compound) continue;
    taxes.set(r.id, price.times(dec(r.rate)).div(100));
  }
  let preCompound = price;
  for (const t of taxes.values()) preCompound = preCompound.plus(t);
  for (const r of rates) {
    if (!r.compound) continue;
    const t = preCompound.times(dec(r.rate)).div(100);
    taxes.set(r.id, t);
    preCompound = preCompound.plus(t);
  }
  for (const [k, v] of taxes) taxes.set(k, v.toDecimalPlaces(precision, D.ROUND_HALF_UP));
  return taxes;
}

/** WC_Tax::calc_inclusive_tax (regular rates; compound rates are not used for NL VAT). */
export function calcInclusiveTax(price: Dec, rates: WcTaxRate[], precision: number): Map<number, Dec> {
  const taxes = new Map<number, Dec>();
  const regular = rates.filter((r) => !r.compound);
  const compound = rates.filter((r) => r.compound);
  const regularRate = new D(1).plus(regular.reduce((a, r) => a.plus(dec(r.rate)), new D(0)).div(100));
  let nonCompoundPrice = price;
  for (const r of [...compound].reverse()) {
    const t = nonCompoundPrice.minus(nonCompoundPrice.div(new D(1).plus(dec(r.rate).div(100))));
    taxes.set(r.id, t);
    nonCompoundPrice = nonCompoundPrice.minus(t);
  }
  for (const r of regular) {
    const theRate = dec(r.rate).div(100).div(regularRate);
    const net = price.minus(theRate.times(nonCompoundPrice));
    taxes.set(r.id, price.minus(net));
  }
  for (const [k, v] of taxes) taxes.set(k, v.toDecimalPlaces(precision, D.ROUND_HALF_UP));
  return taxes;
}

function sumMap(m: Map<number, Dec>): Dec {
  let s = new D(0);
  for (const v of m.values()) s = s.plus(v);
  return s;
}

/** What a cart line looks like before WooCommerce computes it. */
export interface DraftItem {
  name: string;
  productId: number;
  variationId?: number;
  sku: string | null;
  quantity: number;
  /** Unit price as entered in the shop (incl. tax when the shop enters prices with tax). */
  unitPrice: string;
  taxClass: WcTaxClass;
  /** tax_status 'taxable' (default) or 'none'. */
  taxable?: boolean;
  meta?: WcMeta[];
  parentName?: string | null;
}

export interface DraftShipping {
  methodId: string;
  methodTitle: string;
  instanceId: string;
  /** Cost excl. tax (WooCommerce shipping costs are entered without tax). */
  cost: string;
  taxable?: boolean;
}

export interface DraftFee {
  name: string;
  /** Excl. tax, may be negative. */
  amount: string;
  taxClass: WcTaxClass;
  taxable: boolean;
}

export interface DraftCoupon {
  /** The coupon's post id (in the order's `coupon_info` meta); 0 when unknown. */
  id?: number;
  code: string;
  type: 'percent' | 'fixed_cart' | 'fixed_product';
  /** Percentage, or an amount in the entered price basis. */
  amount: string;
}

export interface DraftOrder {
  items: DraftItem[];
  shipping: DraftShipping[];
  fees: DraftFee[];
  coupon?: DraftCoupon;
  /** Tax location: the customer's country. */
  country: string;
  /** EU business with a valid VAT number (reverse charge) or otherwise exempt: no tax at all. */
  vatExempt: boolean;
  /** How the order was made: the checkout (default), or `POST /wc/v3/orders` / wp-admin (WC_Abstract_Order::calculate_totals). */
  createdVia?: 'checkout' | 'rest-api';
}

export interface ComputedOrder {
  line_items: WcLineItemRecord[];
  shipping_lines: WcShippingLineRecord[];
  fee_lines: WcFeeLineRecord[];
  coupon_lines: WcCouponLineRecord[];
  tax_lines: WcTaxLineRecord[];
  discount_total: string;
  discount_tax: string;
  shipping_total: string;
  shipping_tax: string;
  cart_tax: string;
  total: string;
  total_tax: string;
}

/** Hands out the order item ids (one sequence for all item types, as WooCommerce does). */
export type ItemIdSource = () => number;

function toStored(m: Map<number, Dec>, precision: number, sub?: Map<number, Dec>): WcStoredTax[] {
  const out: WcStoredTax[] = [];
  for (const [id, v] of m) {
    const e: WcStoredTax = { id, total: raw(v, precision) };
    if (sub) e.subtotal = raw(sub.get(id) ?? new D(0), precision);
    out.push(e);
  }
  return out;
}

/** Σ round(per-rate) unless round-at-subtotal, then the raw Σ (WC_Order_Item::set_taxes). */
export function itemTaxTotal(taxes: Map<number, Dec>, s: WcShopSettings): Dec {
  let t = new D(0);
  for (const v of taxes.values()) t = t.plus(s.roundAtSubtotal ? v : roundTo(v, s.decimals));
  return t;
}

/** Compute an order the way WooCommerce's checkout + WC_Abstract_Order do. */
export function computeOrder(draft: DraftOrder, table: WcTaxRate[], s: WcShopSettings, nextItemId: ItemIdSource, nextMetaId: ItemIdSource = nextItemId): ComputedOrder {
  const p = roundingPrecision(s.decimals);
  const unit = new D(10).pow(s.decimals);
  const zero = new D(0);

  // 1. Line prices in the entered basis, adjusted for non-base locations.
  interface Work {
    d: DraftItem;
    rates: WcTaxRate[];
    inclusive: boolean;
    /** Line price (unit × qty) in minor units, basis = inclusive ? gross : net. */
    priceUnits: Dec;
    /** What coupons discount, in minor units: the price, or for a REST order entered incl. tax its 6-decimal net + tax. */
    couponUnits: Dec;
    /** A REST order entered incl. tax: its coupon discount is gross and leaves the line net by its inclusive tax. */
    restInclusive: boolean;
    discountUnits: Dec;
  }
  const viaRest = draft.createdVia === 'rest-api';
  const work: Work[] = draft.items.map((d) => {
    const taxable = d.taxable !== false;
    const rates = taxable && !draft.vatExempt ? findRates(table, draft.country, d.taxClass) : [];
    let priceUnits = dec(d.unitPrice).times(d.quantity).times(unit);
    let inclusive = s.pricesIncludeTax && taxable;
    if (inclusive) {
      const baseRates = findRates(table, s.baseCountry, d.taxClass);
      const same = baseRates.length === rates.length && baseRates.every((r, i) => r.id === rates[i].id);
      if (viaRest) {
        // wc_get_price_excluding_tax: the base tax taken out, the net kept at 6 decimals; the order's
        // calculate_totals then taxes that net on top (WC_Order_Item_Product::calculate_taxes)
        const baseTax = sumMap(calcInclusiveTax(priceUnits.div(unit), baseRates, p));
        priceUnits = priceUnits.div(unit).minus(baseTax).toDecimalPlaces(p, D.ROUND_HALF_UP).times(unit);
        inclusive = false;
      } else if (draft.vatExempt) {
        // WC_Cart_Totals::remove_item_base_taxes: the base tax removed, rounded to whole minor units
        const baseTax = sumMap(calcInclusiveTax(priceUnits, baseRates, p));
        priceUnits = priceUnits.minus(baseTax).toDecimalPlaces(0, D.ROUND_HALF_UP);
        inclusive = false;
      } else if (!same) {
        // woocommerce_adjust_non_base_location_prices (WC_Cart_Totals::adjust_non_base_location_price):
        // price − base tax + destination tax, not rounded, and still a tax-inclusive price
        const baseTax = sumMap(calcInclusiveTax(priceUnits, baseRates, p));
        const net = priceUnits.minus(baseTax);
        priceUnits = net.plus(sumMap(calcExclusiveTax(net, rates, p)));
      }
    }
    const restInclusive = viaRest && s.pricesIncludeTax && taxable;
    const couponUnits = restInclusive ? priceUnits.plus(sumMap(calcExclusiveTax(priceUnits.div(unit), rates, p)).times(unit)) : priceUnits;
    return { d, rates, inclusive, priceUnits, couponUnits, restInclusive, discountUnits: zero };
  });

  // 2. Coupon discounts in minor units (WC_Discounts: items sorted by price, most expensive first).
  const c = draft.coupon;
  if (c) {
    const caps = work.map((w) => w.couponUnits.floor());
    const left = (i: number) => caps[i].minus(work[i].discountUnits);
    const byPrice = work.map((_, i) => i).sort((a, b) => work[b].couponUnits.times(work[b].d.quantity).comparedTo(work[a].couponUnits.times(work[a].d.quantity)) || a - b);
    /** apply_coupon_remainder: one minor unit per unit of quantity, item by item in price order. */
    const remainder = (amount: Dec): Dec => {
      let given = zero;
      for (const i of byPrice) {
        for (let q = 0; q < work[i].d.quantity && given.lt(amount); q++) {
          const one = D.min(left(i), 1);
          work[i].discountUnits = work[i].discountUnits.plus(one);
          given = given.plus(one);
        }
        if (given.gte(amount)) break;
      }
      return given;
    };
    /** apply_coupon_fixed_product: `perUnit` × quantity on each item, capped at what is left. */
    const perUnit = (amountPerUnit: Dec): Dec => {
      let given = zero;
      for (const i of byPrice) {
        const d = D.min(left(i), amountPerUnit.times(work[i].d.quantity));
        work[i].discountUnits = work[i].discountUnits.plus(d);
        given = given.plus(d);
      }
      return given;
    };
    /** apply_coupon_fixed_cart: floor(amount / Σqty) per unit, the rest again, then by the remainder. */
    const fixedCart = (amount: Dec): Dec => {
      const open = byPrice.filter((i) => left(i).gt(0));
      const count = open.reduce((a, i) => a + work[i].d.quantity, 0);
      if (!count || !amount.gt(0)) return zero;
      const each = amount.div(count).floor();
      if (each.gt(0)) {
        let given = perUnit(each);
        if (given.gt(0) && given.lt(amount)) given = given.plus(fixedCart(amount.minus(given)));
        return given;
      }
      return remainder(amount);
    };
    if (c.type === 'percent') {
      const pct = dec(c.amount);
      let given = zero;
      for (const i of byPrice) {
        const d = D.min(work[i].couponUnits.toDecimalPlaces(0, D.ROUND_HALF_UP).times(pct).div(100).floor(), caps[i]);
        work[i].discountUnits = d;
        given = given.plus(d);
      }
      const whole = work.reduce((a, w) => a.plus(w.couponUnits), zero).times(pct).div(100).toDecimalPlaces(0, D.ROUND_HALF_UP);
      if (whole.gt(given)) remainder(whole.minus(given));
    } else if (c.type === 'fixed_product') {
      perUnit(dec(c.amount).times(unit));
    } else {
      fixedCart(D.min(dec(c.amount).times(unit), caps.reduce((a, x) => a.plus(x), zero)));
    }
  }

  // 3. Items: ex-tax subtotal/total and raw taxes.
  const lineItems: WcLineItemRecord[] = [];
  const cartTaxes = new Map<number, Dec>();
  const add = (m: Map<number, Dec>, id: number, v: Dec) => m.set(id, (m.get(id) ?? zero).plus(v));
  let sumSubtotal = zero;
  let sumTotal = zero;
  let sumSubTaxRaw = zero;
  let sumTotTaxRaw = zero;
  const classCost = new Map<string, Dec>();
  for (const w of work) {
    const subGross = w.priceUnits.div(unit);
    // recalculate_coupons on a REST order entered incl. tax: the line loses the discount without its tax
    const discount = w.discountUnits.div(unit);
    const totGross = subGross.minus(w.restInclusive ? discount.minus(sumMap(calcInclusiveTax(discount, w.rates, p))) : discount);
    let subNet = subGross;
    let totNet = totGross;
    let subTaxes: Map<number, Dec>;
    let totTaxes: Map<number, Dec>;
    if (w.inclusive) {
      subTaxes = calcInclusiveTax(subGross, w.rates, p);
      totTaxes = calcInclusiveTax(totGross, w.rates, p);
      subNet = subGross.minus(sumMap(subTaxes));
      totNet = totGross.minus(sumMap(totTaxes));
    } else {
      subTaxes = calcExclusiveTax(subNet, w.rates, p);
      totTaxes = calcExclusiveTax(totNet, w.rates, p);
    }
    // "Subtotal cannot be less than total"
    if (sumMap(subTaxes).lt(sumMap(totTaxes))) subTaxes = new Map(totTaxes);
    for (const [id, v] of totTaxes) add(cartTaxes, id, s.roundAtSubtotal ? v : roundTo(v, s.decimals));
    // WC_Item_Totals::get_rounded_items_total: each line rounded to price decimals before summing,
    // unless "round tax at subtotal" is on (then the raw values are summed)
    sumSubtotal = sumSubtotal.plus(s.roundAtSubtotal ? subNet : roundTo(subNet, s.decimals));
    sumTotal = sumTotal.plus(s.roundAtSubtotal ? totNet : roundTo(totNet, s.decimals));
    sumSubTaxRaw = sumSubTaxRaw.plus(sumMap(subTaxes));
    sumTotTaxRaw = sumTotTaxRaw.plus(sumMap(totTaxes));
    if (w.rates.length) classCost.set(w.d.taxClass, (classCost.get(w.d.taxClass) ?? zero).plus(totNet));
    lineItems.push({
      id: nextItemId(),
      name: w.d.name,
      product_id: w.d.productId,
      variation_id: w.d.variationId ?? 0,
      quantity: w.d.quantity,
      tax_class: itemTaxClass(w.d.taxClass),
      subtotal: raw(subNet, p),
      subtotal_tax: raw(itemTaxTotal(subTaxes, s), p),
      total: raw(totNet, p),
      total_tax: raw(itemTaxTotal(totTaxes, s), p),
      taxes: toStored(totTaxes, p, subTaxes),
      meta_data: w.d.meta ?? [],
      sku: w.d.sku,
      parent_name: w.d.parentName ?? null,
    });
  }

  // 4. Shipping (WC_Cart_Totals computes it before fees): tax class "inherit" = standard when any taxed item is standard, else the first
  // class found among the items.
  const shippingTaxes = new Map<number, Dec>();
  const shippingLines: WcShippingLineRecord[] = [];
  let shippingTotal = zero;
  const classes = work.filter((w) => w.rates.length).map((w) => w.d.taxClass);
  const shipClass: WcTaxClass | null = classes.includes('standard') ? 'standard' : (classes[0] ?? null);
  for (const sh of draft.shipping) {
    const cost = dec(sh.cost);
    const rates = sh.taxable !== false && shipClass && !draft.vatExempt && !cost.isZero() ? findShippingRates(table, draft.country, shipClass) : [];
    const taxes = calcExclusiveTax(cost, rates, p);
    for (const [id, v] of taxes) add(shippingTaxes, id, s.roundAtSubtotal ? v : roundTo(v, s.decimals));
    shippingTotal = shippingTotal.plus(roundTo(cost, s.decimals));
    shippingLines.push({
      id: nextItemId(),
      method_title: sh.methodTitle,
      method_id: sh.methodId,
      instance_id: sh.instanceId,
      total: raw(cost, p),
      total_tax: raw(itemTaxTotal(taxes, s), p),
      taxes: toStored(taxes, p),
      // the checkout notes what was shipped (WC_Checkout::create_order_shipping_lines); REST orders have no package
      meta_data: viaRest ? [] : [{ id: nextMetaId(), key: 'Items', value: draft.items.map((d) => `${d.name} &times; ${d.quantity}`).join(', ') }],
    });
  }

  // 5. Fees (entered excl. tax). Negative taxable fees are taxed over the cart's tax classes in
  // proportion to their cost (WC_Cart_Fees / WC_Cart_Totals).
  const feeLines: WcFeeLineRecord[] = [];
  let sumFees = zero;
  for (const f of draft.fees) {
    let amount = roundTo(f.amount, s.decimals);
    if (amount.isNegative()) {
      // a negative fee is capped at -(items + earlier fees + shipping), excl. tax (WC_Cart_Totals::calculate_fee_totals)
      const maxDiscount = roundTo(sumTotal.plus(sumFees).plus(shippingTotal), s.decimals).negated();
      if (amount.lt(maxDiscount)) amount = maxDiscount;
    }
    let taxes = new Map<number, Dec>();
    if (f.taxable && !draft.vatExempt) {
      if (amount.isNegative()) {
        const costSum = [...classCost.values()].reduce((a, v) => a.plus(v), zero);
        if (!costSum.isZero()) {
          for (const [cls, cost] of classCost) {
            const part = amount.times(cost).div(costSum);
            for (const [id, v] of calcExclusiveTax(part, findRates(table, draft.country, cls), p)) taxes.set(id, (taxes.get(id) ?? zero).plus(v));
          }
        }
      } else {
        taxes = calcExclusiveTax(amount, findRates(table, draft.country, f.taxClass), p);
      }
    }
    for (const [id, v] of taxes) add(cartTaxes, id, s.roundAtSubtotal ? v : roundTo(v, s.decimals));
    sumFees = sumFees.plus(amount);
    feeLines.push({
      id: nextItemId(),
      name: f.name,
      tax_class: f.taxable ? itemTaxClass(f.taxClass) : '',
      tax_status: f.taxable ? 'taxable' : 'none',
      // an order made over REST or in wp-admin has no fee "amount" (only the checkout's WC_Cart_Fees sets it)
      amount: viaRest ? '' : raw(amount, p),
      total: raw(amount, p),
      total_tax: raw(itemTaxTotal(taxes, s), p),
      taxes: toStored(taxes, p), // fee items store no subtotal taxes
      meta_data: [],
    });
  }

  // 6. Tax lines per rate, order totals.
  const taxLines: WcTaxLineRecord[] = [];
  const rateIds = [...new Set([...cartTaxes.keys(), ...shippingTaxes.keys()])];
  for (const id of rateIds) {
    const r = table.find((x) => x.id === id);
    if (!r) throw new Error(`tax rate ${id} not in the table`);
    taxLines.push({
      id: nextItemId(),
      rate_code: `${r.country}-${r.name.toUpperCase()}-${r.priority}`,
      rate_id: id,
      label: r.name,
      compound: r.compound,
      tax_total: raw(cartTaxes.get(id) ?? zero, p),
      shipping_tax_total: raw(shippingTaxes.get(id) ?? zero, p),
      rate_percent: Number(dec(r.rate).toFixed()),
      meta_data: [],
    });
  }
  const cartTax = sumMap(cartTaxes);
  const shippingTax = sumMap(shippingTaxes);
  const total = roundTo(sumTotal.plus(sumFees).plus(shippingTotal).plus(cartTax).plus(shippingTax), s.decimals);
  const discountTotal = roundTo(sumSubtotal.minus(sumTotal), s.decimals);
  const discountTax = roundTo(sumSubTaxRaw.minus(sumTotTaxRaw), s.decimals);

  const couponLines: WcCouponLineRecord[] = c
    ? [
        {
          id: nextItemId(),
          code: c.code,
          // an order made over REST recalculates its coupons (recalculate_coupons): at subtotal the
          // discount and its tax stay unrounded ("6.915535", "0.9801"); the checkout stores cents
          discount: raw(viaRest && s.roundAtSubtotal ? sumSubtotal.minus(sumTotal) : discountTotal, p),
          discount_tax: raw(viaRest && s.roundAtSubtotal ? sumSubTaxRaw.minus(sumTotTaxRaw) : discountTax, p),
          discount_type: c.type,
          nominal_amount: c.amount,
          free_shipping: false,
          // WC_Order_Item_Coupon::set_coupon_info (WC 8.7+): [id, code, type, amount] as a JSON string
          meta_data: [{ id: nextMetaId(), key: 'coupon_info', value: JSON.stringify([c.id ?? 0, c.code, c.type, Number(c.amount)]) }],
        },
      ]
    : [];

  return {
    line_items: lineItems,
    shipping_lines: shippingLines,
    fee_lines: feeLines,
    coupon_lines: couponLines,
    tax_lines: taxLines,
    discount_total: raw(discountTotal, p),
    discount_tax: raw(discountTax, p),
    shipping_total: raw(shippingTotal, p),
    shipping_tax: raw(shippingTax, p),
    cart_tax: raw(cartTax, p),
    total: raw(total, p),
    total_tax: raw(roundTo(cartTax.plus(shippingTax), s.decimals), p),
  };
}

/**
 * WC_Abstract_Order::calculate_totals(true) on a stored order, as a `PUT` that changes the billing
 * or shipping address runs it: every line's stored net is taxed again at the rates of the new tax
 * location (the shipping country, else the billing country) with the current settings, then the
 * tax lines and order totals are rebuilt. Prices are not re-derived: line nets stay as stored.
 */
export function recalculateOrder(o: WcOrderRecord, table: WcTaxRate[], s: WcShopSettings, nextItemId: ItemIdSource): void {
  const p = roundingPrecision(s.decimals);
  const zero = new D(0);
  const country = o.shipping.country || o.billing.country;
  const exempt = o.meta_data.some((m) => m.key === 'is_vat_exempt' && m.value === 'yes');
  const classOf = (c: string): WcTaxClass => (c === '' ? 'standard' : (c as WcTaxClass));
  const cartTaxes = new Map<number, Dec>();
  const shippingTaxes = new Map<number, Dec>();
  const add = (m: Map<number, Dec>, taxes: Map<number, Dec>) => {
    for (const [id, v] of taxes) m.set(id, (m.get(id) ?? zero).plus(s.roundAtSubtotal ? v : roundTo(v, s.decimals)));
  };
  let items = zero;
  let subtotalTaxRaw = zero;
  let totalTaxRaw = zero;
  const classes: WcTaxClass[] = [];
  for (const li of o.line_items) {
    const rates = exempt ? [] : findRates(table, country, classOf(li.tax_class));
    if (rates.length) classes.push(classOf(li.tax_class));
    const tot = calcExclusiveTax(dec(li.total), rates, p);
    const sub = calcExclusiveTax(dec(li.subtotal), rates, p);
    Object.assign(li, { taxes: toStored(tot, p, sub), total_tax: raw(itemTaxTotal(tot, s), p), subtotal_tax: raw(itemTaxTotal(sub, s), p) });
    add(cartTaxes, tot);
    items = items.plus(s.roundAtSubtotal ? dec(li.total) : roundTo(li.total, s.decimals));
    subtotalTaxRaw = subtotalTaxRaw.plus(sumMap(sub));
    totalTaxRaw = totalTaxRaw.plus(sumMap(tot));
  }
  for (const f of o.fee_lines) {
    const rates = exempt || f.tax_status !== 'taxable' ? [] : findRates(table, country, classOf(f.tax_class));
    const taxes = calcExclusiveTax(dec(f.total), rates, p);
    Object.assign(f, { taxes: toStored(taxes, p), total_tax: raw(itemTaxTotal(taxes, s), p) });
    add(cartTaxes, taxes);
    items = items.plus(f.total);
  }
  const shipClass: WcTaxClass | null = classes.includes('standard') ? 'standard' : (classes[0] ?? null);
  let shipping = zero;
  for (const sl of o.shipping_lines) {
    const rates = exempt || !shipClass ? [] : findShippingRates(table, country, shipClass);
    const taxes = calcExclusiveTax(dec(sl.total), rates, p);
    Object.assign(sl, { taxes: toStored(taxes, p).map((t) => ({ id: t.id, total: t.total })), total_tax: raw(itemTaxTotal(taxes, s), p) });
    add(shippingTaxes, taxes);
    shipping = shipping.plus(roundTo(sl.total, s.decimals));
  }
  o.tax_lines = [...new Set([...cartTaxes.keys(), ...shippingTaxes.keys()])].map((id) => {
    const r = table.find((x) => x.id === id)!;
    return { id: nextItemId(), rate_code: `${r.country}-${r.name.toUpperCase()}-${r.priority}`, rate_id: id, label: r.name, compound: r.compound, tax_total: raw(cartTaxes.get(id) ?? zero, p), shipping_tax_total: raw(shippingTaxes.get(id) ?? zero, p), rate_percent: Number(dec(r.rate).toFixed()), meta_data: [] };
  });
  const cartTax = sumMap(cartTaxes);
  const shippingTax = sumMap(shippingTaxes);
  Object.assign(o, {
    cart_tax: raw(cartTax, p),
    shipping_tax: raw(shippingTax, p),
    shipping_total: raw(shipping, p),
    discount_tax: raw(roundTo(subtotalTaxRaw.minus(totalTaxRaw), s.decimals), p),
    total_tax: raw(roundTo(cartTax.plus(shippingTax), s.decimals), p),
    total: raw(roundTo(items.plus(shipping).plus(cartTax).plus(shippingTax), s.decimals), p),
  });
}
