/**
 * bookDocument: one ledger entry (an order, a refund or a cancellation) into the books, exactly once.
 *
 *   plan (pure) -> validate against the target -> claim in the ledger -> mark "write started"
 *   (durable) -> target.bookDocument(mayExist = a write may have started before) -> record booked.
 *
 * Any failure is recorded with its reason, attempt count and next retry time; the caller goes on
 * with the next order. A write that may have happened (timeout, 5xx, a kill) leaves
 * `writeStartedAt` set, so the next attempt looks the document up by reference before creating.
 *
 * While the claim is held it is renewed (claim-heartbeat.ts), every ledger update under it is
 * fenced with this run's id, and the target's writes pass the write fence: a run that lost its
 * claim (taken over after its lease) neither writes nor records anything more — the outcome is
 * `busy`, and the run that holds the entry now finishes it (looking the document up by reference).
 */
import type { BookingPlan } from '../plan/types';
import type { PlanOutcome } from '../plan/plan-order';
import { asShopbooksError, ShopbooksError } from '../model/errors';
import { isZero } from '../model/money';
import type { LedgerEntry, Store } from '../store/port';
import type { DocumentRef, Target, TargetContext } from '../targets/port';
import { nextRetryDelayMs, type SyncRules } from './rules';
import { holdClaim } from './claim-heartbeat';
import { runFenced } from '../store/write-fence';

export type BookOutcome =
  | { status: 'booked'; key: string; plan: BookingPlan; document: DocumentRef; recovered: boolean }
  | { status: 'already-booked'; key: string; entry: LedgerEntry; changed: boolean }
  | { status: 'skipped'; key: string; reason: string; code: string }
  | { status: 'failed'; key: string; error: ShopbooksError; attempts: number; persistent: boolean }
  | { status: 'busy'; key: string };

export interface BookDeps {
  store: Store;
  target: Target;
  rules: SyncRules;
  runId: string;
  now: () => number;
  ctx: TargetContext;
  /** The configuration's fingerprint (engine/fingerprint.ts), recorded with failures retrying cannot fix. */
  fingerprint?: string;
  /** The user asked for a retry (`shopbooks retry`): permanent failures are attempted again. */
  explicitRetry?: boolean;
}

export interface EntryIdentity {
  key: string;
  kind: LedgerEntry['kind'];
  shopId: string;
  orderId: string;
  orderNumber: string;
  refundId: string | null;
  reference: string;
}

/** Mapping namespace: document reference -> the ledger key that owns it. */
export const REFERENCE_MAPPING = 'reference';

export function ledgerKey(shopId: string, kind: LedgerEntry['kind'], id: string): string {
  return `${shopId}:${kind}:${id}`;
}

export interface BookMode {
  /**
   * The order no longer asks for this document (cancelled, out of the rules): only finish a write
   * that started before (look it up by reference; complete it when found), never create one. When
   * nothing is found the entry is skipped with this reason.
   */
  recoverOnly?: string;
}

