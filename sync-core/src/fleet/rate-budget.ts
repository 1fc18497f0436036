/**
 * One rate budget per Exact division / Moneybird administration, shared by every connection and
 * every worker process writing into it: a sliding log of request start times in PostgreSQL.
 *
 * A request may start only while fewer than `limit` requests started in the last `windowMs` +
 * `padMs` (the pad covers network delay between our start and the server's receipt). A sliding
 * bound also keeps every fixed window (Exact's clock minute) within the limit. The log is fed by
 * the rate-limit headers: when Exact reports fewer calls left than our log accounts for (another
 * app or process used the division), the difference is entered as calls made now.
 *
 * The seam into the targets is their `fetch` option (`budgetedFetch`): the transports and their
 * own pacers stay as they are; this only holds a request back until the shared budget allows it.
 */
import type { Pool } from 'pg';

export interface BudgetLimits {
  limit: number;
  windowMs: number;
  padMs?: number;
}

// The default limits are the targets' own: `sharedRateLimit` in targets/<name>/registration.ts.

export class RateBudget {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** Take one request slot now, or return the milliseconds to wait before asking again. */
  async tryTake(key: string, l: BudgetLimits, nowMs = Date.now()): Promise<number> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      await c.query(`INSERT INTO ${this.schema}.rate_budgets (key, limit_per_window, window_ms) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`, [key, l.limit, l.windowMs]);
      await c.query(`SELECT 1 FROM ${this.schema}.rate_budgets WHERE key = $1 FOR UPDATE`, [key]);
      const horizon = nowMs - l.windowMs - (l.padMs ?? 0);
      await c.query(`DELETE FROM ${this.schema}.rate_log WHERE key = $1 AND at_ms <= $2`, [key, horizon]);
      const r = await c.query(`SELECT at_ms FROM ${this.schema}.rate_log WHERE key = $1 ORDER BY at_ms`, [key]);
      const starts = r.rows.map((x) => Number(x.at_ms));
      let wait = 0;
      if (starts.length >= l.limit) {
        wait = starts[starts.length - l.limit] - horizon + 1;
      } else {
        await c.query(`INSERT INTO ${this.schema}.rate_log (key, at_ms) VALUES ($1, $2)`, [key, nowMs]);
        await c.query(`UPDATE ${this.schema}.rate_budgets SET used_total = used_total + 1 WHERE key = $1`, [key]);
      }
      await c.query('COMMIT');
      return wait;
    } catch (e) {
      broken = e as Error;
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release(broken);
    }
  }

  async take(key: string, l: BudgetLimits): Promise<number> {
    let waited = 0;
    for (;;) {
      const wait = await this.tryTake(key, l);
      if (wait <= 0) break;
      const ms = Math.min(wait, 5000);
      waited += ms;
      await new Promise((r) => setTimeout(r, ms));
    }
    if (waited) await this.pool.query(`UPDATE ${this.schema}.rate_budgets SET waited_ms = waited_ms + $2 WHERE key = $1`, [key, waited]).catch(() => undefined);
    return waited;
  }

  /** The server says `remaining` of `limit` are left in its current window: enter calls we did not see. */
  async observe(key: string, l: BudgetLimits, remaining: number, serverLimit: number | null, nowMs = Date.now()): Promise<void> {
    const limit = Math.min(serverLimit ?? l.limit, l.limit);
    const usedByServer = Math.max(0, (serverLimit ?? l.limit) - remaining);
    const r = await this.pool.query(`SELECT count(*)::int AS n FROM ${this.schema}.rate_log WHERE key = $1 AND at_ms > $2`, [key, nowMs - l.windowMs]);
    const missing = Math.min(limit, usedByServer) - Number(r.rows[0].n);
    if (missing > 0) await this.pool.query(`INSERT INTO ${this.schema}.rate_log (key, at_ms) SELECT $1, $2 FROM generate_series(1, $3)`, [key, nowMs, missing]);
  }

  async record429(key: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.schema}.rate_budgets SET observed_429 = observed_429 + 1 WHERE key = $1`, [key]);
  }

  async usage(): Promise<Array<{ key: string; limit: number; windowMs: number; inWindow: number; usedTotal: number; waitedMs: number; observed429: number }>> {
    const r = await this.pool.query(
      `SELECT b.key, b.limit_per_window, b.window_ms, b.used_total, b.waited_ms, b.observed_429,
         (SELECT count(*) FROM ${this.schema}.rate_log l WHERE l.key = b.key AND l.at_ms > $1::bigint - b.window_ms)::int AS in_window
       FROM ${this.schema}.rate_budgets b ORDER BY b.key`,
      [Date.now()],
    );
    return r.rows.map((x) => ({ key: x.key, limit: Number(x.limit_per_window), windowMs: Number(x.window_ms), inWindow: Number(x.in_window), usedTotal: Number(x.used_total), waitedMs: Number(x.waited_ms), observed429: Number(x.observed_429) }));
  }
}

type Fetch = typeof fetch;

/** A `fetch` that takes a slot of the shared budget before every request and learns from the answer. */
export function budgetedFetch(budget: RateBudget, key: string, limits: BudgetLimits, inner: Fetch = fetch): Fetch {
  return (async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => {
    await budget.take(key, limits);
    const res = await inner(input, init);
    const h = res.headers;
    if (res.status === 429) await budget.record429(key).catch(() => undefined);
    const rem = h.get('x-ratelimit-minutely-remaining') ?? h.get('ratelimit-remaining');
    if (rem !== null && /^\d+$/.test(rem.trim())) {
      const lim = h.get('x-ratelimit-minutely-limit') ?? h.get('ratelimit-limit');
      await budget.observe(key, limits, Number(rem), lim && /^\d+$/.test(lim.trim()) ? Number(lim) : null).catch(() => undefined);
    }
    return res;
  }) as Fetch;
}
