/**
 * What a target (one accounting system) registers: its name (the `target` value and the name of
 * its configuration section), a label for people, the schema of its section, its factory, and the
 * name of its simulator in `sandbox/` (loaded on demand by the demo and `--sandbox`, never
 * imported by product code). The registry (targets/index.ts) lists one line per target.
 */
import type { z } from 'zod';
import type { Store } from '../store/port';
import type { Target } from './port';

/**
 * What the composition root (app/) may hand a target besides its settings: the fleet routes
 * every request through a shared rate budget (`fetch`) and gives the store before `prepare`.
 * A target uses what it needs and ignores the rest.
 */
export interface TargetDeps {
  fetch?: typeof fetch;
  store?: Store;
}

/** A request budget shared by every process booking into one administration (the fleet's `RateBudget`). */
export interface SharedRateLimit {
  limit: number;
  windowMs: number;
  /** Covers the network delay between our start and the server's receipt. */
  padMs?: number;
}

export interface TargetRegistration<S extends z.ZodTypeAny = z.ZodTypeAny> {
  name: string;
  label: string;
  /** The schema of the target's section, `config[name]`. */
  config: S;
  /** Build the target from its validated section. */
  create(section: z.infer<S>, deps?: TargetDeps): Target;
  /** The simulator's name in the sandbox's registry. */
  simulator: string;
  /** Whether this section registers payments of paid orders (the demo's reconciliation asks). */
  registersPayments?(section: z.infer<S>): boolean;
  /** The published limit the fleet shares across workers (none: the fleet does not pace it). */
  sharedRateLimit?: SharedRateLimit;
}

/** Keeps the section type of one registration while the registry holds them all. */
export function registerTarget<S extends z.ZodTypeAny>(r: TargetRegistration<S>): TargetRegistration {
  return r as unknown as TargetRegistration;
}
