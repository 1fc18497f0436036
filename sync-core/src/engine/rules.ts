/** Which orders count as "sold", and how failures are retried. */
import { isValid, parseISO } from 'date-fns';
import { z } from 'zod';
import type { Order } from '../model/order';

export const SyncRules = z.object({
  /** Canonical states whose orders are booked. `paid` = WooCommerce processing, `completed` = completed. */
  bookStates: z.array(z.enum(['pending', 'on-hold', 'paid', 'completed', 'refunded', 'other'])).default(['paid', 'completed', 'refunded']),
  /** Also (or instead) book these platform-specific statuses, e.g. a custom WooCommerce status "wc-shipped". */
  bookStatuses: z.array(z.string()).default([]),
  /**
   * Book only orders the shop's own payment record says are paid (WooCommerce `date_paid`, CCV's
   * paid flag, Shopify's financial status), whatever their status; others wait until paid.
   */
  paidOnly: z.boolean().default(false),
  /** States that cancel an order: credited when booked, skipped when not yet booked. */
  cancelStates: z.array(z.enum(['cancelled', 'failed'])).default(['cancelled']),
  /** The first order creation date to book (ISO date or date-time). Required on a first sync without a cursor. */
  startDate: z.string().refine((v) => isValid(parseISO(v)), 'is not a date (write it as YYYY-MM-DD)').optional(),
  /** Failed entries are retried with exponential backoff: base delay, cap and attempts before "persistent". */
  retryBaseSeconds: z.number().int().min(1).default(60),
  retryMaxSeconds: z.number().int().min(1).default(6 * 3600),
  persistentAfterAttempts: z.number().int().min(1).default(5),
  /**
   * How long a run's claim on an order is honoured by other runs (a killed run's claim is taken over
   * sooner). The holder renews it every third of this while it works (engine/claim-heartbeat.ts).
   */
  claimLeaseSeconds: z.number().int().min(10).default(600),
  /** The cursor never moves past the shop's own clock (its HTTP Date header) minus this margin. */
  cursorSafetySeconds: z.number().int().min(0).default(120),
  /** Each run re-reads orders modified this long before the cursor (re-seen orders are recognised and skipped). */
  cursorOverlapSeconds: z.number().int().min(1).default(60),
  /** How long a run waits for another run of the same connection to finish before giving up (doing nothing). */
  runLockWaitSeconds: z.number().int().min(0).default(60),
});
export type SyncRules = z.infer<typeof SyncRules>;
export type SyncRulesInput = z.input<typeof SyncRules>;

/** Paid means paid: the shop's payment record (canonical `paidAt`), never a status such as completed. */
export function isPaid(order: Order): boolean {
  return order.paidAt !== null;
}

/** How a reason from `notBookableReason` starts when the order only waits for its payment. */
export const NOT_PAID_YET = 'not paid yet';

/** Why the rules do not book this order (yet), in plain words; null when they do. */
export function notBookableReason(order: Order, rules: SyncRules): string | null {
  const byState = (rules.bookStates as string[]).includes(order.state) || rules.bookStatuses.includes(order.status);
  if (!byState) return `status ${order.status} is not booked by the rules`;
  if (rules.paidOnly && !isPaid(order)) return `${NOT_PAID_YET}: order ${order.number} (status ${order.status}) is booked when the shop records its payment`;
  if (rules.startDate && order.createdAt < new Date(rules.startDate).toISOString()) return `created before the start date ${rules.startDate}`;
  return null;
}

export function isBookable(order: Order, rules: SyncRules): boolean {
  return notBookableReason(order, rules) === null;
}

export function isCancelled(order: Order, rules: SyncRules): boolean {
  return (rules.cancelStates as string[]).includes(order.state);
}

/** Exponential backoff with full jitter, capped. */
export function nextRetryDelayMs(attempts: number, rules: SyncRules, random: () => number = Math.random): number {
  const exp = Math.min(rules.retryMaxSeconds, rules.retryBaseSeconds * 2 ** Math.max(0, attempts - 1));
  return Math.round((exp / 2 + (random() * exp) / 2) * 1000);
}
