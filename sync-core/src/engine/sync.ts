/**
 * One sync run: fetch what changed since the cursor (or a backfill window), plan, book, record.
 *
 * Nothing lost: the cursor only moves past orders that were processed and recorded (booked,
 * failed with a reason, skipped with a reason, or deliberately ignored because their status is not
 * "sold"); failed entries whose retry time has come, and claims left by a killed run, are
 * re-fetched first. One bad order never blocks the others.
 */
import { ShopbooksError, asShopbooksError } from '../model/errors';
import { PlanSettings, type PlanSettingsInput } from '../plan/settings';
import type { OrderQuery, Source, SourceOrder } from '../sources/port';
import type { LedgerEntry, RunRecord, Store } from '../store/port';
import { bookingRulesOf, configFingerprint } from './fingerprint';
import type { Target } from '../targets/port';
import { SyncRules, type SyncRulesInput } from './rules';
import type { OrderContext } from './order-context';
import { recordFetchFailure, recordUnreadable, resolveUnreadable } from './read-failures';
import { processOrder } from './process-order';
import { rebookOrder } from './rebook';
import { SummaryAccounting, emptySummary, type OrderOutcome, type SyncSummary } from './summary';

export { reconciles, type OrderOutcome, type RateTotals, type SyncSummary } from './summary';
import { bookFollowUps, type AttachmentSettings } from './follow-ups';
import { DryRunTarget } from './dry-run';
import { DryRunStore } from '../store/dry-run-store';

export interface SyncOptions {
  /** `rebook`: credit the booked document of each of `orderIds` and book the order as it is now (engine/rebook.ts). */
  mode: 'sync' | 'backfill' | 'retry' | 'rebook';
  /** Backfill window on creation date (ISO). */
  since?: string;
  until?: string;
  /** Only these order ids. */
  orderIds?: string[];
  /**
   * Run the engine's own path with the books and the store kept out of it: the target's writes
   * answer "would book" (engine/dry-run.ts) and the run's ledger writes stay in memory
   * (store/dry-run-store.ts); reads, and token rotations, reach the real ones.
   */
  dryRun?: boolean;
  onProgress?: (p: { done: number; total: number; page: number; totalPages: number }) => void;
  /** Called with each order's outcomes (CLI tables, plugin log). */
  onOutcome?: (o: OrderOutcome) => void;
}

/**
 * Which failed entries a run retries. A sync retries the due transient failures (backoff) and the
 * permanent ones recorded under another configuration; `shopbooks retry` (mode "retry") retries
 * every failure now, or those of `orderIds`.
 */
