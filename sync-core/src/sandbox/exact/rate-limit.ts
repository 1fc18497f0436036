/**
 * Exact's rate limits per (client_id, division): a fixed clock-minute window (default 60) and a
 * UTC-day window (default 5 000), shared by every token of the app. Every response carries
 * `X-RateLimit-*` headers with epoch-millisecond resets; a 429 carries only the headers of the
 * window that was exceeded, and an empty body (spec section 2).
 */
export interface RateLimitOptions {
  minutely: number;
  daily: number;
  /** Length of the "minute" window in ms (default 60 000). Benchmarks scale it down, e.g. 60 calls per 1 000 ms. */
  windowMs?: number;
}

interface Counter {
  minute: number;
  minuteCount: number;
  day: number;
  dayCount: number;
}

export type RateDecision = { ok: true; headers: Record<string, string> } | { ok: false; headers: Record<string, string> };

export class RateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly opts: RateLimitOptions) {}

  private counter(key: string, now: number): Counter {
    const minute = Math.floor(now / (this.opts.windowMs ?? 60000));
    const day = Math.floor(now / 86400000);
    const c = this.counters.get(key) ?? { minute, minuteCount: 0, day, dayCount: 0 };
    if (c.minute !== minute) {
      c.minute = minute;
      c.minuteCount = 0;
    }
    if (c.day !== day) {
      c.day = day;
      c.dayCount = 0;
    }
    this.counters.set(key, c);
    return c;
  }

  private dailyHeaders(c: Counter): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.opts.daily),
      'X-RateLimit-Remaining': String(Math.max(0, this.opts.daily - c.dayCount)),
      'X-RateLimit-Reset': String((c.day + 1) * 86400000),
    };
  }

  private minutelyHeaders(c: Counter): Record<string, string> {
    return {
      'X-RateLimit-Minutely-Limit': String(this.opts.minutely),
      'X-RateLimit-Minutely-Remaining': String(Math.max(0, this.opts.minutely - c.minuteCount)),
      'X-RateLimit-Minutely-Reset': String((c.minute + 1) * (this.opts.windowMs ?? 60000)),
    };
  }

  /** Count one call, or refuse it. */
  take(clientId: string, division: number, now: number): RateDecision {
    const c = this.counter(`${clientId}|${division}`, now);
    if (c.dayCount >= this.opts.daily) return { ok: false, headers: this.dailyHeaders(c) };
    if (c.minuteCount >= this.opts.minutely) return { ok: false, headers: this.minutelyHeaders(c) };
    c.dayCount++;
    c.minuteCount++;
    return { ok: true, headers: { ...this.dailyHeaders(c), ...this.minutelyHeaders(c) } };
  }

  /** Headers of a 429 for the minutely window (used by fault injection). */
  minutely429(clientId: string, division: number, now: number): Record<string, string> {
    const c = this.counter(`${clientId}|${division}`, now);
    return { ...this.minutelyHeaders(c), 'X-RateLimit-Minutely-Remaining': '0' };
  }
}

/** Optional "max 10 error responses per endpoint per hour, then blocked for an hour" mode. */
export class ErrorBlocker {
  private readonly entries = new Map<string, { hourStart: number; count: number; blockedUntil: number }>();
  constructor(private readonly maxErrors = 10) {}

  blockedUntil(key: string, now: number): number | null {
    const e = this.entries.get(key);
    return e && e.blockedUntil > now ? e.blockedUntil : null;
  }

  record(key: string, now: number): void {
    const e = this.entries.get(key) ?? { hourStart: now, count: 0, blockedUntil: 0 };
    if (now - e.hourStart >= 3600000) {
      e.hourStart = now;
      e.count = 0;
    }
    e.count++;
    if (e.count >= this.maxErrors) {
      e.blockedUntil = now + 3600000;
      e.count = 0;
      e.hourStart = now;
    }
    this.entries.set(key, e);
  }
}
