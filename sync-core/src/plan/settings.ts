/** Settings that change how an order is planned (not how it is sent). */
import { z } from 'zod';

export const PlanSettings = z.object({
  /** The shop's own country (VAT home country). */
  shopCountry: z.string().regex(/^[A-Z]{2}$/).default('NL'),
  /** Currency of the administration; orders in another currency are refused unless listed in `acceptedCurrencies`. */
  baseCurrency: z.string().regex(/^[A-Z]{3}$/).default('EUR'),
  /** Extra currencies the administration can book (e.g. ['USD']). */
  acceptedCurrencies: z.array(z.string().regex(/^[A-Z]{3}$/)).default([]),
  /** 'netted': discounts are already in the line amounts; 'separate': one discount line per VAT rate. */
  discountMode: z.enum(['netted', 'separate']).default('netted'),
  /** Largest rounding difference accepted per VAT rate (and on the total, per rate) before refusing. */
  toleranceCents: z.number().int().min(0).max(100).default(2),
  /** Optional prefix put before the shop's order number in the reference (e.g. "WEB-"). */
  referencePrefix: z.string().max(10).default(''),
  /** Book orders with a zero total (e.g. 100 % discount) instead of skipping them. */
  bookZeroTotalOrders: z.boolean().default(false),
  /** Refuse orders without a usable e-mail (off when all orders go to one collective debtor). */
  requireCustomerEmail: z.boolean().default(true),
  /** The shop's time zone: booking dates are local calendar dates. */
  timeZone: z.string().default('Europe/Amsterdam'),
  /** Amounts above this (per order, absolute) are refused as implausible. */
  maxOrderAmount: z.string().default('1000000'),
});
export type PlanSettings = z.infer<typeof PlanSettings>;
export type PlanSettingsInput = z.input<typeof PlanSettings>;

const parsed = new WeakMap<object, PlanSettings>();
/**
 * Parse settings once per settings object: the engine plans thousands of orders with the same
 * object, and a zod parse per order was a large share of the planning time.
 */
export function planSettings(input: PlanSettingsInput | PlanSettings): PlanSettings {
  const hit = parsed.get(input);
  if (hit) return hit;
  const s = PlanSettings.parse(input);
  parsed.set(input, s);
  parsed.set(s, s);
  return s;
}
