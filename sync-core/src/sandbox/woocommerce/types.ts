/**
 * What the simulated WooCommerce shop stores per order: the values as WooCommerce keeps them in
 * its order item tables (unformatted, e.g. `_line_subtotal` "4.166667", raw per-rate taxes "0.8673"),
 * before the REST layer formats them with `dp` (see rest.ts).
 *
 * Dates are GMT wall-clock strings `YYYY-MM-DDTHH:MM:SS` (WooCommerce's `_gmt` columns); the
 * site-local twins are derived from the shop's time zone when serialising.
 */
export interface WcMeta {
  id: number;
  key: string;
  value: unknown;
}

/** One per-rate tax entry as stored: raw strings (trailing zeros trimmed, like PHP floats). */
export interface WcStoredTax {
  id: number;
  total: string;
  subtotal?: string;
}

export interface WcAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone: string;
}

export interface WcLineItemRecord {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  tax_class: string;
  subtotal: string;
  subtotal_tax: string;
  total: string;
  total_tax: string;
  taxes: WcStoredTax[];
  meta_data: WcMeta[];
  /** Current product SKU; null when the product was deleted. */
  sku: string | null;
  parent_name: string | null;
}

export interface WcShippingLineRecord {
  id: number;
  method_title: string;
  method_id: string;
  instance_id: string;
  total: string;
  total_tax: string;
  taxes: WcStoredTax[];
  meta_data: WcMeta[];
}

export interface WcFeeLineRecord {
  id: number;
  name: string;
  tax_class: string;
  tax_status: 'taxable' | 'none';
  amount: string;
  total: string;
  total_tax: string;
  taxes: WcStoredTax[];
  meta_data: WcMeta[];
}

export interface WcCouponLineRecord {
  id: number;
  code: string;
  discount: string;
  discount_tax: string;
  discount_type: 'percent' | 'fixed_cart' | 'fixed_product';
  nominal_amount: string;
  free_shipping: boolean;
  meta_data: WcMeta[];
}

export interface WcTaxLineRecord {
  id: number;
  rate_code: string;
  rate_id: number;
  label: string;
  compound: boolean;
  tax_total: string;
  shipping_tax_total: string;
  rate_percent: number;
  meta_data: WcMeta[];
}

export interface WcRefundRecord {
  id: number;
  parent_id: number;
  date_created_gmt: string;
  /** Positive, at price decimals. */
  amount: string;
  reason: string;
  refunded_by: number;
  refunded_payment: boolean;
  meta_data: WcMeta[];
  /** Negative quantities and amounts, meta `_refunded_item_id`. */
  line_items: WcLineItemRecord[];
  shipping_lines: WcShippingLineRecord[];
  fee_lines: WcFeeLineRecord[];
  tax_lines: WcTaxLineRecord[];
  /** A refund taken verbatim from a REST payload (public fixtures): served as-is. */
  verbatim?: Record<string, unknown>;
}

export interface WcOrderRecord {
  id: number;
  parent_id: number;
  number: string;
  order_key: string;
  created_via: string;
  version: string;
  status: string;
  currency: string;
  prices_include_tax: boolean;
  date_created_gmt: string;
  date_modified_gmt: string;
  date_paid_gmt: string | null;
  date_completed_gmt: string | null;
  discount_total: string;
  discount_tax: string;
  shipping_total: string;
  shipping_tax: string;
  cart_tax: string;
  total: string;
  total_tax: string;
  customer_id: number;
  customer_ip_address: string;
  customer_user_agent: string;
  customer_note: string;
  billing: WcAddress;
  shipping: WcAddress;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  cart_hash: string;
  meta_data: WcMeta[];
  line_items: WcLineItemRecord[];
  tax_lines: WcTaxLineRecord[];
  shipping_lines: WcShippingLineRecord[];
  fee_lines: WcFeeLineRecord[];
  coupon_lines: WcCouponLineRecord[];
  /** Full refund objects, newest first (as WooCommerce lists them). */
  refunds: WcRefundRecord[];
  /**
   * A record taken verbatim from a REST payload (the public fixtures): served as-is instead of
   * being re-serialised from the fields above.
   */
  verbatim?: Record<string, unknown>;
  verbatimRefunds?: Record<string, unknown>[];
}

/** Shop settings that change how WooCommerce computes and formats an order. */
export interface WcShopSettings {
  /** "Prices entered with tax". */
  pricesIncludeTax: boolean;
  /** "Round tax at subtotal level, instead of rounding per line". */
  roundAtSubtotal: boolean;
  /** Number of price decimals (wc_get_price_decimals). */
  decimals: number;
  /** Base country of the shop (tax base location). */
  baseCountry: string;
  /** Site time zone for the local date columns. */
  timezone: string;
}

export const DEFAULT_SHOP_SETTINGS: WcShopSettings = {
  pricesIncludeTax: true,
  roundAtSubtotal: false,
  decimals: 2,
  baseCountry: 'NL',
  timezone: 'Europe/Amsterdam',
};
