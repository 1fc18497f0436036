/**
 * Settings of the Exact Online target, as the plugin's settings screen and the CLI config file
 * provide them. Everything that depends on the administration (VAT codes, GL account codes,
 * journal) is named by its Exact *code*; the target looks the ids up in `prepare`.
 */
import { z } from 'zod';

export const ExactCountry = z.enum(['nl', 'be', 'de', 'co.uk', 'com', 'es', 'fr']);
export type ExactCountry = z.infer<typeof ExactCountry>;

export const ExactDocumentKind = z.enum(['salesEntry', 'salesInvoice', 'salesOrder']);
export type ExactDocumentKind = z.infer<typeof ExactDocumentKind>;

const code = z.string().trim().min(1);

export const ExactGlAccounts = z.object({
  /** Revenue (products). Required: every other role falls back to it when not set. */
  revenue: code,
  shipping: code.optional(),
  fees: code.optional(),
  discount: code.optional(),
  rounding: code.optional(),
});
export type ExactGlAccounts = z.infer<typeof ExactGlAccounts>;

/** How a shop's payment method is named for the journal choice (see paymentJournal.ts). */
export const PaymentChannel = z.enum(['ideal', 'paypal', 'stripe', 'other']);
export type PaymentChannel = z.infer<typeof PaymentChannel>;

export const ExactPayments = z
  .object({
    /** Book a cash/bank entry for every order the shop marks paid (and every refund paid back). */
    register: z.boolean().default(false),
    /**
     * Journal code per payment method: a cash journal (type 10) gets a CashEntry, a bank (12) or
     * payment-service journal (16) a BankEntry. Where the payout arrives later, use a journal whose
     * G/L account is a clearing account ("kruisposten" / PSP account). `other` is the fallback.
     */
    journals: z.object({ ideal: code.optional(), paypal: code.optional(), stripe: code.optional(), other: code.optional() }).default({}),
    /** The receivables (debtors) G/L account the payment line settles (Exact's default "1300"). */
    receivablesGlAccount: code.default('1300'),
  })
  .default({ register: false, journals: {}, receivablesGlAccount: '1300' });
export type ExactPayments = z.infer<typeof ExactPayments>;

export const ExactTargetConfig = z
  .object({
    country: ExactCountry.default('nl'),
    /** Override of `https://start.exactonline.<country>` (tests, proxies). No trailing slash needed. */
    baseUrl: z.string().url().optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    redirectUri: z.string().min(1),
    division: z.number().int().positive(),
    /** Seed refresh token (agencies script the consent); used only when the store holds no token yet. */
    refreshToken: z.string().min(1).optional(),
    documentKind: ExactDocumentKind.default('salesEntry'),
    /** For sales invoices: leave them open ("draft", status 20) or process them (PrintedSalesInvoices, status 50). */
    invoiceState: z.enum(['draft', 'processed']).default('draft'),
    /** Let Exact e-mail the processed invoice to the customer. */
    sendInvoiceEmail: z.boolean().default(false),
    /** Sales journal code ("dagboek"). */
    journalCode: code.default('70'),
    glAccounts: ExactGlAccounts,
    /** VatCodeMap: plan VAT key (`domestic:21`, `oss:DE:19`, ...) → Exact VAT code (`2`, `4`, ...). */
    vatCodeMap: z.record(z.string(), code).default({}),
    /** Used for VAT keys the map does not name. Without it such a key is a `VatCodeNotMapped` error. */
    defaultVatCode: code.optional(),
    customerMode: z.enum(['per-customer', 'collective']).default('per-customer'),
    /** Account code of the collective debtor ("kassa-debiteur"): every order in `collective` mode, and orders without an e-mail (POS walk-in sales) in `per-customer` mode. */
    collectiveAccountCode: code.optional(),
    itemMode: z.enum(['match-or-create', 'match-only']).default('match-or-create'),
    /** Item used on invoice/order lines that have no SKU (shipping, fees, rounding, discounts, products without SKU). */
    genericItemCode: code.optional(),
    /** Payment condition code put on every document (else the customer's default applies). */
    paymentConditionCode: code.optional(),
    /** Payments in Exact (off by default): see ExactPayments. */
    payments: ExactPayments,
    /** Timeout per HTTP request (API calls). Token calls get at least 60 s (see transport.ts). */
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .superRefine((c, ctx) => {
    if (c.payments.register && !c.payments.journals.other) {
      ctx.addIssue({ code: 'custom', path: ['payments', 'journals', 'other'], message: 'is required when payments.register is on (the journal for payment methods without their own)' });
    }
    if (c.customerMode === 'collective' && !c.collectiveAccountCode) {
      ctx.addIssue({ code: 'custom', path: ['collectiveAccountCode'], message: 'is required when customerMode is "collective"' });
    }
  });
export type ExactTargetConfig = z.infer<typeof ExactTargetConfig>;
export type ExactTargetConfigInput = z.input<typeof ExactTargetConfig>;

export function defaultBaseUrl(country: ExactCountry): string {
  return `https://start.exactonline.${country}`;
}

export function resolveBaseUrl(config: Pick<ExactTargetConfig, 'country' | 'baseUrl'>): string {
  return (config.baseUrl ?? defaultBaseUrl(config.country)).replace(/\/+$/, '');
}