export async function bookDocument(
  id: EntryIdentity,
  planned: () => PlanOutcome,
  original: DocumentRef | null,
  deps: BookDeps,
  modeIn: BookMode = {},
): Promise<BookOutcome> {
  let mode = modeIn;
  const { store, target, rules } = deps;
  const existing = await store.getEntry(id.key);
  if (existing && (existing.status === 'booked' || existing.status === 'skipped')) {
    if (existing.status === 'skipped')
      return { status: 'skipped', key: id.key, reason: existing.skipReason ?? '', code: 'AlreadySkipped' };
    const outcome = planned();
    const changed =
      outcome.ok && existing.contentHash !== null && outcome.plan.contentHash !== existing.contentHash;
    return { status: 'already-booked', key: id.key, entry: existing, changed };
  }
  const outcome = planned();
  const nowIso = () => new Date(deps.now()).toISOString();

  const skip = async (why: ShopbooksError): Promise<BookOutcome> => {
    const c = await store.claim(
      id.key,
      { ...id, contentHash: null },
      deps.runId,
      rules.claimLeaseSeconds * 1000,
    );
    if (!c.ok)
      return c.reason === 'claimed-elsewhere'
        ? { status: 'busy', key: id.key }
        : { status: 'skipped', key: id.key, reason: c.entry.skipReason ?? '', code: 'AlreadySkipped' };
    try {
      await store.update(
        id.key,
        {
          status: 'skipped',
          skipReason: why.message,
          lastError: errorRecord(why),
          nextRetryAt: null,
          claimedBy: null,
          claimExpiresAt: null,
        },
        { holder: deps.runId },
      );
    } catch (e) {
      if (isClaimLost(e)) return { status: 'busy', key: id.key };
      throw e;
    }
    return { status: 'skipped', key: id.key, reason: why.message, code: why.code };
  };
  if (!outcome.ok && outcome.disposition === 'skip') {
    // nothing to book now; but a write that started before may be in the books: finish that first
    if (!existing?.writeStartedAt) return skip(outcome.error);
    mode = { ...mode, recoverOnly: mode.recoverOnly ?? outcome.error.message };
  }

  const plan: BookingPlan | null = outcome.ok ? outcome.plan : null;
  let error: ShopbooksError | null = outcome.ok ? null : outcome.error;
  if (plan) {
    const v = await target
      .validate(plan)
      .catch((e: unknown) => ({ ok: false as const, error: asShopbooksError(e) }));
    if (!v.ok) error = v.error;
  }
  // A zero-total document the books cannot hold (bookZeroTotalOrders on, a target that refuses an
  // empty document): nothing is owed either way, so it is skipped with the reason, never a failure.
  if (
    error &&
    plan &&
    error.code === 'ZeroTotalOrder' &&
    isZero(plan.totals.gross) &&
    !existing?.writeStartedAt
  ) {
    return skip(
      new ShopbooksError(
        'ZeroTotalOrder',
        `Order ${id.orderNumber} has a total of ${plan.currency} 0.00 and the accounting system does not book an empty document: recorded as skipped (nothing is owed). ${error.message}`,
      ),
    );
  }
  // One reference, one document: a second order with an order number already used would get the
  // same reference, and after a lost response it would "find" the first order's document.
  const referenceKey = `${id.shopId}:${id.reference}`;
  const holder = await store.getMapping(REFERENCE_MAPPING, referenceKey);
  if (!error && holder && holder !== id.key) {
    error = new ShopbooksError(
      'DuplicateReference',
      `Order ${id.orderNumber} (id ${id.orderId}) has an order number that another order already uses, so its document reference "${id.reference}" would not be unique. Give the order its own number in the shop (a numbering plugin can cause this), then retry.`,
      { details: { reference: id.reference, heldBy: holder } },
    );
  }
  // A permanent failure recorded under this configuration, for an order that has not changed: it
  // is not attempted again (re-seen in the cursor's overlap or by a retry), only reported.
  if (
    existing?.status === 'failed' &&
    existing.failedConfig &&
    existing.failedConfig === deps.fingerprint &&
    !deps.explicitRetry &&
    !existing.writeStartedAt &&
    error &&
    !error.retryable
  ) {
    const unchanged = plan
      ? existing.contentHash === plan.contentHash
      : existing.lastError?.message === error.message;
    if (unchanged)
      return { status: 'failed', key: id.key, error, attempts: existing.attempts, persistent: true };
  }
  const leaseMs = rules.claimLeaseSeconds * 1000;
  const claimedAt = deps.now();
  const claim = await store.claim(
    id.key,
    { ...id, contentHash: plan?.contentHash ?? null },
    deps.runId,
    leaseMs,
  );
  if (!claim.ok) {
    if (claim.reason === 'claimed-elsewhere') return { status: 'busy', key: id.key };
    return { status: 'already-booked', key: id.key, entry: claim.entry, changed: false };
  }
  const entry = claim.entry;
  const held = holdClaim(store, id.key, deps.runId, leaseMs, { now: deps.now, log: deps.ctx.log, claimedAt });
  try {
    return await bookClaimed();
  } catch (e) {
    // Lost the claim: another run holds the entry now and finishes it; this run records nothing.
    if (isClaimLost(e)) {
      deps.ctx.log('claim.lost', { key: id.key, runId: deps.runId, message: (e as Error).message });
      return { status: 'busy', key: id.key };
    }
    throw e;
  } finally {
    held.stop();
  }

  async function bookClaimed(): Promise<BookOutcome> {
    const fenced = { holder: deps.runId };
    /** The target's calls for this booking run inside the write fence (no write once the claim is lost). */
    const fencedCall = <T>(fn: () => Promise<T>): Promise<T> =>
      runFenced(held, () => {
        held.assertHeld();
        return fn();
      });
    const booked = async (p: BookingPlan, document: DocumentRef): Promise<BookOutcome> => {
      await store.update(
        id.key,
        {
          status: 'booked',
          documentId: document.id,
          documentType: document.type,
          documentNumber: document.number,
          documentUrl: document.url,
          customerId: document.customerId,
          gross: p.totals.gross,
          vat: p.totals.vat,
          contentHash: p.contentHash,
          bookedPlan: p,
          attempts: entry.attempts + 1,
          lastError: null,
          failedConfig: null,
          nextRetryAt: null,
          claimedBy: null,
          claimExpiresAt: null,
        },
        fenced,
      );
      return { status: 'booked', key: id.key, plan: p, document, recovered: document.recovered };
    };
    // A write started before: whatever the order says now, the document that write may have made
    // is looked up first (with the plan that was being written) and, when found, finished and
    // recorded as booked. Only then does the order's present state count.
    const started = entry.writeStartedAt !== null ? (entry.bookedPlan ?? plan) : null;
    let lookupError: ShopbooksError | null = null;
    if (started && (entry.bookedPlan || mode.recoverOnly)) {
      try {
        const found = await fencedCall(() => target.findDocument(started, deps.ctx));
        if (found)
          return await booked(
            started,
            await fencedCall(() => target.bookDocument(started, { mayExist: true, original }, deps.ctx)),
          );
      } catch (e) {
        if (isClaimLost(e)) throw e;
        lookupError = asShopbooksError(e);
      }
    }
    if (mode.recoverOnly) {
      if (lookupError) error = lookupError;
      else {
        await store.update(
          id.key,
          {
            status: 'skipped',
            skipReason: mode.recoverOnly,
            nextRetryAt: null,
            claimedBy: null,
            claimExpiresAt: null,
          },
          fenced,
        );
        return { status: 'skipped', key: id.key, reason: mode.recoverOnly, code: 'NotBooked' };
      }
    } else if (lookupError) error = lookupError;
    if (!error && !holder) await store.setMapping(REFERENCE_MAPPING, referenceKey, id.key);
    if (!error && plan) {
      try {
        const mayExist = entry.writeStartedAt !== null;
        if (!mayExist) await store.update(id.key, { writeStartedAt: nowIso(), bookedPlan: plan }, fenced);
        else if (entry.bookedPlan?.contentHash !== plan.contentHash)
          await store.update(id.key, { bookedPlan: plan }, fenced);
        const document = await fencedCall(() => target.bookDocument(plan, { mayExist, original }, deps.ctx));
        return await booked(plan, document);
      } catch (e) {
        if (isClaimLost(e)) throw e;
        error = asShopbooksError(e);
      }
    }
    const attempts = entry.attempts + 1;
    const persistent = attempts >= rules.persistentAfterAttempts;
    await store.update(
      id.key,
      {
        status: 'failed',
        attempts,
        lastError: errorRecord(error!),
        // bad data or configuration: retried when the configuration changes or on request, not on a timer
        failedConfig: error!.retryable ? null : (deps.fingerprint ?? null),
        contentHash: plan?.contentHash ?? entry.contentHash,
        nextRetryAt: new Date(deps.now() + nextRetryDelayMs(attempts, rules)).toISOString(),
        claimedBy: null,
        claimExpiresAt: null,
      },
      fenced,
    );
    return { status: 'failed', key: id.key, error: error!, attempts, persistent };
  }
}

function isClaimLost(e: unknown): boolean {
  return e instanceof ShopbooksError && e.code === 'ClaimLost';
}

function errorRecord(e: ShopbooksError): LedgerEntry['lastError'] {
  return { code: e.code, message: e.message, ...(e.remoteMessage ? { remoteMessage: e.remoteMessage } : {}) };
}

export { ShopbooksError };
