/**
 * BookingPlan: what one document in the books must contain, decided before any API call.
 * Targets (Exact Online, Moneybird) turn a plan into API calls; they must book so that the
 * document's gross total and VAT per rate equal `plan.totals` / `plan.vatByRate` to the cent
 * (see `targets/README.md`).
 */
import { z } from 'zod';
import { Customer, Platform } from '../model/order';
import { DecimalString } from '../model/money';

/** How VAT applies to a line (the "BTW-soort"). */
export const VatTreatment = z.enum([
  /** Dutch (shop-country) VAT: 21 %, 9 %, or 0 % zero-rated. */
  'domestic',
  /** Intra-EU B2B supply, customer has a VAT number: reverse charge ("BTW verlegd"), 0 %. */
  'reverse_charge',
  /** Distance sale to an EU consumer under the OSS scheme, at the destination country's rate. */
  'oss',
  /** Export outside the EU, 0 %. */
  'export',
  /** Exempt / outside the scope of VAT (e.g. gift cards, rounding). */
  'exempt',
]);
export type VatTreatment = z.infer<typeof VatTreatment>;

export const GlRole = z.enum(['revenue', 'shipping', 'fees', 'discount', 'rounding']);
export type GlRole = z.infer<typeof GlRole>;

/**
 * The VAT of a plan line. `key` identifies it for mapping to a target's VAT code:
 * `domestic:21`, `domestic:9`, `domestic:0`, `oss:DE:19`, `reverse_charge:0`, `export:0`, `exempt:0`
 * (see `vatKey`).
 */
export const PlanVat = z.object({
  key: z.string(),
  treatment: VatTreatment,
  /** The percentage, as a decimal string without trailing zeros ("21", "9", "5.5"). */
  percent: DecimalString,
  /** Destination country for OSS; the shop's country otherwise. */
  country: z.string(),
  /** The shop's own tax rate id, when the line had one. */
  shopRateId: z.string().nullable(),
});
export type PlanVat = z.infer<typeof PlanVat>;

export const PlanLine = z.object({
  role: GlRole,
  description: z.string(),
  sku: z.string().nullable(),
  /** Units; '1' for shipping, fees, discounts and rounding. Negative on credit notes. */
  quantity: DecimalString,
  /** Net amount of the line, 2 decimals (currency decimals). Negative on credit notes and discounts. */
  net: DecimalString,
  /** VAT amount of the line, 2 decimals, as the shop charged it. */
  vat: DecimalString,
  vatSource: z.enum(['shop', 'rounding', 'allocated']),
  vatInfo: PlanVat,
  /** The shop's line id this line comes from, if any. */
  shopLineId: z.string().nullable(),
});
export type PlanLine = z.infer<typeof PlanLine>;

export const VatByRate = z.object({
  key: z.string(),
  vatInfo: PlanVat,
  /** Net base of this rate (2 decimals). */
  base: DecimalString,
  vat: DecimalString,
});
export type VatByRate = z.infer<typeof VatByRate>;

export const DocumentKind = z.enum(['order', 'refund', 'cancellation']);
export type DocumentKind = z.infer<typeof DocumentKind>;

export const BookingPlan = z.object({
  kind: DocumentKind,
  platform: Platform,
  shopId: z.string(),
  orderId: z.string(),
  orderNumber: z.string(),
  refundId: z.string().nullable(),
  /** Deterministic reference carried by the document (Exact `YourRef`, Moneybird `reference`). */
  reference: z.string(),
  /** Reference of the booked order this credit note belongs to (refunds and cancellations). */
  originalReference: z.string().nullable(),
  /** Booking date, YYYY-MM-DD (shop's paid date, else created date; the refund's date for refunds). */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.string(),
  /** Whether the shop entered prices incl. VAT (Moneybird `prices_are_incl_tax`). */
  pricesIncludeTax: z.boolean(),
  customer: Customer,
  /** Normalised e-mail (lower case, trimmed) used to match the customer in the books. */
  customerKey: z.string(),
  description: z.string(),
  lines: z.array(PlanLine),
  vatByRate: z.array(VatByRate),
  totals: z.object({ net: DecimalString, vat: DecimalString, gross: DecimalString }),
  /** The shop's figures that the plan reconciles to (identical to totals when planning succeeded). */
  shop: z.object({ gross: DecimalString, vat: DecimalString }),
  /** Sum of the rounding lines' net + VAT (what the shop's own rounding added). */
  roundingTotal: DecimalString,
  paid: z.boolean(),
  paidAt: z.string().nullable(),
  paymentMethod: z.string(),
  /** A short hash of the plan's content, to detect an order that changed after booking. */
  contentHash: z.string(),
});
export type BookingPlan = z.infer<typeof BookingPlan>;
