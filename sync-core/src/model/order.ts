/**
 * The canonical order model. Every source (WooCommerce, Shopify, CCV Shop) maps its payloads to
 * these shapes and validates them here; `plan/` and the targets only ever see these.
 *
 * Amounts are decimal strings (see money.ts). Line amounts are EXCLUDING VAT ("net"), as the shop
 * stored them (possibly unrounded, e.g. "4.166667" when prices are entered incl. VAT). The shop's
 * own totals are kept separately in `totals` and `taxes`: they are the truth we book to the cent.
 */
import { z } from 'zod';
import { CurrencyCode, DecimalString } from './money';

export const Platform = z.enum(['woocommerce', 'shopify', 'ccvshop']);
export type Platform = z.infer<typeof Platform>;

export const CountryCode = z.string().regex(/^[A-Z]{2}$/, { message: 'is not a two-letter ISO country code' });

export const Address = z.object({
  line1: z.string().default(''),
  line2: z.string().default(''),
  postcode: z.string().default(''),
  city: z.string().default(''),
  state: z.string().default(''),
  /** ISO 3166-1 alpha-2, upper case; '' when the shop has none. */
  country: z.union([CountryCode, z.literal('')]).default(''),
});
export type Address = z.infer<typeof Address>;

export const Customer = z.object({
  /** The shop's customer id; null for guest checkouts. */
  shopCustomerId: z.string().nullable(),
  /** As entered; may be '' or invalid — plan/ decides what that means. */
  email: z.string(),
  firstName: z.string().default(''),
  lastName: z.string().default(''),
  company: z.string().default(''),
  phone: z.string().default(''),
  vatNumber: z.string().default(''),
  /**
   * The shop charged this customer no VAT because it is a business exempt from it (Shopify's
   * customer/order tax exemption, CCV's intra-community order, WooCommerce's `is_vat_exempt` order
   * meta). plan/ books such an order to another EU country as reverse charge, and refuses it when
   * no VAT number was found.
   */
  taxExempt: z.boolean().default(false),
  billing: Address,
  shipping: Address.nullable().default(null),
});
export type Customer = z.infer<typeof Customer>;

/** One tax rate as the shop defines it. `id` is the shop's rate id (WooCommerce `rate_id`). */
export const TaxRate = z.object({
  id: z.string(),
  percent: DecimalString,
  label: z.string().default(''),
  country: z.string().default(''),
  /** The shop's tax class ('' = standard, 'reduced-rate', 'zero-rate', ...). */
  taxClass: z.string().default(''),
  compound: z.boolean().default(false),
});
export type TaxRate = z.infer<typeof TaxRate>;

/** Tax on one line for one rate, as the shop stored it (raw, possibly more than 2 decimals). */
export const LineTax = z.object({ rateId: z.string(), amount: DecimalString });
export type LineTax = z.infer<typeof LineTax>;

