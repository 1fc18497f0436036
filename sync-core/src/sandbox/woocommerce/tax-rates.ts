/**
 * A realistic WooCommerce `/taxes` table for a Dutch shop selling to EU consumers (OSS rates) and
 * abroad. Ids, 4-decimal `rate` strings and classes are shaped exactly like `GET /wc/v3/taxes`
 * (see ../shared/fixtures/public/woocommerce-tax-rates-list-example.json).
 *
 * Orders' `taxes[].id` / `tax_lines[].rate_id` refer to these ids.
 */
export type WcTaxClass = 'standard' | 'reduced-rate' | 'zero-rate';

export interface WcTaxRate {
  id: number;
  country: string;
  state: string;
  postcode: string;
  city: string;
  postcodes: string[];
  cities: string[];
  /** Percentage as WooCommerce stores it: "21.0000". */
  rate: string;
  name: string;
  priority: number;
  compound: boolean;
  /** Whether the rate also applies to shipping. */
  shipping: boolean;
  order: number;
  class: WcTaxClass | string;
}

/** Line item `tax_class` as stored on orders: '' means standard. */
export function itemTaxClass(c: WcTaxClass): string {
  return c === 'standard' ? '' : c;
}

function rate(id: number, country: string, percent: string, name: string, cls: WcTaxClass, order: number): WcTaxRate {
  return {
    id,
    country,
    state: '',
    postcode: '',
    city: '',
    postcodes: [],
    cities: [],
    rate: percent,
    name,
    priority: 1,
    compound: false,
    shipping: true,
    order,
    class: cls,
  };
}

/** The default rate table of the simulated Dutch shop. */
export function dutchShopTaxRates(): WcTaxRate[] {
  return [
    rate(1, 'NL', '21.0000', 'BTW', 'standard', 0),
    rate(2, 'NL', '9.0000', 'BTW laag', 'reduced-rate', 1),
    rate(3, 'NL', '0.0000', 'BTW 0%', 'zero-rate', 2),
    rate(4, 'DE', '19.0000', 'MwSt.', 'standard', 3),
    rate(5, 'DE', '7.0000', 'MwSt. ermäßigt', 'reduced-rate', 4),
    rate(6, 'BE', '21.0000', 'BTW', 'standard', 5),
    rate(7, 'BE', '6.0000', 'BTW verlaagd', 'reduced-rate', 6),
    rate(8, 'FR', '20.0000', 'TVA', 'standard', 7),
    rate(9, 'FR', '5.5000', 'TVA réduite', 'reduced-rate', 8),
  ];
}

/**
 * WC_Tax::find_rates for a country and tax class (no state/postcode/city rules in this table):
 * the matching rates, one per priority, in table order.
 */
export function findRates(table: WcTaxRate[], country: string, cls: WcTaxClass | string): WcTaxRate[] {
  const found: WcTaxRate[] = [];
  const priorities = new Set<number>();
  for (const r of table) {
    if ((r.country === country || r.country === '') && r.class === cls && !priorities.has(r.priority)) {
      found.push(r);
      priorities.add(r.priority);
    }
  }
  return found;
}

/** WC_Tax::find_shipping_rates: the class's rates that have the shipping flag. */
export function findShippingRates(table: WcTaxRate[], country: string, cls: WcTaxClass | string): WcTaxRate[] {
  return findRates(table, country, cls).filter((r) => r.shipping);
}
