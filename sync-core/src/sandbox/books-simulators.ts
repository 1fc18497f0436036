/**
 * The simulated books of the sandbox, one registration per accounting system, named like the
 * target they simulate (a target's registration names its simulator). `startSandbox` starts the
 * one a configuration asks for; nothing else in the sandbox switches on the name.
 */
import { ShopbooksError } from '../model/errors';
import type { BooksDocument, BooksFollowUps } from './books';

export interface BooksSimulatorStart {
  port: number;
  documentKind?: string;
  /** Scale the rate limits up so the demo is quick; pacing logic stays the same. */
  fastLimits?: boolean;
  /** Skip optional master data (tests of the target creating it). */
  noGenericItem?: boolean;
  /** Simulator-specific options (tests: token lifetimes, limits, race modes). */
  options?: Record<string, unknown>;
}

export interface RunningBooks {
  name: string;
  /** The simulator object itself, for tests that reach into its state. */
  simulator: unknown;
  /** The target's configuration section that books into this simulator. */
  targetSection: Record<string, unknown>;
  /** Plan settings the simulated administration implies (e.g. the currencies it accepts). */
  plan?: Record<string, unknown>;
  /** One line for the demo: how the simulated rate limit differs from the real one. */
  limitsNote: string;
  /** Settings added to the target's section when follow-ups (payments) are on. */
  followUpSection?: Record<string, unknown>;
  books(): Map<string, BooksDocument>;
  /** Payments and attachments in the simulated books, for the demo's reconciliation. */
  followUps(): BooksFollowUps;
  customerCount(): number;
  stats(): { requests: number; writes: number; tooManyRequests: number };
  close(): Promise<void>;
}

export interface BooksSimulatorRegistration {
  name: string;
  label: string;
  start(o: BooksSimulatorStart): Promise<RunningBooks>;
}

const registry = new Map<string, BooksSimulatorRegistration>();

export function addBooksSimulator(r: BooksSimulatorRegistration): void {
  registry.set(r.name, r);
}

export function booksSimulator(name: string): BooksSimulatorRegistration {
  const r = registry.get(name);
  if (!r) throw new ShopbooksError('ConfigInvalid', `The sandbox has no simulated books named "${name}" (known: ${[...registry.keys()].join(', ')}).`);
  return r;
}

export function booksSimulatorNames(): string[] {
  return [...registry.keys()];
}
