/**
 * One sync run: fetch what changed since the cursor (or a backfill window), plan, book, record.
 *
 * Nothing lost: the cursor only moves past orders that were processed and recorded (booked,
 * failed with a reason, skipped with a reason, or deliberately ignored because their status is not
 * "sold"); failed entries whose retry time has come, and claims left by a killed run, are
 * re-fetched first. One bad order never blocks the others.
 */
import type { Order } from '../model/order';
import { ShopbooksError, asShopbooksError } from '../model/errors';
import { D, dec, fixed } from '../model/money';
import { PlanSettings, type PlanSettingsInput } from '../plan/settings';
import { planCancellation, planOrder, planRefund } from '../plan/index';
import type { BookingPlan } from '../plan/types';
import type { OrderQuery, Source, SourceOrder } from '../sources/port';
import type { RunRecord, Store } from '../store/port';
import type { DocumentRef, Target } from '../targets/port';
import { bookDocument, ledgerKey, type BookOutcome, type EntryIdentity } from './book-document';
import { SyncRules, isCancelled, notBookableReason, type SyncRulesInput } from './rules';
import { orderReference, refundReference, cancellationReference } from '../plan/reference';
import { cancellationInstant } from './cancellation-date';
import { bookFollowUps, type AttachmentSettings } from './follow-ups';

export interface SyncOptions {
  mode: 'sync' | 'backfill' | 'retry';
  /** Backfill window on creation date (ISO). */
  since?: string;
  until?: string;
  /** Only these order ids. */
  orderIds?: string[];
  dryRun?: boolean;
  onProgress?: (p: { done: number; total: number; page: number; totalPages: number }) => void;
  /** Called with each order's outcomes (CLI tables, plugin log). */
  onOutcome?: (o: OrderOutcome) => void;
}

export interface SyncDeps {
  source: Source;
  target: Target;
  store: Store;
  plan?: PlanSettingsInput;
  rules?: SyncRulesInput;
  now?: () => number;
  log?: (event: string, data?: Record<string, unknown>) => void;
  /** Invoice PDFs on booked documents (engine/follow-ups.ts); payments follow the target's settings. */
  attachments?: AttachmentSettings;
}

export interface OrderOutcome {
  orderId: string;
  orderNumber: string | null;
  state: string | null;
  outcomes: BookOutcome[];
  /** Set when the order could not be read or mapped. */
  readError?: ShopbooksError;
  ignored?: string;
}

export interface RateTotals {
  key: string;
  base: string;
  vat: string;
}

export interface SyncSummary {
  runId: string;
  mode: SyncOptions['mode'];
  dryRun: boolean;
  ordersSeen: number;
  booked: { order: number; refund: number; cancellation: number };
  recovered: number;
  alreadyBooked: number;
  skipped: number;
  failed: number;
  persistentFailures: number;
  /** Entries another live run had claimed (left to it). */
  claimedElsewhere: number;
  /** The whole run did nothing because another run of the same connection was in progress. */
  runBusy: boolean;
  message: string;
  ignored: number;
  changedAfterBooking: string[];
  failures: Array<{ key: string; orderNumber: string | null; code: string; message: string; remoteMessage?: string }>;
  /** What this run booked, in total and per VAT rate, against the shop's own figures. */
  bookedGross: string;
  bookedVat: string;
  bookedByRate: RateTotals[];
  shopGross: string;
  shopVat: string;
  cursor: string | null;
  sourceCalls: number;
  targetCalls: Record<string, number>;
  startedAt: string;
  finishedAt: string;
}

export function cursorName(source: Source): string {
  return `${source.platform}:${source.shopId}:orders-modified`;
}

/**
 * One run per connection at a time: a run waits up to `rules.runLockWaitSeconds` for another run
 * of the same shop and books to finish, then gives up with `busy` (nothing done, nothing lost — the
 * next run picks it up). Serialising runs keeps two overlapping triggers (cron and a status
 * change, or two terminals) from splitting the API's rate budget blindly; the per-entry claims
 * still guarantee exactly once if runs ever do overlap (another host, an expired lock).
 */
