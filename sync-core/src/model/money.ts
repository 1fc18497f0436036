/**
 * Money. Amounts travel through the model as decimal strings ("12.34", "0.833333") and are
 * computed with decimal.js. Never a JavaScript float. Rounding is always explicit:
 * `roundMoney` rounds half away from zero, as PHP's round() (WooCommerce) and most
 * accounting systems do.
 */
import Decimal from 'decimal.js';
import { z } from 'zod';

/** A private Decimal constructor so no global configuration of another package can change ours. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

/** A decimal amount as a string: optional minus, digits, optional fraction. No exponent, no spaces. */
export const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
export const DecimalString = z
  .string()
  .regex(DECIMAL_RE, { message: 'is not a decimal amount (expected digits like "12.34")' });
export type DecimalString = z.infer<typeof DecimalString>;

export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'is not a three-letter ISO 4217 currency code' });

export const Money = z.object({ amount: DecimalString, currency: CurrencyCode });
export type Money = z.infer<typeof Money>;

/** Decimals per currency (ISO 4217 minor units); 2 unless listed. */
const MINOR_UNITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  ISK: 0,
  HUF: 2,
  BHD: 3,
  KWD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
};
export function currencyDecimals(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

export function dec(value: Dec | string | number): Dec {
  if (typeof value === 'number' && !Number.isInteger(value)) {
    // Floats only enter from JSON payloads (e.g. WooCommerce line `price`); take their shortest
    // decimal representation, which is what the shop printed.
    return new D(String(value));
  }
  return new D(value);
}

/** Round half away from zero to `dp` decimals and return the fixed-point string. */
export function roundMoney(value: Dec | string | number, dp = 2): string {
  return dec(value).toDecimalPlaces(dp, D.ROUND_HALF_UP).toFixed(dp);
}

export function sum(values: Array<Dec | string>): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(dec(v)), new D(0));
}

export function isZero(value: Dec | string): boolean {
  return dec(value).isZero();
}

/**
 * Split `total` over parts in proportion to `weights`: each share is rounded half away from zero
 * to `dp` decimals and the last part takes what is left, so the shares add up to `total` exactly.
 * With all weights zero every share is zero but the last, which takes the whole total. One rule
 * for every split (a coupon over rows, a rate's tax over its lines, a refund over VAT rates).
 */
export function allocateProportionally(total: Dec, weights: Dec[], dp = 2): Dec[] {
  const base = sum(weights);
  let used = new D(0);
  return weights.map((w, i) => {
    const share =
      i === weights.length - 1
        ? total.minus(used)
        : base.isZero()
          ? new D(0)
          : total.times(w).div(base).toDecimalPlaces(dp, D.ROUND_HALF_UP);
    used = used.plus(share);
    return share;
  });
}

/** "21.0000" -> "21", "5.50" -> "5.5". */
export function normalisePercent(percent: string): string {
  const d = dec(percent);
  return d.toFixed(Math.max(0, d.decimalPlaces()));
}

/** "12.3" -> "12.30"; normalises -0.00 to 0.00. */
export function fixed(value: Dec | string | number, dp = 2): string {
  const r = roundMoney(value, dp);
  return /^-0(\.0+)?$/.test(r) ? r.slice(1) : r;
}

export function negate(value: string): string {
  return fixed(dec(value).negated(), Math.max(2, decimalsOf(value)));
}

export function decimalsOf(value: string): number {
  const i = value.indexOf('.');
  return i < 0 ? 0 : value.length - i - 1;
}

/**
 * Parse a money value as shops send it: a JSON string ("12.30", "0.833333"), a JSON number
 * (WooCommerce `price`, CCV Shop totals), or null/"" for "no value". Throws a plain-language
 * error for anything else (e.g. "12,30", "abc", NaN, Infinity, 1e400).
 */
export function parseAmount(value: unknown, field: string): string {
  if (value === null || value === undefined || value === '') return '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${field} is not a finite number (${String(value)})`);
    const s = String(value);
    if (/e/i.test(s)) return new D(s).toFixed();
    return s;
  }
  if (typeof value === 'string') {
    const t = value.trim();
    if (!DECIMAL_RE.test(t)) throw new Error(`${field} is not a decimal amount: "${value.slice(0, 40)}"`);
    return t;
  }
  throw new Error(`${field} has an unexpected type (${typeof value})`);
}
