/**
 * Pacing under Exact's rate limits (spec §2): per app and division, 60 calls per fixed clock
 * minute and 5 000 per UTC day, reported on every response in `X-RateLimit-Minutely-*` and
 * `X-RateLimit-*` headers (resets are epoch milliseconds).
 *
 * Rules:
 * - Before every call the pacer estimates the calls left in the window: the last reported
 *   `Remaining` minus the calls this process has in flight. It never lets that estimate go below
 *   a reserve: the reserve absorbs calls other processes (another sync run, the plugin) make
 *   with the same app and division between our observations — each of them has at most a call or
 *   two in flight when they pace the same way, so a reserve of a few calls keeps the shared quota
 *   from running dry. When the estimate reaches the reserve, the pacer sleeps until the reported
 *   reset (plus a small margin for clock skew) instead of provoking a 429.
 * - Pacers are shared per (base URL, client id, division) inside one process, so two targets in
 *   the same process count together exactly.
 * - When the daily quota is (nearly) exhausted the call is refused with a retryable `RateLimited`
 *   error carrying `retryAt` — sleeping for hours is the engine's decision, not the transport's.
 * - A 429 is answered by sleeping until the reported reset; it does not spend a retry.
 */
import { ShopbooksError } from '../../model/errors';

export interface RateWindow {
  limit: number | null;
  remaining: number;
  /** Epoch ms of the window's reset, as Exact reports it. */
  reset: number;
}

export interface PacerClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

type HeaderGetter = (name: string) => string | null;

function intHeader(get: HeaderGetter, name: string): number | null {
  const v = get(name);
  if (v === null || v.trim() === '' || !/^-?\d+$/.test(v.trim())) return null;
  return Number(v.trim());
}

/** Margin added to the reported reset: our clock and Exact's may differ slightly. */
const RESET_MARGIN_MS = 250;
/** A minutely reset further away than this is clock skew; never sleep longer for one window. */
const MAX_MINUTE_WAIT_MS = 61_000;

export class RateLimitPacer {
  minutely: RateWindow | null = null;
  daily: RateWindow | null = null;
  private inFlight = 0;
  /** Total time slept because of rate limits (pacing and 429s). */
  waitedMs = 0;
  /** 429 responses seen. */
  tooManyRequests = 0;
  /** Serialises the decision so concurrent callers do not all pass the same last slot. */
  private gate: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: PacerClock,
    private readonly opts: { reserve?: number; dailyReserve?: number } = {},
  ) {}

  private reserveFor(w: RateWindow): number {
    if (this.opts.reserve !== undefined) return this.opts.reserve;
    // A few calls for other processes sharing the quota; more when the limit is generous.
    return Math.max(2, Math.ceil((w.limit ?? 60) * 0.05));
  }

  /** Wait until a call may be sent, then count it as in flight. Call `release` with the response headers. */
  async acquire(): Promise<void> {
    const run = this.gate.then(() => this.waitForSlot());
    this.gate = run.catch(() => undefined);
    await run;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const d = this.daily;
      if (d && now < d.reset) {
        const dailyReserve = this.opts.dailyReserve ?? Math.max(5, Math.ceil((d.limit ?? 5000) * 0.002));
        if (d.remaining - this.inFlight <= dailyReserve) {
          throw new ShopbooksError('RateLimited', `Exact's daily API limit for this app and administration is used up; syncing continues after ${new Date(d.reset).toISOString()}.`, {
            retryable: true,
            details: { retryAt: new Date(d.reset).toISOString(), window: 'daily', remaining: d.remaining },
          });
        }
      }
      const m = this.minutely;
      if (m && now >= m.reset) {
        // The window we knew about is over; the next response tells us the new state.
        this.minutely = null;
      } else if (m && m.remaining - this.inFlight <= this.reserveFor(m)) {
        if (this.inFlight > 0) {
          // Our own calls still in flight will report fresher numbers; wait briefly for them.
          await this.sleep(50);
        } else {
          await this.sleep(Math.min(m.reset - now + RESET_MARGIN_MS, MAX_MINUTE_WAIT_MS));
          // After the window we know nothing about other processes' use: start fresh.
          if (this.minutely === m) this.minutely = null;
        }
        continue;
      }
      this.inFlight++;
      return;
    }
  }

  /** Record the rate-limit headers of a response (or none, for network errors). */
  release(get: HeaderGetter | null): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (get) this.observe(get);
  }

  observe(get: HeaderGetter): void {
    const mRem = intHeader(get, 'x-ratelimit-minutely-remaining');
    const mReset = intHeader(get, 'x-ratelimit-minutely-reset');
    if (mRem !== null && mReset !== null) {
      const limit = intHeader(get, 'x-ratelimit-minutely-limit');
      const cur = this.minutely;
      // Responses can arrive out of order: within one window the smallest remaining is the truth.
      if (!cur || mReset > cur.reset || (mReset === cur.reset && mRem < cur.remaining)) this.minutely = { limit, remaining: mRem, reset: mReset };
    }
    const dRem = intHeader(get, 'x-ratelimit-remaining');
    const dReset = intHeader(get, 'x-ratelimit-reset');
    if (dRem !== null && dReset !== null) {
      const limit = intHeader(get, 'x-ratelimit-limit');
      const cur = this.daily;
      if (!cur || dReset > cur.reset || (dReset === cur.reset && dRem < cur.remaining)) this.daily = { limit, remaining: dRem, reset: dReset };
    }
  }

  /**
   * A 429 arrived (the request was not processed). Sleep until the exceeded window resets, or
   * throw for the daily window. The caller sends the request again without counting a retry.
   */
  async on429(get: HeaderGetter): Promise<void> {
    this.tooManyRequests++;
    this.observe(get);
    const now = this.clock.now();
    const mReset = intHeader(get, 'x-ratelimit-minutely-reset');
    const dReset = intHeader(get, 'x-ratelimit-reset');
    const dRem = intHeader(get, 'x-ratelimit-remaining');
    if (mReset === null && dReset !== null && (dRem === null || dRem <= 0)) {
      throw new ShopbooksError('RateLimited', `Exact's daily API limit for this app and administration is used up; syncing continues after ${new Date(dReset).toISOString()}.`, {
        retryable: true,
        details: { retryAt: new Date(dReset).toISOString(), window: 'daily' },
      });
    }
    let wait: number;
    if (mReset !== null && mReset > now) wait = Math.min(mReset - now + RESET_MARGIN_MS, MAX_MINUTE_WAIT_MS);
    else {
      const retryAfter = intHeader(get, 'retry-after');
      // No usable reset: wait for the next minute boundary of our clock.
      wait = retryAfter !== null ? retryAfter * 1000 : 60_000 - (now % 60_000) + RESET_MARGIN_MS;
    }
    this.minutely = null;
    await this.sleep(wait);
  }

  private async sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.waitedMs += ms;
    await this.clock.sleep(ms);
  }
}

const shared = new Map<string, RateLimitPacer>();

/** The process-wide pacer of one app + division (+ clock, so tests with their own clocks stay apart). */
export function sharedPacer(key: string, clock: PacerClock, opts?: { reserve?: number }): RateLimitPacer {
  const found = shared.get(key);
  if (found) return found;
  const p = new RateLimitPacer(clock, opts);
  shared.set(key, p);
  return p;
}
