/**
 * The target registry: every accounting system Shopbooks can book into, one line each. The
 * configuration, the CLI, the demo, the bench, the soak and the corpus read this list; nothing
 * outside a target's own folder switches on its name. Adding a target = its folder (with a
 * `registration.ts`) + one line here (+ its simulator in sandbox/).
 */
import { ShopbooksError } from '../model/errors';
import { suggestion } from '../model/suggest';
import type { TargetRegistration } from './registration';
import { exactRegistration } from './exact/registration';
import { moneybirdRegistration } from './moneybird/registration';

export type { TargetRegistration } from './registration';

const registry = new Map<string, TargetRegistration>();

export function addTarget(r: TargetRegistration): void {
  registry.set(r.name, r);
}

addTarget(exactRegistration);
addTarget(moneybirdRegistration);

export function targetNames(): string[] {
  return [...registry.keys()];
}

export function findTarget(name: string): TargetRegistration | undefined {
  return registry.get(name);
}

/** The registration of `name`, or a configuration error that lists the known targets. */
export function targetRegistration(name: string): TargetRegistration {
  const r = registry.get(name);
  if (r) return r;
  throw new ShopbooksError('ConfigInvalid', `The target "${name}" is not an accounting system Shopbooks knows${suggestion(name, targetNames())}. Known targets: ${targetNames().join(', ')}.`);
}
