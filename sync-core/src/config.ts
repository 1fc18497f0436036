/**
 * The configuration of one connection (one shop -> one administration), as the CLI reads it from
 * a JSON file or SHOPBOOKS_CONFIG_JSON and the plugin passes it. Reference: docs/config.md.
 *
 * Secrets can be kept out of the file: any string value "$env:NAME" is replaced by the
 * environment variable NAME (and refused when it is not set).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ShopbooksError } from './model/errors';
import { Platform } from './model/order';
import { PlanSettings } from './plan/settings';
import { SyncRules } from './engine/rules';
import { AttachmentSettings } from './engine/follow-ups';

export const StoreConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), dir: z.string().min(1).default('.shopbooks') }),
  z.object({ kind: z.literal('memory') }),
  z.object({ kind: z.literal('wordpress'), url: z.string().url(), username: z.string().min(1), applicationPassword: z.string().min(1) }),
]);
export type StoreConfig = z.infer<typeof StoreConfig>;

export const ShopbooksConfig = z.object({
  /** The shop: `{ "platform": "woocommerce" | "shopify" | "ccvshop", ...that platform's settings }`. */
  source: z.object({ platform: Platform }).passthrough(),
  /** Which accounting system books the orders. */
  target: z.enum(['exact', 'moneybird']),
  /** Exact Online settings (targets/exact/config.ts), when target is "exact". */
  exact: z.record(z.string(), z.unknown()).optional(),
  /** Moneybird settings (targets/moneybird/config.ts), when target is "moneybird". */
  moneybird: z.record(z.string(), z.unknown()).optional(),
  plan: PlanSettings.default(PlanSettings.parse({})),
  rules: SyncRules.default(SyncRules.parse({})),
  /** Invoice PDFs attached to every booked document (off by default; docs/config.md). */
  attachments: AttachmentSettings.default(AttachmentSettings.parse({})),
  store: StoreConfig.default({ kind: 'file', dir: '.shopbooks' }),
});
export type ShopbooksConfig = z.infer<typeof ShopbooksConfig>;
export type ShopbooksConfigInput = z.input<typeof ShopbooksConfig>;

/** Replace "$env:NAME" strings by environment variables, everywhere in the tree. */
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv = process.env, path = ''): unknown {
  if (typeof value === 'string' && value.startsWith('$env:')) {
    const name = value.slice(5);
    const v = env[name];
    if (v === undefined || v === '') throw new ShopbooksError('ConfigInvalid', `The setting ${path || '(root)'} refers to the environment variable ${name}, which is not set.`);
    return v;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvRefs(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

/** Validate a config object; problems are reported by path, never with the (possibly secret) values. */
export function parseConfig(input: unknown, env: NodeJS.ProcessEnv = process.env): ShopbooksConfig {
  const resolved = resolveEnvRefs(input, env);
  const r = ShopbooksConfig.safeParse(resolved);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ShopbooksError('ConfigInvalid', `The configuration is not valid:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
  }
  if (r.data.target === 'exact' && !r.data.exact) throw new ShopbooksError('ConfigInvalid', 'The configuration chooses target "exact" but has no "exact" section.');
  if (r.data.target === 'moneybird' && !r.data.moneybird) throw new ShopbooksError('ConfigInvalid', 'The configuration chooses target "moneybird" but has no "moneybird" section.');
  return r.data;
}

/** Load from SHOPBOOKS_CONFIG_JSON (plugin mode) or a JSON file. */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): ShopbooksConfig {
  if (env.SHOPBOOKS_CONFIG_JSON) {
    let raw: unknown;
    try {
      raw = JSON.parse(env.SHOPBOOKS_CONFIG_JSON);
    } catch {
      throw new ShopbooksError('ConfigInvalid', 'SHOPBOOKS_CONFIG_JSON is not valid JSON.');
    }
    return parseConfig(raw, env);
  }
  const file = path ?? 'shopbooks.config.json';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ShopbooksError('ConfigInvalid', `No configuration found: ${file} does not exist. Pass --config FILE, set SHOPBOOKS_CONFIG_JSON, or use --sandbox to try Shopbooks on the bundled sandbox.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ShopbooksError('ConfigInvalid', `${file} is not valid JSON (${(e as Error).message}).`);
  }
  return parseConfig(raw, env);
}
