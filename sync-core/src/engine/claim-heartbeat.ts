/**
 * The heartbeat of a ledger claim: while a booking holds its claim (pacing, 429 waits and token
 * waits can take longer than the lease), the claim is renewed every third of the lease. The
 * claim is treated as held only until the last successful renewal (timed from when it was asked
 * for) plus the lease, minus a safety margin of a quarter lease: after that, or once the store says
 * another run holds it, this run sends no more writes for the booking (see store/write-fence.ts)
 * and records nothing (its ledger updates are fenced with its run id).
 *
 * Why a margin: another run can take the claim over only after the lease ends by the store's
 * clock, which is never earlier than this run's own deadline. A write this run starts before
 * `deadline - margin` ends (answered or timed out: request timeouts are far below a quarter lease)
 * before the other run can even claim the entry and look the document up by reference.
 */
import { ShopbooksError } from '../model/errors';
import type { Store } from '../store/port';
import type { WriteFence } from '../store/write-fence';

export interface HeldClaim extends WriteFence {
  /** True once the store said another run holds the claim, or the deadline passed unrenewed. */
  readonly lost: boolean;
  stop(): void;
}

export function holdClaim(
  store: Store,
  key: string,
  runId: string,
  leaseMs: number,
  opts: { now?: () => number; log?: (event: string, data?: Record<string, unknown>) => void; claimedAt?: number } = {},
): HeldClaim {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const intervalMs = Math.max(1, Math.floor(leaseMs / 3));
  const marginMs = Math.floor(leaseMs / 4);
  let heldUntil = (opts.claimedAt ?? now()) + leaseMs;
  let lostByStore = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void beat(), ms);
    timer.unref?.();
  };
  const beat = async () => {
    if (stopped) return;
    const askedAt = now();
    try {
      const renewed = await store.renewClaim(key, runId, leaseMs);
      if (stopped) return;
      if (!renewed) {
        lostByStore = true;
        log('claim.lost', { key, runId });
        return; // nothing more to renew
      }
      heldUntil = askedAt + leaseMs;
      schedule(intervalMs);
    } catch (e) {
      // The store could not be reached: try again soon; the deadline stands meanwhile.
      log('claim.renew-failed', { key, runId, error: e instanceof Error ? e.message : String(e) });
      schedule(Math.max(1, Math.floor(intervalMs / 4)));
    }
  };
  schedule(intervalMs);

  const claim: HeldClaim = {
    get lost() {
      return lostByStore || now() >= heldUntil - marginMs;
    },
    assertHeld() {
      if (!claim.lost) return;
      throw new ShopbooksError(
        'ClaimLost',
        lostByStore
          ? 'Another sync run took over this booking while this run was waiting; this run sends nothing more for it.'
          : 'This sync run could not renew its hold on this booking in time (the sync state could not be reached); it sends nothing more for it, so another run can finish it safely.',
        { retryable: true, details: { key, runId, heldUntil: new Date(heldUntil).toISOString() } },
      );
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
  return claim;
}
