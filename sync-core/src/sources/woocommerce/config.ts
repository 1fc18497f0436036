/** Settings of a WooCommerce source (one shop). */
import { z } from 'zod';

export const WooCommerceAuthMode = z.enum(['auto', 'basic', 'oauth', 'application-password']);
export type WooCommerceAuthMode = z.infer<typeof WooCommerceAuthMode>;

export const WooCommerceSourceConfig = z
  .object({
    /** The site's home URL, e.g. https://winkel.example.nl (the REST API lives under /wp-json/wc/v3). */
    url: z.string().url({ message: 'is not a URL (expected e.g. https://winkel.example.nl)' }).refine((u) => /^https?:\/\//i.test(u), { message: 'must start with https:// or http://' }),
    /** REST API key (WooCommerce → Settings → Advanced → REST API), "ck_…". */
    consumerKey: z.string().min(1).optional(),
    /** "cs_…". */
    consumerSecret: z.string().min(1).optional(),
    /** Stable id of this shop in references and the ledger; default: the URL's host name. */
    shopId: z.string().min(1).max(100).optional(),
    /**
     * auto: Basic over HTTPS, OAuth 1.0a over HTTP (what WooCommerce accepts);
     * basic: force Basic (HTTPS, or plain HTTP to localhost behind a TLS proxy);
     * oauth: force OAuth 1.0a (HTTP only);
     * application-password: a WordPress user + application password (Basic).
     */
    auth: WooCommerceAuthMode.default('auto'),
    username: z.string().min(1).optional(),
    applicationPassword: z.string().min(1).optional(),
    /** Send keys as consumer_key/consumer_secret query parameters (HTTPS hosts that strip the Authorization header). */
    queryStringAuth: z.boolean().default(false),
    timeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
    perPage: z.number().int().min(1).max(100).default(100),
    /** Attempts after the first for transient failures (5xx, timeouts, non-JSON). */
    retries: z.number().int().min(0).max(10).default(4),
    /** First retry delay; doubles each attempt (capped at 30 s). */
    retryBaseMs: z.number().int().min(0).max(60_000).default(1000),
    /** The shop's "round tax at subtotal level" setting, if known (informational in the Order). */
    roundTaxAtSubtotal: z.boolean().optional(),
    /**
     * URL template of the shop's own invoice PDF per order ({id}, {number}), on the shop's own
     * host, e.g. https://winkel.example.nl/?pdf-invoice={id}. Used when attachments are on.
     */
    invoicePdfUrl: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.invoicePdfUrl) {
      let u: URL | null = null;
      try {
        u = new URL(c.invoicePdfUrl.replace(/\{(id|number)\}/g, '1'));
      } catch {
        ctx.addIssue({ code: 'custom', path: ['invoicePdfUrl'], message: 'is not a URL template (expected e.g. https://winkel.example.nl/?pdf-invoice={id})' });
      }
      if (u && u.host !== new URL(c.url).host) ctx.addIssue({ code: 'custom', path: ['invoicePdfUrl'], message: "must be on the shop's own host (the shop's credentials are sent with it)" });
      if (u && !c.invoicePdfUrl.includes('{id}') && !c.invoicePdfUrl.includes('{number}')) ctx.addIssue({ code: 'custom', path: ['invoicePdfUrl'], message: 'needs {id} or {number} (one PDF per order)' });
    }
    if (c.auth === 'application-password') {
      if (!c.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required for application-password authentication' });
      if (!c.applicationPassword) ctx.addIssue({ code: 'custom', path: ['applicationPassword'], message: 'is required for application-password authentication' });
    } else {
      if (!c.consumerKey) ctx.addIssue({ code: 'custom', path: ['consumerKey'], message: 'is required (WooCommerce → Settings → Advanced → REST API)' });
      if (!c.consumerSecret) ctx.addIssue({ code: 'custom', path: ['consumerSecret'], message: 'is required (WooCommerce → Settings → Advanced → REST API)' });
    }
  });
export type WooCommerceSourceConfig = z.infer<typeof WooCommerceSourceConfig>;
export type WooCommerceSourceConfigInput = z.input<typeof WooCommerceSourceConfig>;