export const OrderLine = z.object({
  id: z.string(),
  name: z.string(),
  sku: z.string().nullable().default(null),
  productId: z.string().nullable().default(null),
  quantity: DecimalString,
  /** Net unit price after discounts (may be unrounded). */
  unitNet: DecimalString,
  /** Net line amount before coupons/discounts. */
  subtotalNet: DecimalString,
  /** Tax on the line before coupons/discounts (as the shop shows it). */
  subtotalTax: DecimalString,
  /** Net line amount after coupons/discounts: what is booked as revenue. */
  net: DecimalString,
  /** Tax on the line after discounts, as the shop shows it (rounded per line, or raw sum). */
  tax: DecimalString,
  /** Per-rate raw taxes after discounts; empty for untaxed lines. */
  taxes: z.array(LineTax).default([]),
  /** Per-rate raw taxes before discounts (for separate discount lines). */
  subtotalTaxes: z.array(LineTax).default([]),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const ShippingLine = z.object({
  id: z.string(),
  name: z.string(),
  methodId: z.string().default(''),
  net: DecimalString,
  tax: DecimalString,
  taxes: z.array(LineTax).default([]),
});
export type ShippingLine = z.infer<typeof ShippingLine>;

export const FeeLine = z.object({
  id: z.string(),
  name: z.string(),
  /** May be negative: plugins use negative fees as discounts. */
  net: DecimalString,
  tax: DecimalString,
  taxes: z.array(LineTax).default([]),
});
export type FeeLine = z.infer<typeof FeeLine>;

/** A coupon or cart discount. Informational: the amounts are already in the lines' `net`. */
export const Discount = z.object({
  code: z.string(),
  kind: z.enum(['coupon', 'cart', 'automatic', 'manual']).default('coupon'),
  net: DecimalString,
  tax: DecimalString,
});
export type Discount = z.infer<typeof Discount>;

/** The shop's tax per rate for the whole order (WooCommerce `tax_lines`). */
export const OrderTax = z.object({
  rateId: z.string(),
  /** Tax on items and fees for this rate. */
  itemsTax: DecimalString,
  /** Tax on shipping for this rate. */
  shippingTax: DecimalString,
});
export type OrderTax = z.infer<typeof OrderTax>;

export const RefundLine = z.object({
  id: z.string(),
  kind: z.enum(['item', 'shipping', 'fee']),
  /** The original order line this refunds (WooCommerce `_refunded_item_id`), when known. */
  originalLineId: z.string().nullable().default(null),
  name: z.string(),
  sku: z.string().nullable().default(null),
  /** Positive number of units refunded (shops send negative quantities; the source flips them). */
  quantity: DecimalString,
  /** Positive net amount refunded. */
  net: DecimalString,
  /** Positive tax refunded. */
  tax: DecimalString,
  taxes: z.array(LineTax).default([]),
});
export type RefundLine = z.infer<typeof RefundLine>;

export const Refund = z.object({
  id: z.string(),
  orderId: z.string(),
  createdAt: z.string().datetime({ offset: true }),
  /** Positive gross amount refunded (incl. VAT). */
  amount: DecimalString,
  reason: z.string().default(''),
  /** Empty for an amount-only refund: plan/ allocates the amount over the order's VAT rates. */
  lines: z.array(RefundLine).default([]),
});
export type Refund = z.infer<typeof Refund>;

/** Where an order stands, independent of the platform's own status names. */
export const OrderState = z.enum(['pending', 'on-hold', 'paid', 'completed', 'cancelled', 'refunded', 'failed', 'draft', 'other']);
export type OrderState = z.infer<typeof OrderState>;

export const Order = z.object({
  platform: Platform,
  /** Identifies the shop (host name or configured id); part of every booking reference. */
  shopId: z.string().min(1),
  id: z.string().min(1),
  /** The number the shop owner and customer see; goes into the booking reference. */
  number: z.string().min(1),
  /** The platform's own status string (e.g. 'processing', 'wc-custom', '4'). */
  status: z.string(),
  state: OrderState,
  /** 'web', 'pos', 'admin', ... (Shopify POS orders are 'pos'). */
  channel: z.string().default('web'),
  createdAt: z.string().datetime({ offset: true }),
  modifiedAt: z.string().datetime({ offset: true }),
  paidAt: z.string().datetime({ offset: true }).nullable().default(null),
  currency: CurrencyCode,
  pricesIncludeTax: z.boolean(),
  /** WooCommerce "round tax at subtotal level"; informational, plan/ books the shop's own figures. */
  roundTaxAtSubtotal: z.boolean().default(false),
  customer: Customer,
  lines: z.array(OrderLine),
  shipping: z.array(ShippingLine).default([]),
  fees: z.array(FeeLine).default([]),
  discounts: z.array(Discount).default([]),
  /** The rates used by this order's taxes (resolved by the source). */
  taxRates: z.array(TaxRate).default([]),
  /** The shop's tax totals per rate. */
  taxes: z.array(OrderTax).default([]),
  totals: z.object({
    /** Grand total incl. VAT as the shop states it (never reduced by refunds). */
    total: DecimalString,
    totalTax: DecimalString,
    shippingNet: DecimalString,
    discountNet: DecimalString,
  }),
  refunds: z.array(Refund).default([]),
  paymentMethod: z.string().default(''),
  transactionId: z.string().default(''),
});
export type Order = z.infer<typeof Order>;
export type OrderInput = z.input<typeof Order>;

/** Validate at the boundary: returns the parsed order or a readable list of problems. */
export function parseOrder(input: unknown): { ok: true; order: Order } | { ok: false; problems: string[] } {
  const r = Order.safeParse(input);
  if (r.success) return { ok: true, order: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => `${i.path.join('.') || 'order'} ${i.message}`),
  };
}
