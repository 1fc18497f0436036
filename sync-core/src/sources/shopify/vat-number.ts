/**
 * The customer's VAT number and tax exemption of a Shopify order. Shopify has no standard order
 * field for the VAT number: it is read, by setting, from a customer metafield, a checkout custom
 * attribute, or (last resort) the billing company field (see `ShopifyVatNumberSettings`).
 */
import type { GqlOrder } from './orders-query';
import type { ShopifyVatNumberSettings } from './config';

/** Shopify's TaxExemption value for EU B2B customers who account for the VAT themselves. */
export const EU_REVERSE_CHARGE_EXEMPTION = 'EU_REVERSE_CHARGE_EXEMPTION_RULE';

/** An EU VAT number: country prefix (EL for Greece, XI for Northern Ireland) and 8–12 characters. */
const EU_VAT = /^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)[0-9A-Z]{8,12}$/;

/** "de 123.456-789" → "DE123456789". */
export function normaliseVatNumber(v: string): string {
  return v.replace(/[\s.\-_]/g, '').toUpperCase();
}

const looseName = (s: string) => s.toLowerCase().replace(/[\s.\-_]/g, '');

/** An EU VAT number inside a company field ("Peeters BV BE 0123.456.789"), or ''. */
export function vatNumberInText(text: string): string {
  const whole = normaliseVatNumber(text);
  if (EU_VAT.test(whole)) return whole;
  // the number may follow the name: try every suffix that starts at a word boundary
  const words = text.trim().split(/\s+/);
  for (let i = 1; i < words.length; i++) {
    const tail = normaliseVatNumber(words.slice(i).join(''));
    if (EU_VAT.test(tail)) return tail;
  }
  return '';
}

export function shopifyVatNumber(o: GqlOrder, settings: ShopifyVatNumberSettings): string {
  if (settings.customerMetafield) {
    const v = normaliseVatNumber(o.customer?.vatMetafield?.value ?? '');
    if (v) return v;
  }
  const names = new Set(settings.customAttributes.map(looseName));
  for (const a of o.customAttributes) {
    if (!names.has(looseName(a.key))) continue;
    const v = normaliseVatNumber(a.value ?? '');
    if (v) return v;
  }
  if (settings.billingCompany) {
    const v = vatNumberInText(o.billingAddress?.company ?? '');
    if (v) return v;
  }
  return '';
}

/** The shop charged no tax because the customer (or the order) is exempt from it. */
export function shopifyTaxExempt(o: GqlOrder): boolean {
  return o.taxExempt || o.customer?.taxExempt === true || (o.customer?.taxExemptions ?? []).includes(EU_REVERSE_CHARGE_EXEMPTION);
}
