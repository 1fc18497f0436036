/**
 * The preview: exactly what the next sync would do, per order. It is the sync itself in a dry run
 * (engine/dry-run.ts, store/dry-run-store.ts): the same rules, the same plans, the mapping
 * validated against the books by the target, the same ledger state — only the writes are kept
 * back. So a preview cannot say "would book" where the sync then fails, or the reverse.
 *
 * Each order gets one verdict: "would book" (with each document's kind and gross), "already
 * booked", "not sold yet (status …)", "would fail: <reason>", "not booked: <reason>" (e.g. cancelled
 * before it was ever booked) or "busy" (another run is booking it right now).
 */
import type { BookingPlan } from '../plan/types';
import type { BookOutcome } from './book-document';
import { isWouldBook } from './dry-run';
import { NOT_PAID_YET } from './rules';
import { runSync, type OrderOutcome, type SyncDeps, type SyncOptions, type SyncSummary } from './sync';

export const PREVIEW_VERDICTS = [
  'would-book',
  'already-booked',
  'not-sold-yet',
  'would-fail',
  'not-booked',
  'busy',
] as const;
export type PreviewVerdict = (typeof PREVIEW_VERDICTS)[number];

export interface PreviewDocument {
  /** order, refund, cancellation, or a follow-up (payment, attachment). */
  kind: string;
  verdict: PreviewVerdict;
  reference: string | null;
  currency: string | null;
  gross: string | null;
  /** What would be booked (verdict would-book). */
  plan: BookingPlan | null;
  code: string | null;
  reason: string | null;
}

export interface PreviewOrder {
  orderId: string;
  /** The order number (the shop's), or its id when it could not be read. */
  order: string;
  /** The shop's own status. */
  status: string | null;
  verdict: PreviewVerdict;
  /** The verdict in plain words: "would book order EUR 36.24", "not sold yet (status pending)", "would fail: …". */
  text: string;
  /** True when the next sync would book something for this order. */
  ok: boolean;
  /** Why not (the text), or null when it would book. */
  reason: string | null;
  code: string | null;
  /** The first document it would book, in full (the settings page shows it). */
  plan: BookingPlan | null;
  documents: PreviewDocument[];
}

export interface Preview {
  /** Orders per verdict. */
  counts: Record<PreviewVerdict, number>;
  /** Documents the sync would book, by kind: what a real sync then books. */
  wouldBook: { order: number; refund: number; cancellation: number };
  orders: PreviewOrder[];
  summary: SyncSummary;
}

export type PreviewOptions = Pick<SyncOptions, 'orderIds' | 'since' | 'until'> & {
  /** `sync` (default): what the next sync does; `backfill` with `since`: what that backfill does. */
  mode?: 'sync' | 'backfill';
};

const KIND = /:(order|refund|cancellation|payment|attachment):/;

function documentOf(o: BookOutcome): PreviewDocument {
  const blank = { reference: null, currency: null, gross: null, plan: null, code: null, reason: null };
  switch (o.status) {
    case 'booked':
      return {
        ...blank,
        kind: o.plan.kind,
        verdict: 'would-book',
        reference: o.plan.reference,
        currency: o.plan.currency,
        gross: o.plan.totals.gross,
        plan: isWouldBook(o.document) ? o.plan : null,
      };
    case 'already-booked':
      return {
        ...blank,
        kind: o.entry.kind,
        verdict: 'already-booked',
        reference: o.entry.reference,
        gross: o.entry.gross,
        ...(o.changed
          ? { code: 'ChangedAfterBooking', reason: 'changed in the shop after it was booked' }
          : {}),
      };
    case 'failed':
      return {
        ...blank,
        kind: KIND.exec(o.key)?.[1] ?? 'order',
        verdict: 'would-fail',
        code: o.error.code,
        reason: o.error.message,
      };
    case 'skipped':
      return {
        ...blank,
        kind: KIND.exec(o.key)?.[1] ?? 'order',
        verdict: 'not-booked',
        code: o.code,
        reason: o.reason,
      };
    case 'busy':
      return {
        ...blank,
        kind: KIND.exec(o.key)?.[1] ?? 'order',
        verdict: 'busy',
        reason: 'another run is booking it right now',
      };
  }
}

