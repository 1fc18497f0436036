/**
 * What a source (one shop platform) registers: its platform name (`source.platform`), a label,
 * the schema of its settings (the `source` section without `platform`), its factory (given the
 * run's store, for sources that keep change-tracking state), and the name of its simulator in
 * `sandbox/`. The registry (sources/index.ts) lists one line per source.
 */
import type { z } from 'zod';
import type { Store } from '../store/port';
import type { Source } from './port';

export interface SourceRegistration<S extends z.ZodTypeAny = z.ZodTypeAny> {
  platform: string;
  label: string;
  config: S;
  create(settings: z.infer<S>, store?: Store): Source;
  simulator: string;
}

export function registerSource<S extends z.ZodTypeAny>(r: SourceRegistration<S>): SourceRegistration {
  return r as unknown as SourceRegistration;
}
