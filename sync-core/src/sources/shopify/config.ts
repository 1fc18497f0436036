import { z } from 'zod';

/**
 * Where the customer's VAT number is read from: Shopify has no standard order field for it, so
 * shops keep it where their apps put it. Tried in this order; the first non-empty value wins.
 */
export const ShopifyVatNumberSettings = z
  .object({
    /** A customer metafield (null = do not read one). Default `custom.vat_number`. */
    customerMetafield: z
      .object({ namespace: z.string().min(1), key: z.string().min(1) })
      .strict()
      .nullable()
      .default({ namespace: 'custom', key: 'vat_number' }),
    /**
     * Checkout custom attributes (Order.customAttributes) whose name holds it; names are compared
     * without case, spaces, dots, dashes or underscores ("VAT number" = "vat_number").
     */
    customAttributes: z.array(z.string().min(1)).default(['vat_number', 'vat_id', 'btw_nummer', 'tax_id']),
    /** Last resort: the billing address's company field, when it contains an EU VAT number. */
    billingCompany: z.boolean().default(true),
  })
  .strict();
export type ShopifyVatNumberSettings = z.infer<typeof ShopifyVatNumberSettings>;

/** Shopify Admin GraphQL connection settings. */
export const ShopifySourceConfig = z
  .object({
    /** `my-shop.myshopify.com`; also the default shop id. */
    shopDomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/i, { message: 'is not a host name like my-shop.myshopify.com' }),
    /** Overrides `https://{shopDomain}` (the simulator, a proxy). No trailing slash needed. */
    baseUrl: z.string().url().optional(),
    /** Admin API access token (`shpat_…`), sent as X-Shopify-Access-Token. */
    accessToken: z.string().min(1, { message: 'is required' }),
    /** Quarterly API version; cash rounding needs 2024-10 or later. */
    apiVersion: z
      .string()
      .regex(/^(\d{4}-(01|04|07|10)|unstable)$/, { message: 'is not a Shopify API version like 2025-01' })
      .default('2025-01'),
    /** Stable id of this shop in references; defaults to shopDomain. */
    shopId: z.string().min(1).optional(),
    /** Orders per page (lowered automatically when a page would exceed Shopify's query cost limit). */
    pageSize: z.number().int().min(1).max(250).default(3),
    /** Line items fetched with each order; more are fetched per order when needed. */
    lineItemsPerOrder: z.number().int().min(1).max(250).default(5),
    /** Attempts for one request through throttling and transient errors. */
    maxAttempts: z.number().int().min(1).max(50).default(8),
    timeoutMs: z.number().int().min(1000).default(30000),
    /** Where the customer's VAT number is read from (see ShopifyVatNumberSettings and docs/sources.md). */
    vatNumber: ShopifyVatNumberSettings.default(() => ShopifyVatNumberSettings.parse({})),
  })
  .strict();
export type ShopifySourceConfig = z.infer<typeof ShopifySourceConfig>;
export type ShopifySourceConfigInput = z.input<typeof ShopifySourceConfig>;