export function isDue(e: LedgerEntry, fingerprint: string, nowIso: string, explicit: boolean): boolean {
  if (explicit) return true;
  if (e.failedConfig) return e.failedConfig !== fingerprint;
  return !e.nextRetryAt || e.nextRetryAt <= nowIso;
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
  /** Fingerprint of the whole configuration (app/wiring.ts); by default of the plan settings, the booking rules and the target's name. */
  configFingerprint?: string;
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
  // a dry run takes no run lock: it writes nothing, so it never competes with a real run
  if (opts.dryRun) return runSyncLocked({ ...deps, target: new DryRunTarget(deps.target), store: new DryRunStore(deps.store, deps.now) }, opts);
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

async function runSyncLocked(deps: SyncDeps, opts: SyncOptions): Promise<SyncSummary> {
  const now = deps.now ?? Date.now;
  const planSettings = PlanSettings.parse(deps.plan ?? {});
  const rules = SyncRules.parse(deps.rules ?? {});
  const log = deps.log ?? (() => {});
  const dryRun = opts.dryRun ?? false;
  const { source, target, store } = deps;
  const runId = store.newRunId();
  const run: RunRecord = await store.startRun(opts.mode);
  const ctx = { store, dryRun, log };
  const fingerprint = deps.configFingerprint ?? configFingerprint({ plan: planSettings, rules: bookingRulesOf(rules), target: target.name });
  const bookDeps = { store, target, rules, runId, now, ctx, fingerprint, explicitRetry: opts.mode === 'retry' };

  const summary: SyncSummary = emptySummary(runId, opts.mode, dryRun, run.startedAt);

  const accounting = new SummaryAccounting(summary, opts.onOutcome);
  const record = accounting.record.bind(accounting);
  const orderCtx: OrderContext = { shopId: source.shopId, store, target, rules, plan: planSettings, book: bookDeps, now };

  const processOne = async (so: SourceOrder): Promise<void> => {
    summary.ordersSeen++;
    if (!so.ok) {
      record(so, [await recordUnreadable(so, orderCtx)]);
      return;
    }
    try {
      const { outcomes, ignored } = await processOrder(so.order, orderCtx, so.refundErrors);
      outcomes.push(...(await bookFollowUps({ source, book: bookDeps, planSettings, attachments: deps.attachments }, so.order, outcomes)));
      record(so, outcomes, ignored);
    } catch (e) {
      // A store failure is fatal for the run (the cursor must not move); anything else is recorded.
      throw asShopbooksError(e);
    }
  };

  try {
    const prep = await target.prepare(ctx);
    if (prep.problems.length) log('target.mapping-problems', { problems: prep.problems });

    // 0. Re-booking orders that changed after booking: only what the user named.
    if (opts.mode === 'rebook') {
      if (!opts.orderIds?.length) throw new ShopbooksError('ConfigInvalid', 'rebook needs --order ID (the orders to re-book).');
      for (const id of opts.orderIds) {
        const so = await source.getOrder(id);
        summary.ordersSeen++;
        if (!so.ok) record(so, [{ status: 'failed', key: id, error: so.error, attempts: 0, persistent: false }]);
        else record(so, (await rebookOrder(so.order, orderCtx)).outcomes);
      }
    }

    // 1. Retries that are due and claims left by killed runs.
    if (opts.mode !== 'rebook' && (!opts.orderIds || opts.mode === 'retry') && opts.mode !== 'backfill') {
      const nowIso = new Date(now()).toISOString();
      const explicit = opts.mode === 'retry';
      const wanted = (e: LedgerEntry) => !opts.orderIds || opts.orderIds.includes(e.orderId);
      const due = [
        ...(await store.listEntries({ status: 'failed', shopId: source.shopId })).filter((e) => wanted(e) && isDue(e, fingerprint, nowIso, explicit)),
        ...(await abandonedClaims(store, source.shopId, nowIso)).filter(wanted),
      ];
      const ids = [...new Set(due.map((e) => e.orderId))];
      for (const id of ids) {
        const entries = due.filter((e) => e.orderId === id);
        let so: SourceOrder;
        try {
          so = await source.getOrder(id);
        } catch (e) {
          // one order's fetch error is that order's failure (each due entry keeps its backoff); the run goes on
          const error = asShopbooksError(e);
          summary.ordersSeen++;
          record({ ok: false, id, number: entries[0].orderNumber, modifiedAt: null, error }, await recordFetchFailure(entries, error, orderCtx));
          continue;
        }
        await processOne(so);
        if (so.ok) await resolveUnreadable(entries, orderCtx);
      }
    }

    // 2. New and changed orders.
    if (opts.mode !== 'retry' && opts.mode !== 'rebook') {
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
          // a small overlap: orders at or just before the cursor are re-read, recognised in the ledger and skipped
          query.modifiedAfter = new Date(Date.parse(cursor) - rules.cursorOverlapSeconds * 1000).toISOString();
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
        if (opts.mode === 'sync' && !opts.orderIds && maxModified) {
          const next = cursorAfterPage(maxModified, source.shopTime?.() ?? null, now(), rules);
          const cur = await store.getCursor(cname);
          if (!cur || Date.parse(next) > Date.parse(cur)) await store.setCursor(cname, next);
          summary.cursor = !cur || Date.parse(next) > Date.parse(cur) ? next : cur;
        }
        opts.onProgress?.({ done, total: page.totalOrders, page: page.page, totalPages: page.totalPages });
      }
    }
  } finally {
    accounting.close();
    summary.sourceCalls = source.callCount;
    summary.targetCalls = target.callStats();
    summary.finishedAt = new Date(now()).toISOString();
    const booked = summary.booked.order + summary.booked.refund + summary.booked.cancellation;
    await store.finishRun({ ...run, finishedAt: summary.finishedAt, booked, failed: summary.failed, skipped: summary.skipped, message: summary.failures[0]?.message ?? '' });
  }
  return summary;
}

/** Claims whose lease expired or whose run the store knows is dead. */
async function abandonedClaims(store: Store, shopId: string, nowIso: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (const e of await store.listEntries({ status: 'claimed', shopId })) {
    if (!e.claimExpiresAt || e.claimExpiresAt < nowIso || !e.claimedBy || !(await store.isRunAlive(e.claimedBy))) out.push(e);
  }
  return out;
}

/**
 * Where the cursor may move after a page whose latest modification is `maxModified`: never past
 * the shop's own clock (its Date header; the local clock when it sent none) minus the safety
 * margin. An order dated in the shop's future (a clock jump, an import) is simply re-read by the
 * following runs, and recognised in the ledger, until the shop's clock has passed it.
 */
export function cursorAfterPage(maxModified: string, shopTime: string | null, localNow: number, rules: Pick<SyncRules, 'cursorSafetySeconds'>): string {
  const clock = shopTime !== null && Number.isFinite(Date.parse(shopTime)) ? Date.parse(shopTime) : localNow;
  const ceiling = clock - rules.cursorSafetySeconds * 1000;
  return Date.parse(maxModified) > ceiling ? new Date(ceiling).toISOString() : maxModified;
}
