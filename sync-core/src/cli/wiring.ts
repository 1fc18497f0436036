/** From a validated configuration to live Source, Target and Store objects. */
import { resolve } from 'node:path';
import type { ShopbooksConfig } from '../config';
import { ShopbooksError } from '../model/errors';
import type { Source } from '../sources/port';
import type { Store } from '../store/port';
import type { Target } from '../targets/port';
import { FileStore } from '../store/file-store';
import { MemoryStore } from '../store/memory-store';
import { createWooCommerceSource } from '../sources/woocommerce';
import { WooCommerceSourceConfig } from '../sources/woocommerce/config';
import { createExactTarget } from '../targets/exact';
import { ExactTargetConfig } from '../targets/exact/config';
import { createMoneybirdTarget } from '../targets/moneybird';
import { parseMoneybirdConfig } from '../targets/moneybird/config';
import { createWordPressStore } from '../store/wordpress-store';
import { sourceFactories } from './source-factories';
import { bookingRulesOf, configFingerprint } from '../engine/fingerprint';

function describeIssues(section: string, issues: Array<{ path: PropertyKey[]; message: string }>): ShopbooksError {
  const problems = issues.map((i) => `${section}.${i.path.map(String).join('.')}: ${i.message}`);
  return new ShopbooksError('ConfigInvalid', `The ${section} settings are not valid:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
}

export function createSource(config: ShopbooksConfig, store?: Store): Source {
  const { platform, ...rest } = config.source;
  if (platform === 'woocommerce') {
    const r = WooCommerceSourceConfig.safeParse(rest);
    if (!r.success) throw describeIssues('source', r.error.issues);
    return createWooCommerceSource(r.data);
  }
  const factory = sourceFactories[platform];
  if (!factory) throw new ShopbooksError('ConfigInvalid', `The source platform "${platform}" is not available in this build.`);
  return factory(rest, store);
}

export function createTarget(config: ShopbooksConfig): Target {
  if (config.target === 'exact') {
    const r = ExactTargetConfig.safeParse(config.exact);
    if (!r.success) throw describeIssues('exact', r.error.issues);
    return createExactTarget(r.data);
  }
  return createMoneybirdTarget(parseMoneybirdConfig(config.moneybird));
}

export function createStore(config: ShopbooksConfig, cwd = process.cwd()): Store {
  const s = config.store;
  if (s.kind === 'memory') return new MemoryStore();
  if (s.kind === 'wordpress') return createWordPressStore({ url: s.url, username: s.username, applicationPassword: s.applicationPassword });
  return new FileStore(resolve(cwd, s.dir));
}

/** The fingerprint permanent failures are recorded with (engine/fingerprint.ts): plan, booking rules, target and its settings. */
export function configFingerprintOf(config: ShopbooksConfig): string {
  return configFingerprint({ plan: config.plan, rules: bookingRulesOf(config.rules), target: config.target, settings: config.target === 'exact' ? config.exact : config.moneybird, source: { platform: config.source.platform } });
}
