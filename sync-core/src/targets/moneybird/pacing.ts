/**
 * Client-side pacing for Moneybird's rate limit (150 requests per 5 minutes, sliding).
 *
 * The pacer never lets a request start while `limit` requests could already be inside the
 * server's window. It counts a request from the moment it *completes* (an upper bound of when
 * the server received it) and counts in-flight requests as inside the window, so the bound
 * holds whatever the network delay:
 *   server receives the new request at r >= s (our start), so any earlier request the server
 *   counts in (r - W, r] was received after s - W and therefore completed after s - W.
 * Throttle responses (429) and `RateLimit-*` headers move the pacer further: `blockUntil`.
 */
export interface PacerClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class RateLimitPacer {
  private completed: number[] = [];
  private inFlight = 0;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Total milliseconds spent waiting for the window or a Retry-After. */
  waitedMs = 0;

  constructor(
    private limit: number,
    private readonly windowMs: number,
    private readonly clock: PacerClock,
    /** Extra milliseconds added to every computed wait (clock granularity, server skew). */
    private readonly padMs = 250,
  ) {}

  get currentLimit(): number {
    return this.limit;
  }

  /** Completion times inside the window (for checkpointing across processes). */
  history(): number[] {
    const horizon = this.clock.now() - this.windowMs;
    return this.completed.filter((t) => t > horizon);
  }

  /**
   * Start from what an earlier process used: its checkpointed completion times, plus `unseen`
   * requests it may have made after the checkpoint — counted as made just now, the safe side,
   * since they happened somewhere between the checkpoint and the restart.
   * Moneybird only sends rate-limit headers on a 429, so a restarted process cannot learn this
   * from the server.
   */
  seed(timestamps: number[], unseen: number): void {
    const horizon = this.clock.now() - this.windowMs;
    const kept = timestamps.filter((t) => Number.isFinite(t) && t > horizon);
    const now = this.clock.now();
    const phantom = kept.length ? Array.from({ length: unseen }, () => now) : [];
    this.completed = [...kept, ...phantom, ...this.completed].sort((a, b) => a - b);
  }

  /** Wait for a slot; resolves with the milliseconds waited. Callers must call `release()` after the response. */
  acquire(): Promise<number> {
    const turn = this.queue.then(() => this.waitForSlot());
    // Serialise slot decisions so concurrent callers cannot overshoot the window together.
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async waitForSlot(): Promise<number> {
    let waited = 0;
    for (;;) {
      const now = this.clock.now();
      let until = this.blockedUntil > now ? this.blockedUntil : 0;
      const horizon = now - this.windowMs;
      this.completed = this.completed.filter((t) => t > horizon);
      const budget = Math.max(1, this.limit - 1); // one request of headroom
      if (this.completed.length + this.inFlight >= budget) {
        const surplus = this.completed.length + this.inFlight - budget; // how many must age out
        if (this.completed.length > surplus) {
          until = Math.max(until, this.completed[surplus] + this.windowMs + this.padMs);
        } else {
          // Everything is in flight: wait briefly for a completion.
          until = Math.max(until, now + 50);
        }
      }
      if (!until || until <= now) break;
      const ms = until - now;
      waited += ms;
      this.waitedMs += ms;
      await this.clock.sleep(ms);
    }
    this.inFlight++;
    return waited;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.completed.push(this.clock.now());
  }

  /** No request before `epochMs` (from Retry-After or RateLimit-Reset). */
  blockUntil(epochMs: number): void {
    if (epochMs > this.blockedUntil) this.blockedUntil = epochMs;
  }

  /** Learn from `RateLimit-Limit` / `-Remaining` / `-Reset` headers when the server sends them. */
  observe(headers: { get(name: string): string | null }): void {
    const limit = intHeader(headers.get('ratelimit-limit'));
    if (limit !== null && limit > 0 && limit < this.limit) this.limit = limit;
    const remaining = intHeader(headers.get('ratelimit-remaining'));
    const reset = intHeader(headers.get('ratelimit-reset'));
    if (remaining !== null && remaining <= 0 && reset !== null) {
      this.blockUntil(resetToEpochMs(reset, this.clock.now()) + this.padMs);
    }
  }
}

function intHeader(v: string | null): number | null {
  if (v === null || !/^\s*\d+\s*$/.test(v)) return null;
  return Number(v.trim());
}

/**
 * `Retry-After` / `RateLimit-Reset`: Moneybird documents a Unix timestamp (its own CLI computes
 * `value - now`); older clients and RFC 9110 use delta-seconds or an HTTP date. Values above
 * 10^9 are epoch seconds, smaller integers are seconds to wait, anything else is tried as a date.
 * Returns the epoch milliseconds to wait until, or null when the header is unusable.
 */
export function resetToEpochMs(value: number, nowMs: number): number {
  return value > 1e9 ? value * 1000 : nowMs + value * 1000;
}

export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const t = header.trim();
  if (/^\d+$/.test(t)) return resetToEpochMs(Number(t), nowMs);
  const d = Date.parse(t);
  return Number.isNaN(d) ? null : d;
}
