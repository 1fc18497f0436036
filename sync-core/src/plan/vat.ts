/** VAT treatment and the keys targets map to their VAT codes (`VatCodeMap`). */
import type { PlanVat, VatTreatment } from './types';
import { normalisePercent } from '../model/money';

/** EU member states (ISO 3166-1 alpha-2; Greece is 'GR' in ISO, 'EL' in VIES). */
export const EU_COUNTRIES = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV',
  'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
]);

/**
 * The mapping key of a VAT line:
 * `domestic:21`, `domestic:9`, `domestic:0`, `oss:DE:19`, `reverse_charge:0`, `export:0`, `exempt:0`.
 */
export function vatKey(treatment: VatTreatment, percent: string, country: string): string {
  const p = normalisePercent(percent);
  if (treatment === 'oss') return `oss:${country}:${p}`;
  return `${treatment}:${p}`;
}

export function makeVat(treatment: VatTreatment, percent: string, country: string, shopRateId: string | null): PlanVat {
  return { key: vatKey(treatment, percent, country), treatment, percent: normalisePercent(percent), country, shopRateId };
}

/** The VAT of rounding lines that carry no VAT. */
export function noVat(shopCountry: string): PlanVat {
  return makeVat('exempt', '0', shopCountry, null);
}