export async function runSync(deps: SyncDeps, opts: SyncOptions): Promise<SyncSummary> {
  const rules = SyncRules.parse(deps.rules ?? {});
  if (opts.dryRun) return runSyncLocked(deps, opts);
  const lockName = `run:${deps.source.platform}:${deps.source.shopId}:${deps.target.name}`;
  let entered = false;
  try {
    return await deps.store.withLock(
      lockName,
      async () => {
        entered = true;
        return runSyncLocked(deps, opts);
      },
      { timeoutMs: rules.runLockWaitSeconds * 1000 },
    );
  } catch (e) {
    if (entered || !(e instanceof ShopbooksError) || e.code !== 'Timeout') throw e;
    const at = new Date((deps.now ?? Date.now)()).toISOString();
    return { ...emptySummary('busy', opts.mode, false, at), runBusy: true, finishedAt: at, message: 'Another run for this shop and administration is in progress; this run did nothing. The next run continues where it stops.' };
  }
}

function emptySummary(runId: string, mode: SyncOptions['mode'], dryRun: boolean, startedAt: string): SyncSummary {
  return {
    runId,
    mode,
    dryRun,
    runBusy: false,
    message: '',
    ordersSeen: 0,
    booked: { order: 0, refund: 0, cancellation: 0 },
    recovered: 0,
    alreadyBooked: 0,
    skipped: 0,
    failed: 0,
    persistentFailures: 0,
    claimedElsewhere: 0,
    ignored: 0,
    changedAfterBooking: [],
    failures: [],
    bookedGross: '0.00',
    bookedVat: '0.00',
    bookedByRate: [],
    shopGross: '0.00',
    shopVat: '0.00',
    cursor: null,
    sourceCalls: 0,
    targetCalls: {},
    startedAt,
    finishedAt: '',
  };
}

