/**
 * What we read from Moneybird, as zod schemas. Objects are loose (Moneybird adds fields over
 * time); ids become strings whatever JSON type they arrive in; money stays a decimal string.
 */
import { z } from 'zod';

/** Id as string. Numbers only reach here when short (<= 15 digits; see json.ts), so String() is exact. */
export const Id = z.union([z.string(), z.number().int()]).transform((v) => String(v));
export const NullableId = z
  .union([Id, z.null()])
  .optional()
  .transform((v) => v ?? null);
/** Money as a decimal string ("157.24", "0.0"); a JSON number is converted through its shortest text. */
export const MoneyOut = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.replace(',', '.')));
const Str = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const Administration = z.looseObject({
  id: Id,
  name: z.string(),
  currency: z.string(),
  country: z.string().nullable().optional(),
  suspended: z.boolean().optional(),
  access: z.string().optional(),
});
export type Administration = z.infer<typeof Administration>;

export const TaxRate = z.looseObject({
  id: Id,
  name: z.string().nullable().optional(),
  percentage: MoneyOut,
  tax_rate_type: z.string(),
  active: z.boolean(),
  country: Str,
});
export type TaxRate = z.infer<typeof TaxRate>;

export const LedgerAccount = z.looseObject({
  id: Id,
  name: z.string(),
  account_type: z.string(),
  active: z.boolean().optional(),
  allowed_document_types: z.array(z.string()).nullable().optional(),
});
export type LedgerAccount = z.infer<typeof LedgerAccount>;

export const Workflow = z.looseObject({
  id: Id,
  type: z.string(),
  name: z.string().nullable().optional(),
  default: z.boolean().optional(),
  active: z.boolean().optional(),
  currency: z.string().nullable().optional(),
  prices_are_incl_tax: z.boolean().optional(),
});
export type Workflow = z.infer<typeof Workflow>;

export const DocumentStyle = z.looseObject({
  id: Id,
  name: z.string().nullable().optional(),
  default: z.boolean().optional(),
});
export type DocumentStyle = z.infer<typeof DocumentStyle>;

export const FinancialAccount = z.looseObject({
  id: Id,
  type: z.string().optional(),
  name: z.string().nullable().optional(),
  active: z.boolean().optional(),
});
export type FinancialAccount = z.infer<typeof FinancialAccount>;

export const Contact = z.looseObject({
  id: Id,
  company_name: Str,
  firstname: Str,
  lastname: Str,
  email: Str,
  send_invoices_to_email: Str,
  customer_id: Str,
  archived: z.boolean().optional(),
});
export type Contact = z.infer<typeof Contact>;

export const Detail = z.looseObject({
  id: Id,
  tax_rate_id: NullableId,
  ledger_account_id: NullableId,
  description: Str,
  price: MoneyOut,
  amount: Str,
  amount_decimal: MoneyOut.nullable().optional(),
  total_price_excl_tax_with_discount: MoneyOut.optional(),
});
export type Detail = z.infer<typeof Detail>;

export const TaxTotal = z.looseObject({ tax_rate_id: Id, taxable_amount: MoneyOut, tax_amount: MoneyOut });

export const Payment = z.looseObject({
  id: Id,
  price: MoneyOut,
  payment_date: z.string().nullable().optional(),
});

export const Attachment = z.looseObject({ id: Id, filename: z.string().nullable().optional() });

/** Fields shared by sales invoices and external sales invoices. */
const invoiceFields = {
  id: Id,
  contact_id: NullableId,
  reference: Str,
  state: z.string(),
  currency: z.string().nullable().optional(),
  prices_are_incl_tax: z.boolean().optional(),
  details: z.array(Detail).default([]),
  payments: z.array(Payment).default([]),
  total_paid: MoneyOut,
  total_unpaid: MoneyOut,
  total_unpaid_base: MoneyOut.optional(),
  total_price_excl_tax: MoneyOut,
  total_price_incl_tax: MoneyOut,
  tax_totals: z.array(TaxTotal).default([]),
  attachments: z.array(Attachment).default([]),
  version: z.number().optional(),
};

export const SalesInvoice = z.looseObject({
  ...invoiceFields,
  invoice_id: Str,
  draft_id: z.union([z.string(), z.number()]).nullable().optional(),
  invoice_date: Str,
  original_sales_invoice_id: NullableId,
});
export type SalesInvoice = z.infer<typeof SalesInvoice>;

export const ExternalSalesInvoice = z.looseObject({
  ...invoiceFields,
  date: Str,
  entry_number: z.union([z.string(), z.number()]).nullable().optional(),
});
export type ExternalSalesInvoice = z.infer<typeof ExternalSalesInvoice>;

export type AnyInvoice = SalesInvoice | ExternalSalesInvoice;
