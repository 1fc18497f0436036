/**
 * An independent check of a plan against the shop's own figures on the canonical order (its
 * grand total and its tax lines per rate) — used by `shopbooks preview` and the demo's
 * reconciliation. It does not trust the plan's own `shop` field.
 */
import { D, dec, fixed, sum } from '../model/money';
import type { Order } from '../model/order';
import type { BookingPlan } from './types';
import { normalisePercent } from '../model/money';

export interface PlanCheck {
  ok: boolean;
  grossShop: string;
  grossPlan: string;
  /** Per VAT percentage: the shop's tax and the plan's VAT. */
  vat: Array<{ percent: string; shop: string; plan: string }>;
}

export function checkPlanAgainstShop(order: Order, plan: BookingPlan): PlanCheck {
  const shopByPct = new Map<string, InstanceType<typeof D>>();
  for (const t of order.taxes) {
    const rate = order.taxRates.find((r) => r.id === t.rateId);
    const pct = rate ? normalisePercent(rate.percent) : '?';
    shopByPct.set(pct, (shopByPct.get(pct) ?? new D(0)).plus(dec(t.itemsTax).plus(t.shippingTax)));
  }
  const planByPct = new Map<string, InstanceType<typeof D>>();
  for (const v of plan.vatByRate) planByPct.set(v.vatInfo.percent, (planByPct.get(v.vatInfo.percent) ?? new D(0)).plus(v.vat));
  const pcts = [...new Set([...shopByPct.keys(), ...planByPct.keys()])].sort((a, b) => Number(b) - Number(a));
  const vat = pcts
    .map((p) => ({ percent: p, shop: fixed(shopByPct.get(p) ?? (order.taxes.length ? '0' : planByPct.get(p) ?? '0')), plan: fixed(planByPct.get(p) ?? '0') }))
    .filter((v) => !(dec(v.shop).isZero() && dec(v.plan).isZero()));
  const grossShop = fixed(order.totals.total);
  const grossPlan = fixed(sum(plan.lines.map((l) => dec(l.net).plus(l.vat))));
  return { ok: grossShop === grossPlan && vat.every((v) => v.shop === v.plan), grossShop, grossPlan, vat };
}