/** One order's verdict from what the dry run did with it: a failure outweighs a booking, a booking what is already booked. */
export function previewOrder(oc: OrderOutcome): PreviewOrder {
  const status = oc.status ?? oc.state ?? null;
  const base = { orderId: oc.orderId, order: oc.orderNumber ?? oc.orderId, status };
  const verdict = (
    v: PreviewVerdict,
    text: string,
    documents: PreviewDocument[],
    code: string | null = null,
  ): PreviewOrder => {
    const plan = documents.find((d) => d.plan)?.plan ?? null;
    return {
      ...base,
      verdict: v,
      text,
      ok: v === 'would-book',
      reason: v === 'would-book' ? null : text,
      code,
      plan,
      documents,
    };
  };
  if (oc.readError)
    return verdict('would-fail', `would fail: ${oc.readError.message}`, [], oc.readError.code);
  const documents = oc.outcomes.map(documentOf);
  const first = (v: PreviewVerdict) => documents.find((d) => d.verdict === v);
  const failed = first('would-fail');
  if (failed) return verdict('would-fail', `would fail: ${failed.reason}`, documents, failed.code);
  const booking = documents.filter((d) => d.verdict === 'would-book');
  if (booking.length)
    return verdict(
      'would-book',
      `would book ${booking.map((d) => `${d.kind} ${d.currency} ${d.gross}`).join(', ')}`,
      documents,
    );
  const busy = first('busy');
  if (busy) return verdict('busy', `busy: ${busy.reason}`, documents);
  if (first('already-booked')) {
    const changed = documents.find((d) => d.code === 'ChangedAfterBooking');
    return verdict(
      'already-booked',
      changed
        ? `already booked (${changed.reason}; "shopbooks rebook --order ${oc.orderId}" books it as it is now)`
        : 'already booked',
      documents,
      changed?.code ?? null,
    );
  }
  const skipped = first('not-booked');
  if (skipped) return verdict('not-booked', `not booked: ${skipped.reason}`, documents, skipped.code);
  if (oc.ignored) {
    // the rules' reason (engine/rules.ts): a status they do not book, a payment still to come, or before the start date
    if (oc.ignored.startsWith(NOT_PAID_YET))
      return verdict(
        'not-sold-yet',
        `not sold yet (status ${status ?? '?'}, not paid yet)`,
        documents,
        'NotPaidYet',
      );
    if (oc.ignored.startsWith('status '))
      return verdict('not-sold-yet', `not sold yet (status ${status ?? '?'})`, documents, 'NotSoldYet');
    return verdict('not-booked', `not booked: ${oc.ignored}`, documents, 'NotBooked');
  }
  return verdict('not-booked', 'not booked: nothing to do', documents);
}

/** Run the next sync (or a backfill) as a dry run and say, per order, what it would do. */
export async function previewSync(deps: SyncDeps, opts: PreviewOptions = {}): Promise<Preview> {
  const outcomes: OrderOutcome[] = [];
  const summary = await runSync(deps, {
    mode: opts.mode ?? 'sync',
    dryRun: true,
    orderIds: opts.orderIds,
    since: opts.since,
    until: opts.until,
    onOutcome: (o) => outcomes.push(o),
  });
  // an order a run meets twice (a due retry, then again in the cursor's overlap) is one order: its first verdict
  const seen = new Set<string>();
  const orders = outcomes.filter((o) => !seen.has(o.orderId) && seen.add(o.orderId)).map(previewOrder);
  const counts = Object.fromEntries(
    PREVIEW_VERDICTS.map((v) => [v, orders.filter((o) => o.verdict === v).length]),
  ) as Record<PreviewVerdict, number>;
  return { counts, wouldBook: { ...summary.booked }, orders, summary };
}
