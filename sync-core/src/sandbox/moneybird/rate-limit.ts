/**
 * Moneybird's limit: 150 requests per 5 minutes (research notes §2), modelled as a sliding window per
 * bucket (the token). A throttled request is not counted. On 429 the body is the JSON string
 * "Retry later" with RateLimit-Limit/-Remaining/-Reset (epoch seconds) and Retry-After — an epoch
 * timestamp as Moneybird's own CLI reads it, or seconds when configured to test client robustness.
 */
export interface RateLimitOptions {
  limit?: number;
  windowSec?: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class SlidingWindowLimiter {
  private readonly buckets = new Map<string, number[]>();
  readonly limit: number;
  readonly windowMs: number;

  constructor(
    opts: RateLimitOptions,
    private readonly retryAfterFormat: 'epoch' | 'seconds',
  ) {
    this.limit = opts.limit ?? 150;
    this.windowMs = (opts.windowSec ?? 300) * 1000;
  }

  private window(key: string, now: number): number[] {
    const list = (this.buckets.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.buckets.set(key, list);
    return list;
  }

  headers(key: string, now: number, forceRetryAfter = false): Record<string, string> {
    const list = this.window(key, now);
    const remaining = Math.max(0, this.limit - list.length);
    const resetMs = list.length ? list[0] + this.windowMs : now;
    const reset = Math.ceil(resetMs / 1000);
    const h: Record<string, string> = {
      'RateLimit-Limit': String(this.limit),
      'RateLimit-Remaining': String(remaining),
      'RateLimit-Reset': String(reset),
    };
    if (remaining === 0 || forceRetryAfter) {
      const nowSec = Math.floor(now / 1000);
      h['Retry-After'] = this.retryAfterFormat === 'epoch' ? String(Math.max(reset, nowSec + 1)) : String(Math.max(1, reset - nowSec));
    }
    return h;
  }

  take(key: string, now: number): RateDecision {
    const list = this.window(key, now);
    if (list.length >= this.limit) return { allowed: false, headers: this.headers(key, now, true) };
    list.push(now);
    return { allowed: true, headers: this.headers(key, now) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
