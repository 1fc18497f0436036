/**
 * The composition root: from a validated configuration to live Source, Target and Store objects,
 * through the registries (targets/index.ts, sources/index.ts). The CLI, the worker command, the
 * fleet, the demo, the bench and the tests wire concrete parts here and nowhere else.
 */
import { resolve } from 'node:path';
import type { ShopbooksConfig } from '../config';
import { ShopbooksError } from '../model/errors';
import type { Source } from '../sources/port';
import type { Store } from '../store/port';
import type { Target } from '../targets/port';
import type { SharedRateLimit, TargetDeps } from '../targets/registration';
import { FileStore } from '../store/file-store';
import { MemoryStore } from '../store/memory-store';
import { createWordPressStore } from '../store/wordpress-store';
import { sourceRegistration } from '../sources/index';
import { targetRegistration } from '../targets/index';
import { bookingRulesOf, configFingerprint } from '../engine/fingerprint';

function describeIssues(section: string, issues: Array<{ path: PropertyKey[]; message: string }>): ShopbooksError {
  const problems = issues.map((i) => `${[section, ...i.path.map(String)].join('.')}: ${i.message}`);
  return new ShopbooksError('ConfigInvalid', `The ${section} settings are not valid:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
}

export function createSource(config: ShopbooksConfig, store?: Store): Source {
  const { platform, ...settings } = config.source;
  const reg = sourceRegistration(platform);
  const r = reg.config.safeParse(settings);
  if (!r.success) throw describeIssues('source', r.error.issues);
  return reg.create(r.data, store);
}

/** The configured target; `deps` are the fleet's shared-budget fetch and store (registration.ts). */
export function createTarget(config: ShopbooksConfig, deps?: TargetDeps): Target {
  const reg = targetRegistration(config.target);
  const r = reg.config.safeParse(config[reg.name]);
  if (!r.success) throw describeIssues(reg.name, r.error.issues);
  return reg.create(r.data, deps);
}

/** The configured target's published request limit, shared by every worker (none: not paced by the fleet). */
export function sharedRateLimitOf(config: ShopbooksConfig): SharedRateLimit | undefined {
  return targetRegistration(config.target).sharedRateLimit;
}

export function createStore(config: ShopbooksConfig, cwd = process.cwd()): Store {
  const s = config.store;
  if (s.kind === 'memory') return new MemoryStore();
  if (s.kind === 'wordpress') return createWordPressStore({ url: s.url, username: s.username, applicationPassword: s.applicationPassword });
  return new FileStore(resolve(cwd, s.dir));
}

/** The fingerprint permanent failures are recorded with (engine/fingerprint.ts): plan, booking rules, target and its settings. */
export function configFingerprintOf(config: ShopbooksConfig): string {
  return configFingerprint({ plan: config.plan, rules: bookingRulesOf(config.rules), target: config.target, settings: config[config.target], source: { platform: config.source.platform } });
}
