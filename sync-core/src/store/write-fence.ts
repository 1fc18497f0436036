/**
 * The write fence: a booking's target writes happen only while its run still holds the ledger
 * claim with time to spare.
 *
 * The engine runs `target.bookDocument` inside `runFenced(claim, …)`; each target transport calls
 * `assertWriteAllowed()` right before it sends a write (after its pacing, 429 and token waits),
 * so a run that lost its claim, or could not renew it in time, sends nothing more: another run
 * may have taken the entry over and be looking the document up by reference. Outside a fenced
 * booking (reads, master data, dry runs, tests of a transport alone) it does nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WriteFence {
  /** Throws `ShopbooksError('ClaimLost')` when this run may no longer write for the booking. */
  assertHeld(): void;
}

const current = new AsyncLocalStorage<WriteFence>();

export function runFenced<T>(fence: WriteFence, fn: () => Promise<T>): Promise<T> {
  return current.run(fence, fn);
}

/** Call right before sending a write to the books. */
export function assertWriteAllowed(): void {
  current.getStore()?.assertHeld();
}
