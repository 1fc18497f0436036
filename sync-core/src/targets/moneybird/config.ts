/**
 * Settings of the Moneybird target. Validated once when the target is created; a bad setting is a
 * `ConfigInvalid` error with the offending field named in plain words.
 */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';

/** Moneybird ids are 18-digit numeric strings; accept what a settings form stores. */
export const MoneybirdId = z
  .union([z.string(), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d+$/, { message: 'is not a Moneybird id (digits only)' }));

export const MoneybirdAuth = z.discriminatedUnion('kind', [
  /** A personal API token (owner-created, meant for single-merchant installs and tests). */
  z.object({ kind: z.literal('token'), token: z.string().min(1) }),
  /**
   * An OAuth2 application. The access/refresh tokens live in the Store under
   * `moneybirdTokenName(config)`; `refreshToken` seeds the first refresh when the store has none.
   */
  z.object({
    kind: z.literal('oauth'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    redirectUri: z.string().min(1),
    refreshToken: z.string().min(1).optional(),
  }),
]);
export type MoneybirdAuth = z.infer<typeof MoneybirdAuth>;

export const MoneybirdLedgerAccounts = z.object({
  revenue: MoneybirdId,
  shipping: MoneybirdId.optional(),
  fees: MoneybirdId.optional(),
  discount: MoneybirdId.optional(),
  rounding: MoneybirdId.optional(),
});

export const MoneybirdTargetConfig = z
  .object({
    baseUrl: z
      .string()
      .url()
      .default('https://moneybird.com')
      .transform((u) => u.replace(/\/+$/, '')),
    auth: MoneybirdAuth,
    administrationId: MoneybirdId,
    /** `salesInvoice`: Moneybird numbers the invoice; `externalSalesInvoice`: the shop's invoice is recorded as is. */
    documentKind: z.enum(['salesInvoice', 'externalSalesInvoice']).default('salesInvoice'),
    /** How a sales invoice is "sent": Manual gives it a number without e-mailing the customer. */
    deliveryMethod: z.enum(['Manual', 'Email']).default('Manual'),
    /** Register a payment when the plan says the order is paid. */
    registerPayments: z.boolean().default(true),
    /** The financial account (bank / PSP clearing account) payments are booked on. */
    financialAccountId: MoneybirdId.optional(),
    workflowId: MoneybirdId.optional(),
    /** The shop owner's "profiel" (document style / huisstijl). */
    documentStyleId: MoneybirdId.optional(),
    /** Ledger account ids per plan line role; roles left out fall back to `revenue`. */
    ledgerAccounts: MoneybirdLedgerAccounts,
    /** VAT key (`domestic:21`, `oss:DE:19`, `reverse_charge:0`, ...) -> Moneybird tax_rate id. */
    taxRateMap: z.record(z.string(), MoneybirdId).default({}),
    /** Used for keys not in `taxRateMap`, but only when its percentage equals the key's. */
    defaultTaxRateId: MoneybirdId.optional(),
    /**
     * Currencies besides the administration's own (and its invoice workflows' currencies) that may
     * be invoiced; Moneybird converts them with its own exchange rate (`_base` amounts).
     */
    extraCurrencies: z.array(z.string().regex(/^[A-Z]{3}$/)).default([]),
    customerMode: z.enum(['per-customer', 'collective']).default('per-customer'),
    collectiveContactId: MoneybirdId.optional(),
    /** Shown as `source` on external sales invoices. */
    sourceName: z.string().min(1).max(100).default('Shopbooks'),
    timeoutMs: z.number().int().positive().default(30000),
    /**
     * Moneybird's published limit is 150 requests per 5 minutes (not raisable). Tests lower it to
     * match a simulator configured with a smaller window.
     */
    rateLimit: z
      .object({
        limit: z.number().int().positive().default(150),
        windowSec: z.number().positive().default(300),
      })
      .default({ limit: 150, windowSec: 300 }),
    /**
     * How Moneybird rounds VAT (undocumented; per rate, half up fits its own example). Every booked
     * document is checked against Moneybird's answer, so a wrong setting stops with an error
     * instead of booking a cent off.
     */
    vatRounding: z
      .object({
        strategy: z.enum(['perRate', 'perLine']).default('perRate'),
        mode: z.enum(['halfUp', 'halfEven']).default('halfUp'),
      })
      .default({ strategy: 'perRate', mode: 'halfUp' }),
    /** Attempts for reads (GET) on network errors and 5xx. Writes are never blindly repeated. */
    maxReadAttempts: z.number().int().min(1).max(10).default(4),
  })
  .superRefine((c, ctx) => {
    if (c.customerMode === 'collective' && !c.collectiveContactId) {
      ctx.addIssue({
        code: 'custom',
        path: ['collectiveContactId'],
        message: 'is required when customerMode is "collective"',
      });
    }
  });
export type MoneybirdTargetConfig = z.infer<typeof MoneybirdTargetConfig>;
export type MoneybirdTargetConfigInput = z.input<typeof MoneybirdTargetConfig>;

export function parseMoneybirdConfig(input: unknown): MoneybirdTargetConfig {
  const r = MoneybirdTargetConfig.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(settings)'} ${i.message}`);
  throw new ShopbooksError('ConfigInvalid', `The Moneybird settings are not valid: ${problems.join('; ')}.`, {
    details: { problems },
  });
}

/** Store token name for an OAuth connection (one per app and administration). */
export function moneybirdTokenName(config: Pick<MoneybirdTargetConfig, 'auth' | 'administrationId'>): string {
  const client = config.auth.kind === 'oauth' ? config.auth.clientId : 'token';
  return `moneybird:${client}:${config.administrationId}`;
}
