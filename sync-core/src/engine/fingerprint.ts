/**
 * The configuration's fingerprint: a short hash of everything that decides how an order is booked
 * (plan settings, the booking rules, the target and its mappings), without secrets. A failure that
 * retrying cannot fix (bad data, an unmapped VAT rate, a currency the books refuse) is recorded with
 * it and retried only when it changes, or when the user asks (`shopbooks retry`).
 */
import { createHash } from 'node:crypto';

/** Keys left out: credentials and tokens (a rotation is no configuration change), transport tuning. */
const IGNORED = /secret|token|password|credential|consumerKey|apiKey|privateKey|publicKey|^auth$|rateLimit|timeout|retries|baseUrl/i;

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k, x]) => !IGNORED.test(k) && x !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, stable(x)]),
    );
  }
  return v;
}

export function configFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(stable(parts))).digest('hex').slice(0, 16);
}

/** The parts of the sync rules that decide what is booked (not the retry timing). */
export function bookingRulesOf(rules: { bookStates: unknown; bookStatuses: unknown; paidOnly: unknown; cancelStates: unknown; startDate?: unknown }): Record<string, unknown> {
  return { bookStates: rules.bookStates, bookStatuses: rules.bookStatuses, paidOnly: rules.paidOnly, cancelStates: rules.cancelStates, startDate: rules.startDate };
}
