import { z } from 'zod';

/** CCV Shop REST API connection settings and the changed-orders strategy's knobs. */
export const CcvShopSourceConfig = z
  .object({
    /** The shop's address, e.g. https://mijnwinkel.ccvshop.nl (the API lives under /api/rest/v1). */
    baseUrl: z.string().url(),
    /** API public key (x-public). */
    publicKey: z.string().min(1, { message: 'is required' }),
    /** API secret key used for the HMAC-SHA512 signatures; never sent. */
    secretKey: z.string().min(1, { message: 'is required' }),
    /** Stable id of this shop in references; defaults to the host name. */
    shopId: z.string().min(1).optional(),
    /** Orders per list request (CCV's maximum is believed to be 250). */
    pageSize: z.number().int().min(1).max(250).default(100),
    /** Orders created this many days before the cursor are re-scanned on every run. */
    recentDays: z.number().int().min(1).max(365).default(14),
    /** Unpaid orders created within this many days are re-scanned on every run (they may get paid). */
    unpaidDays: z.number().int().min(1).max(730).default(90),
    /** Tracked orders that are not finished (not completed/cancelled) are re-read by id at most this often. */
    openRescanHours: z
      .number()
      .min(0)
      .max(24 * 30)
      .default(6),
    /** Wait after a 429 when CCV gives no Retry-After (CCV's limits are per minute). */
    rateLimitWaitMs: z.number().int().min(0).default(60_000),
    /** Client-side pacing per resource and method; below CCV's 150 GET/min. */
    requestsPerMinute: z.number().int().min(1).default(140),
    /** Check the x-hash signature of every response. */
    verifyResponses: z.boolean().default(true),
    maxAttempts: z.number().int().min(1).max(20).default(6),
    timeoutMs: z.number().int().min(1000).default(30_000),
  })
  .strict();
export type CcvShopSourceConfig = z.infer<typeof CcvShopSourceConfig>;
export type CcvShopSourceConfigInput = z.input<typeof CcvShopSourceConfig>;