async function runSyncLocked(deps: SyncDeps, opts: SyncOptions): Promise<SyncSummary> {
  const now = deps.now ?? Date.now;
  const planSettings = PlanSettings.parse(deps.plan ?? {});
  const rules = SyncRules.parse(deps.rules ?? {});
  const log = deps.log ?? (() => {});
  const dryRun = opts.dryRun ?? false;
  const { source, target, store } = deps;
  const runId = store.newRunId();
  const run: RunRecord = dryRun ? { id: runId, command: opts.mode, startedAt: new Date(now()).toISOString(), finishedAt: null, booked: 0, failed: 0, skipped: 0, message: '' } : await store.startRun(opts.mode);
  const ctx = { store, dryRun, log };
  const bookDeps = { store, target, rules, runId, dryRun, now, ctx };

  const summary: SyncSummary = emptySummary(runId, opts.mode, dryRun, run.startedAt);

  const byRate = new Map<string, { base: InstanceType<typeof D>; vat: InstanceType<typeof D> }>();
  let bookedGross = new D(0);
  let bookedVat = new D(0);
  let shopGross = new D(0);
  let shopVat = new D(0);

  const record = (order: SourceOrder, outcomes: BookOutcome[], ignored?: string) => {
    for (const o of outcomes) {
      switch (o.status) {
        case 'booked': {
          const kind = o.plan.kind;
          summary.booked[kind]++;
          if (o.recovered) summary.recovered++;
          bookedGross = bookedGross.plus(o.plan.totals.gross);
          bookedVat = bookedVat.plus(o.plan.totals.vat);
          shopGross = shopGross.plus(o.plan.shop.gross);
          shopVat = shopVat.plus(o.plan.shop.vat);
          for (const v of o.plan.vatByRate) {
            const cur = byRate.get(v.key) ?? { base: new D(0), vat: new D(0) };
            cur.base = cur.base.plus(v.base);
            cur.vat = cur.vat.plus(v.vat);
            byRate.set(v.key, cur);
          }
          break;
        }
        case 'already-booked':
          summary.alreadyBooked++;
          if (o.changed) summary.changedAfterBooking.push(o.key);
          break;
        case 'skipped':
          summary.skipped++;
          break;
        case 'busy':
          summary.claimedElsewhere++;
          break;
        case 'planned':
          break;
        case 'failed':
          summary.failed++;
          if (o.persistent) summary.persistentFailures++;
          summary.failures.push({ key: o.key, orderNumber: order.ok ? order.order.number : order.number, code: o.error.code, message: o.error.message, ...(o.error.remoteMessage ? { remoteMessage: o.error.remoteMessage } : {}) });
          break;
      }
    }
    if (ignored) summary.ignored++;
    opts.onOutcome?.({
      orderId: order.ok ? order.order.id : order.id,
      orderNumber: order.ok ? order.order.number : order.number,
      state: order.ok ? order.order.state : null,
      outcomes,
      ...(order.ok ? {} : { readError: order.error }),
      ...(ignored ? { ignored } : {}),
    });
  };

  const processOne = async (so: SourceOrder): Promise<void> => {
    summary.ordersSeen++;
    if (!so.ok) {
      // An order the shop sent but we cannot read: recorded as failed with the reason.
      const id: EntryIdentity = { key: ledgerKey(source.shopId, 'order', so.id), kind: 'order', shopId: source.shopId, orderId: so.id, orderNumber: so.number ?? so.id, refundId: null, reference: orderReference(planSettings.referencePrefix, so.number ?? so.id) };
      const outcome = await bookDocument(id, () => ({ ok: false, error: so.error, disposition: 'fail' }), null, bookDeps);
      record(so, [outcome]);
      return;
    }
    try {
      const { outcomes, ignored } = await processOrder(so.order);
      outcomes.push(...(await bookFollowUps({ source, book: bookDeps, planSettings, attachments: deps.attachments }, so.order, outcomes)));
      record(so, outcomes, ignored);
    } catch (e) {
      // A store failure is fatal for the run (the cursor must not move); anything else is recorded.
      throw asShopbooksError(e);
    }
  };

  const processOrder = async (order: Order): Promise<{ outcomes: BookOutcome[]; ignored?: string }> => {
    const prefix = planSettings.referencePrefix;
    const orderId: EntryIdentity = { key: ledgerKey(order.shopId, 'order', order.id), kind: 'order', shopId: order.shopId, orderId: order.id, orderNumber: order.number, refundId: null, reference: orderReference(prefix, order.number) };
    const outcomes: BookOutcome[] = [];
    if (isCancelled(order, rules)) {
      const entry = await store.getEntry(orderId.key);
      if (!entry || entry.status !== 'booked') {
        if (entry && entry.status === 'skipped') return { outcomes: [{ status: 'skipped', key: orderId.key, reason: entry.skipReason ?? '', code: 'AlreadySkipped' }] };
        // Cancelled before it was booked: nothing to book, nothing to credit. Not recorded as a
        // final skip, so an order that is reopened later is still booked.
        if (entry && entry.status === 'failed' && !dryRun) await store.update(orderId.key, { status: 'skipped', skipReason: `Order ${order.number} was cancelled before it was booked.`, nextRetryAt: null });
        return { outcomes: [{ status: 'skipped', key: orderId.key, reason: `Order ${order.number} was cancelled before it was booked.`, code: 'CancelledBeforeBooking' }] };
      }
      const original = docRef(entry);
      const bookedRefunds: BookingPlan[] = [];
      for (const r of order.refunds) {
        const re = await store.getEntry(ledgerKey(order.shopId, 'refund', r.id));
        if (re?.status === 'booked') {
          const p = planRefund(order, r, planSettings);
          if (p.ok) bookedRefunds.push(p.plan);
        }
      }
      const cid: EntryIdentity = { ...orderId, key: ledgerKey(order.shopId, 'cancellation', order.id), kind: 'cancellation', reference: cancellationReference(prefix, order.number) };
      const cancelledAt = await cancellationInstant(store, cid.key, order, dryRun);
      outcomes.push(await bookDocument(cid, () => planCancellation(order, bookedRefunds, planSettings, cancelledAt), original, bookDeps));
      return { outcomes };
    }
    const alreadyBooked = await store.getEntry(orderId.key);
    const notBookable = notBookableReason(order, rules);
    if (notBookable && alreadyBooked?.status !== 'booked') return { outcomes, ignored: notBookable };
    const o = await bookDocument(orderId, () => planOrder(order, planSettings), null, bookDeps);
    outcomes.push(o);
    const orderDoc = o.status === 'booked' ? o.document : o.status === 'already-booked' ? docRef(o.entry) : null;
    if (!orderDoc && o.status !== 'planned') return { outcomes };
    for (const r of order.refunds) {
      const rid: EntryIdentity = { ...orderId, key: ledgerKey(order.shopId, 'refund', r.id), kind: 'refund', refundId: r.id, reference: refundReference(prefix, order.number, r.id) };
      outcomes.push(await bookDocument(rid, () => planRefund(order, r, planSettings), orderDoc, bookDeps));
    }
    return { outcomes };
  };

  try {
    const prep = await target.prepare(ctx);
    if (prep.problems.length) log('target.mapping-problems', { problems: prep.problems });

    // 1. Retries that are due and claims left by killed runs.
    if (!opts.orderIds && opts.mode !== 'backfill') {
      const nowIso = new Date(now()).toISOString();
      const due = [
        ...(await store.listEntries({ status: 'failed', shopId: source.shopId, dueBefore: nowIso })),
        ...(await abandonedClaims(store, source.shopId, nowIso)),
      ];
      const ids = [...new Set(due.map((e) => e.orderId))];
      for (const id of ids) await processOne(await source.getOrder(id));
    }

    // 2. New and changed orders.
    if (opts.mode !== 'retry') {
      const query: OrderQuery = {};
      const cname = cursorName(source);
      if (opts.orderIds) query.ids = opts.orderIds;
      else if (opts.mode === 'backfill') {
        if (!opts.since) throw new ShopbooksError('ConfigInvalid', 'backfill needs --since DATE (the first order creation date to book).');
        query.createdAfter = new Date(opts.since).toISOString();
        if (opts.until) query.createdBefore = new Date(opts.until).toISOString();
      } else {
        const cursor = await store.getCursor(cname);
        if (cursor) {
          // one second of overlap: orders sharing the cursor's timestamp are re-read, and skipped cheaply
          query.modifiedAfter = new Date(Date.parse(cursor) - 1000).toISOString();
        } else if (rules.startDate) {
          query.modifiedAfter = new Date(Date.parse(new Date(rules.startDate).toISOString()) - 1000).toISOString();
        } else {
          throw new ShopbooksError('ConfigInvalid', 'First sync: set rules.startDate (the first order date to book), or run "shopbooks backfill --since DATE". Shopbooks does not guess how much order history to import.');
        }
      }
      let done = 0;
      for await (const page of source.listOrders(query)) {
        let maxModified: string | null = null;
        for (const so of page.orders) {
          await processOne(so);
          done++;
          const m = so.ok ? so.order.modifiedAt : so.modifiedAt;
          if (m && (!maxModified || m > maxModified)) maxModified = m;
        }
        if (opts.mode === 'sync' && !opts.orderIds && !dryRun && maxModified) {
          const cur = await store.getCursor(cname);
          if (!cur || maxModified > cur) await store.setCursor(cname, maxModified);
          summary.cursor = maxModified;
        }
        opts.onProgress?.({ done, total: page.totalOrders, page: page.page, totalPages: page.totalPages });
      }
    }
  } finally {
    summary.bookedGross = fixed(bookedGross);
    summary.bookedVat = fixed(bookedVat);
    summary.shopGross = fixed(shopGross);
    summary.shopVat = fixed(shopVat);
    summary.bookedByRate = [...byRate.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, base: fixed(v.base), vat: fixed(v.vat) }));
    summary.sourceCalls = source.callCount;
    summary.targetCalls = target.callStats();
    summary.finishedAt = new Date(now()).toISOString();
    if (!dryRun) {
      const booked = summary.booked.order + summary.booked.refund + summary.booked.cancellation;
      await store.finishRun({ ...run, finishedAt: summary.finishedAt, booked, failed: summary.failed, skipped: summary.skipped, message: summary.failures[0]?.message ?? '' });
    }
  }
  return summary;
}


/** Claims whose lease expired or whose run the store knows is dead. */
async function abandonedClaims(store: Store, shopId: string, nowIso: string) {
  const out = [];
  for (const e of await store.listEntries({ status: 'claimed', shopId })) {
    if (!e.claimExpiresAt || e.claimExpiresAt < nowIso || !e.claimedBy || !(await store.isRunAlive(e.claimedBy))) out.push(e);
  }
  return out;
}

function docRef(e: import('../store/port').LedgerEntry): DocumentRef {
  return { id: e.documentId ?? '', type: e.documentType ?? '', number: e.documentNumber, url: e.documentUrl, customerId: e.customerId, recovered: false };
}

export function reconciles(s: SyncSummary): boolean {
  return dec(s.bookedGross).eq(s.shopGross) && dec(s.bookedVat).eq(s.shopVat);
}
