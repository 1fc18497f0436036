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
  | { status: 'busy'; key: string }
  | { status: 'planned'; key: string; plan: BookingPlan };

export interface BookDeps {
  store: Store;
  target: Target;
  rules: SyncRules;
  runId: string;
  dryRun: boolean;
  now: () => number;
  ctx: TargetContext;
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

export async function bookDocument(id: EntryIdentity, planned: () => PlanOutcome, original: DocumentRef | null, deps: BookDeps): Promise<BookOutcome> {
  const { store, target, rules } = deps;
  const existing = await store.getEntry(id.key);
  if (existing && (existing.status === 'booked' || existing.status === 'skipped')) {
    if (existing.status === 'skipped') return { status: 'skipped', key: id.key, reason: existing.skipReason ?? '', code: 'AlreadySkipped' };
    const outcome = planned();
    const changed = outcome.ok && existing.contentHash !== null && outcome.plan.contentHash !== existing.contentHash;
    return { status: 'already-booked', key: id.key, entry: existing, changed };
  }
  const outcome = planned();
  const nowIso = () => new Date(deps.now()).toISOString();

  if (!outcome.ok && outcome.disposition === 'skip') {
    if (deps.dryRun) return { status: 'skipped', key: id.key, reason: outcome.error.message, code: outcome.error.code };
    const c = await store.claim(id.key, { ...id, contentHash: null }, deps.runId, rules.claimLeaseSeconds * 1000);
    if (!c.ok) return c.reason === 'claimed-elsewhere' ? { status: 'busy', key: id.key } : { status: 'skipped', key: id.key, reason: c.entry.skipReason ?? '', code: 'AlreadySkipped' };
    try {
      await store.update(id.key, { status: 'skipped', skipReason: outcome.error.message, lastError: errorRecord(outcome.error), claimedBy: null, claimExpiresAt: null }, { holder: deps.runId });
    } catch (e) {
      if (isClaimLost(e)) return { status: 'busy', key: id.key };
      throw e;
    }
    return { status: 'skipped', key: id.key, reason: outcome.error.message, code: outcome.error.code };
  }

  const plan: BookingPlan | null = outcome.ok ? outcome.plan : null;
  let error: ShopbooksError | null = outcome.ok ? null : outcome.error;
  if (plan) {
    const v = await target.validate(plan).catch((e: unknown) => ({ ok: false as const, error: asShopbooksError(e) }));
    if (!v.ok) error = v.error;
  }
  // One reference, one document: a second order with an order number already used would get the
  // same reference, and after a lost response it would "find" the first order's document.
  const referenceKey = `${id.shopId}:${id.reference}`;
  const holder = await store.getMapping(REFERENCE_MAPPING, referenceKey);
  if (!error && holder && holder !== id.key) {
    error = new ShopbooksError('DuplicateReference', `Order ${id.orderNumber} (id ${id.orderId}) has an order number that another order already uses, so its document reference "${id.reference}" would not be unique. Give the order its own number in the shop (a numbering plugin can cause this), then retry.`, { details: { reference: id.reference, heldBy: holder } });
  }
  if (deps.dryRun) {
    return plan && !error ? { status: 'planned', key: id.key, plan } : { status: 'failed', key: id.key, error: error!, attempts: existing?.attempts ?? 0, persistent: false };
  }

  const leaseMs = rules.claimLeaseSeconds * 1000;
  const claimedAt = deps.now();
  const claim = await store.claim(id.key, { ...id, contentHash: plan?.contentHash ?? null }, deps.runId, leaseMs);
  if (!claim.ok) {
    if (claim.reason === 'claimed-elsewhere') return { status: 'busy', key: id.key };
    return { status: 'already-booked', key: id.key, entry: claim.entry, changed: false };
  }
  const entry = claim.entry;
  const held = holdClaim(store, id.key, deps.runId, leaseMs, { now: deps.now, log: deps.ctx.log, claimedAt });
  const fenced = { holder: deps.runId };
  try {
    if (!error && !holder) await store.setMapping(REFERENCE_MAPPING, referenceKey, id.key);
    if (!error && plan) {
      try {
        const mayExist = entry.writeStartedAt !== null;
        if (!mayExist) await store.update(id.key, { writeStartedAt: nowIso() }, fenced);
        const document = await runFenced(held, () => {
          held.assertHeld();
          return target.bookDocument(plan, { mayExist, original }, deps.ctx);
        });
        await store.update(
          id.key,
          {
            status: 'booked',
            documentId: document.id,
            documentType: document.type,
            documentNumber: document.number,
            documentUrl: document.url,
            customerId: document.customerId,
            gross: plan.totals.gross,
            vat: plan.totals.vat,
            contentHash: plan.contentHash,
            attempts: entry.attempts + 1,
            lastError: null,
            nextRetryAt: null,
            claimedBy: null,
            claimExpiresAt: null,
          },
          fenced,
        );
        return { status: 'booked', key: id.key, plan, document, recovered: document.recovered };
      } catch (e) {
        error = asShopbooksError(e);
      }
    }
    // Lost the claim: another run holds the entry now and finishes it; this run records nothing.
    if (error && isClaimLost(error)) {
      deps.ctx.log('claim.lost', { key: id.key, runId: deps.runId, message: error.message });
      return { status: 'busy', key: id.key };
    }
    const attempts = entry.attempts + 1;
    const persistent = attempts >= rules.persistentAfterAttempts;
    try {
      await store.update(
        id.key,
        {
          status: 'failed',
          attempts,
          lastError: errorRecord(error!),
          nextRetryAt: new Date(deps.now() + nextRetryDelayMs(attempts, rules)).toISOString(),
          claimedBy: null,
          claimExpiresAt: null,
        },
        fenced,
      );
    } catch (e) {
      if (isClaimLost(e)) return { status: 'busy', key: id.key };
      throw e;
    }
    return { status: 'failed', key: id.key, error: error!, attempts, persistent };
  } finally {
    held.stop();
  }
}

function isClaimLost(e: unknown): boolean {
  return e instanceof ShopbooksError && e.code === 'ClaimLost';
}

function errorRecord(e: ShopbooksError): LedgerEntry['lastError'] {
  return { code: e.code, message: e.message, ...(e.remoteMessage ? { remoteMessage: e.remoteMessage } : {}) };
}

export { ShopbooksError };
