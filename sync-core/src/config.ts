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
import { suggestion } from './model/suggest';
import { unknownKeys } from './model/unknown-keys';
import { findSource, sourcePlatforms } from './sources/index';
import { findTarget, targetNames } from './targets/index';
import { PlanSettings } from './plan/settings';
import { SyncRules } from './engine/rules';
import { AttachmentSettings } from './engine/follow-ups';

export const StoreConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), dir: z.string().min(1).default('.shopbooks') }),
  z.object({ kind: z.literal('memory') }),
  z.object({ kind: z.literal('wordpress'), url: z.string().url(), username: z.string().min(1), applicationPassword: z.string().min(1) }),
]);
export type StoreConfig = z.infer<typeof StoreConfig>;

const ConfigBase = z.object({
  /** The shop: `{ "platform": "woocommerce" | "shopify" | "ccvshop", ...that platform's settings }` (sources/index.ts). */
  source: z.object({ platform: z.string().min(1) }).passthrough(),
  /** Which accounting system books the orders: a name from the target registry (targets/index.ts). */
  target: z.string().min(1),
  plan: PlanSettings.default(PlanSettings.parse({})),
  rules: SyncRules.default(SyncRules.parse({})),
  /** Invoice PDFs attached to every booked document (off by default; docs/config.md). */
  attachments: AttachmentSettings.default(AttachmentSettings.parse({})),
  store: StoreConfig.default({ kind: 'file', dir: '.shopbooks' }),
});

/**
 * One connection's configuration. Besides the keys above it holds one section per target, named
 * like the target (`"exact": {…}`, `"moneybird": {…}`): its schema is the target's own
 * (targets/<name>/config.ts), checked by `parseConfig` through the registry.
 */
export const ShopbooksConfig = ConfigBase.catchall(z.unknown());
export type ShopbooksConfig = z.infer<typeof ShopbooksConfig>;
export type ShopbooksConfigInput = z.input<typeof ConfigBase> & { [section: string]: unknown };

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

/** A zod issue in words: the path, then what is wrong, never the value (it may be a secret). */
function describeIssue(i: z.core.$ZodIssue, section: string): string {
  const path = [section, ...i.path.map(String)].filter(Boolean).join('.') || '(config)';
  const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
  return `${path}: ${missing ? 'is required' : i.message}`;
}

/**
 * Validate a config object, every section at once (the top level, the source's settings through
 * the source registry, the chosen target's section through the target registry), and name every
 * problem by path: unknown or misspelt keys with a "did you mean", never a (possibly secret) value.
 */
export function parseConfig(input: unknown, env: NodeJS.ProcessEnv = process.env): ShopbooksConfig {
  const resolved = resolveEnvRefs(input, env);
  const problems: string[] = [];
  const r = ShopbooksConfig.safeParse(resolved);
  if (!r.success) problems.push(...r.error.issues.map((i) => describeIssue(i, '')));
  const raw = (resolved && typeof resolved === 'object' ? resolved : {}) as Record<string, unknown>;
  problems.push(...unknownKeys(ConfigBase, raw, '', targetNames()).map((u) => `${u.path}: ${u.message}`));

  if (typeof raw.target === 'string' && raw.target) {
    const target = findTarget(raw.target);
    if (!target) problems.push(`target: "${raw.target}" is not an accounting system Shopbooks knows${suggestion(raw.target, targetNames())} (known: ${targetNames().join(', ')})`);
    else if (raw[target.name] === undefined) problems.push(`${target.name}: the configuration chooses target "${target.name}" but has no "${target.name}" section`);
    else problems.push(...sectionProblems(target.config, raw[target.name], target.name));
  }
  const source = raw.source as Record<string, unknown> | undefined;
  if (source && typeof source === 'object' && typeof source.platform === 'string' && source.platform) {
    const { platform, ...settings } = source;
    const reg = findSource(platform as string);
    if (!reg) problems.push(`source.platform: "${platform}" is not a shop platform Shopbooks knows${suggestion(platform as string, sourcePlatforms())} (known: ${sourcePlatforms().join(', ')})`);
    else problems.push(...sectionProblems(reg.config, settings, 'source'));
  }
  if (problems.length || !r.success) {
    throw new ShopbooksError('ConfigInvalid', `The configuration is not valid:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
  }
  return r.data;
}

function sectionProblems(schema: z.ZodTypeAny, value: unknown, section: string): string[] {
  const parsed = schema.safeParse(value);
  return [...(parsed.success ? [] : parsed.error.issues.map((i) => describeIssue(i, section))), ...unknownKeys(schema, value, section).map((u) => `${u.path}: ${u.message}`)];
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
