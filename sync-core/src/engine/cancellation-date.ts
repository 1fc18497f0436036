/**
 * A cancellation's booking date is fixed when it is first planned. The shop's cancellation date is
 * the order's last-modified date at the time it is first seen cancelled; that date moves on with
 * every later change (a note, a status touch), and a retry on a later day would otherwise plan the
 * credit with another date — a second credit where the books find documents by date. The first
 * instant is kept in a mapping, per ledger key, and reused by every later attempt.
 */
import type { Order } from '../model/order';
import type { Store } from '../store/port';

export const CANCELLATION_DATE_MAPPING = 'cancellation-date';

/** With `readOnly` (re-planning a booked cancellation for its follow-ups) nothing is kept. */
export async function cancellationInstant(store: Store, cancellationKey: string, order: Order, opts: { readOnly?: boolean } = {}): Promise<string> {
  const kept = await store.getMapping(CANCELLATION_DATE_MAPPING, cancellationKey);
  if (kept) return kept;
  if (!opts.readOnly) await store.setMapping(CANCELLATION_DATE_MAPPING, cancellationKey, order.modifiedAt);
  return order.modifiedAt;
}
