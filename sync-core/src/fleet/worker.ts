/**
 * `shopbooks fleet worker`: jobs on pg-boss. Any number of these processes, on any number of
 * hosts, against one database.
 *
 * - Queue `shopbooks-sync` (policy `short`: at most one queued job per connection, so interval
 *   ticks and webhook bursts collapse). Retries with exponential backoff and the dead-letter queue
 *   `shopbooks-dead` are pg-boss's.
 * - Runs of one connection never overlap: the engine's run lock is a PostgreSQL advisory lock
 *   (PostgresStore.withLock), released by the database when a worker dies; a job that finds it
 *   held re-enqueues itself a little later.
 * - Connections writing into one Exact division / Moneybird administration share one rate
 *   budget (rate-budget.ts, via the targets' fetch) and one token chain with a single-flight
 *   refresh (shared tokens + advisory lock in PostgresStore).
 * - Fairness: a job books at most `maxOrdersPerJob` and re-enqueues itself behind the others.
 * - A broken connection is paused with its reason: after `pauseAfterFailures` consecutive failed
 *   runs (revoked credentials, a shop that keeps failing), when every order it reads is refused
 *   (`pauseAfterRefusals` in a row, nothing booked), or when pg-boss dead-letters its job.
 * - The scheduler (every worker runs one; the queue policy dedupes) enqueues each connection whose
 *   interval has passed.
 */
import PgBoss from 'pg-boss';
import type { ShopbooksConfig } from '../config';
import { asShopbooksError } from '../model/errors';
import { runSync } from '../engine/sync';
import { createSource, createTarget, sharedRateLimitOf } from '../app/wiring';
import type { Target } from '../targets/port';
import { openPostgresStore, type PostgresStore } from '../store/postgres-store';
import { Connections } from './connections';
import { RateBudget, budgetedFetch, type BudgetLimits } from './rate-budget';
import { boundSource } from './bounded-source';
import type { PauseNotifier } from './notify';

export const SYNC_QUEUE = 'shopbooks-sync';
export const DEAD_QUEUE = 'shopbooks-dead';

export interface FleetOptions {
  url: string;
  schema?: string;
  key: Buffer;
  /** Jobs run at once in this process. */
  concurrency?: number;
  maxOrdersPerJob?: number;
  pauseAfterFailures?: number;
  pauseAfterRefusals?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  schedulerIntervalMs?: number;
  pollingIntervalSeconds?: number;
  /** Per target name (`exact`, `moneybird`, …): overrides the limit the target registers. */
  limits?: Partial<Record<string, BudgetLimits>>;
  /** How long a job waits for its connection's run lock before it says busy (default 2 s). */
  runLockWaitSeconds?: number;
  /** Told once per pause the worker makes (e-mail: notify.ts). */
  notifyPaused?: PauseNotifier;
  /** How long `stop()` waits for running jobs. */
  stopTimeoutMs?: number;
  log?: (event: string, data?: Record<string, unknown>) => void;
}

export interface SyncJob {
  connectionId: string;
  reason: 'interval' | 'webhook' | 'continue' | 'busy' | 'retry';
}

export function bossSchema(schema: string): string {
  return `${schema}_boss`;
}

export async function openBoss(
  url: string,
  schema: string,
  o: Pick<FleetOptions, 'retryLimit' | 'retryDelaySeconds' | 'expireInSeconds' | 'log'> = {},
): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: bossSchema(schema),
    max: 4,
    supervise: true,
    schedule: false,
  });
  boss.on('error', (e: Error) => o.log?.('boss.error', { message: e.message }));
  await boss.start();
  for (let i = 0; ; i++) {
    try {
      await boss.createQueue(DEAD_QUEUE, { name: DEAD_QUEUE, policy: 'standard' });
      await boss.createQueue(SYNC_QUEUE, {
        name: SYNC_QUEUE,
        policy: 'short',
        retryLimit: o.retryLimit ?? 4,
        retryDelay: o.retryDelaySeconds ?? 30,
        retryBackoff: true,
        expireInSeconds: o.expireInSeconds ?? 900,
        deadLetter: DEAD_QUEUE,
      });
      break;
    } catch (e) {
      if (i >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
    }
  }
  return boss;
}

export async function enqueueSync(boss: PgBoss, job: SyncJob, startAfterSeconds = 0): Promise<string | null> {
  return boss.send(SYNC_QUEUE, job, {
    singletonKey: job.connectionId,
    ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}),
  });
}

export interface FleetWorker {
  boss: PgBoss;
  store: PostgresStore;
  connections: Connections;
  budget: RateBudget;
  stop(): Promise<void>;
}

/**
 * The connection's target, every request held back by the administration's shared budget: the
 * limit the target registers (targets/<name>/registration.ts), or `o.limits[<target name>]`.
 */
export function createFleetTarget(
  config: ShopbooksConfig,
  store: PostgresStore,
  budget: RateBudget,
  budgetKey: string,
  o: FleetOptions,
): Target {
  const limits = o.limits?.[config.target] ?? sharedRateLimitOf(config);
  const fetchImpl = limits ? budgetedFetch(budget, budgetKey, limits) : undefined;
  return createTarget(config, { fetch: fetchImpl, store });
}

export async function startFleetWorker(o: FleetOptions): Promise<FleetWorker> {
  const schema = o.schema ?? 'shopbooks';
  const log = o.log ?? (() => undefined);
  const concurrency = o.concurrency ?? 4;
  const store = await openPostgresStore({ url: o.url, schema, poolMax: concurrency * 3 + 4 });
  const connections = new Connections(store.pool, schema, o.key);
  const budget = new RateBudget(store.pool, schema);
  const boss = await openBoss(o.url, schema, o);
  const maxOrders = o.maxOrdersPerJob ?? 100;
  const pauseAfterFailures = o.pauseAfterFailures ?? 5;
  const pauseAfterRefusals = o.pauseAfterRefusals ?? 20;
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const pauseConnection = async (id: string, reason: string): Promise<void> => {
    if (!(await connections.pauseIfActive(id, reason))) return;
    log('fleet.paused', { connection: id, reason });
    await o.notifyPaused?.({ connectionId: id, reason }).catch((e: Error) => log('fleet.notify-failed', { connection: id, message: e.message }));
  };

  const runOne = async (job: SyncJob): Promise<Record<string, unknown>> => {
    const conn = await connections.get(job.connectionId);
    if (!conn || conn.paused) return { skipped: conn ? 'paused' : 'removed' };
    const scoped = store.forScope(conn.id, conn.budgetKey);
    let summary;
    let truncated = false;
    try {
      const source = boundSource(createSource(conn.config, scoped), maxOrders, () => stopping);
      const target = createFleetTarget(conn.config, scoped, budget, conn.budgetKey, o);
      summary = await runSync(
        {
          source: source.source,
          target,
          store: scoped,
          plan: conn.config.plan,
          // a job never holds its worker slot waiting for a run elsewhere: it says busy at once and
          // is re-enqueued behind the other shops (the engine's own default waits a minute)
          rules: { ...conn.config.rules, runLockWaitSeconds: Math.min(conn.config.rules.runLockWaitSeconds, o.runLockWaitSeconds ?? 2) },
          log: (e, d) => log(e, { connection: conn.id, ...d }),
        },
        { mode: 'sync' },
      );
      truncated = source.truncated();
    } catch (e) {
      const err = asShopbooksError(e);
      const row = await connections.recordRun(conn.id, { error: err.code, message: err.message }, 0, {
        ok: false,
        error: `${err.code}: ${err.message}`,
        streak: 1,
      });
      if (row && row.failureStreak >= pauseAfterFailures)
        await pauseConnection(conn.id, `Paused after ${row.failureStreak} failed runs: ${err.message}`);
      log('fleet.run-failed', { connection: conn.id, code: err.code, message: err.message });
      throw err;
    }
    const booked = summary.booked.order + summary.booked.refund + summary.booked.cancellation;
    const refusedOnly = booked === 0 && summary.alreadyBooked === 0 && summary.persistentFailures > 0;
    const brief = {
      booked,
      failed: summary.failed,
      persistentFailures: summary.persistentFailures,
      skipped: summary.skipped,
      ordersSeen: summary.ordersSeen,
      runBusy: summary.runBusy,
      truncated,
      firstFailure: summary.failures[0] ?? null,
      finishedAt: summary.finishedAt,
    };
    if (summary.runBusy) {
      log('fleet.run-busy', { connection: conn.id });
      await enqueueSync(boss, { connectionId: conn.id, reason: 'busy' }, 2);
      return brief;
    }
    const row = await connections.recordRun(conn.id, brief, booked, {
      ok: true,
      error: summary.failures[0] ? `${summary.failures[0].code}: ${summary.failures[0].message}` : undefined,
      streak: refusedOnly
        ? summary.persistentFailures
        : booked > 0 || summary.failed === 0
          ? 'reset'
          : 'keep',
    });
    if (refusedOnly && row && row.failureStreak >= pauseAfterRefusals) {
      await pauseConnection(
        conn.id,
        `Paused: every order is refused (${row.failureStreak} in a row, none booked). ${summary.failures[0]?.message ?? ''}`.trim(),
      );
    } else if (truncated && !stopping) {
      await enqueueSync(boss, { connectionId: conn.id, reason: 'continue' });
    }
    return brief;
  };

  const workers: string[] = [];
  try {
    for (let i = 0; i < concurrency; i++) {
      workers.push(
        await boss.work<SyncJob>(
          SYNC_QUEUE,
          { batchSize: 1, pollingIntervalSeconds: o.pollingIntervalSeconds ?? 1 },
          async (jobs) => {
            // a stopping worker hands a job it fetched back (failed: pg-boss retries it elsewhere)
            if (stopping) throw new Error('This worker is stopping; the job is handed back.');
            for (const j of jobs) {
              const p = runOne(j.data);
              inFlight.add(p);
              try {
                await p;
              } finally {
                inFlight.delete(p);
              }
            }
          },
        ),
      );
    }
    workers.push(
      await boss.work<SyncJob>(
        DEAD_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: o.pollingIntervalSeconds ?? 1 },
        async (jobs) => {
          for (const j of jobs) {
            const c = await connections.get(j.data.connectionId).catch(() => null);
            if (c && !c.paused)
              await pauseConnection(
                c.id,
                `Paused after its retries ran out: ${c.lastError ?? 'the sync kept failing'}`,
              );
          }
        },
      ),
    );
  } catch (e) {
    // a worker that cannot start leaves nothing running behind it
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }

  const tick = async () => {
    try {
      for (const id of await connections.due())
        await enqueueSync(boss, { connectionId: id, reason: 'interval' });
    } catch (e) {
      log('fleet.scheduler-error', { message: (e as Error).message });
    }
  };
  const timer = setInterval(() => void tick(), o.schedulerIntervalMs ?? 5000);
  void tick();

  return {
    boss,
    store,
    connections,
    budget,
    async stop() {
      stopping = true;
      clearInterval(timer);
      const limit = o.stopTimeoutMs ?? 10_000;
      const within = (p: Promise<unknown>, ms: number) =>
        Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
      // 1. Our jobs first: a running job ends at its next page boundary (boundSource sees
      //    `stopping`) and must end before the store closes under it, or its bookings are done but
      //    its run is never recorded. Jobs fetched meanwhile are handed back (failed, retried by
      //    another worker). Only a job that hangs past a generous bound is abandoned (its claims
      //    expire and recover).
      await within(Promise.allSettled([...inFlight]), Math.max(limit * 6, 60_000));
      if (inFlight.size) log('fleet.stop-abandoned', { jobs: inFlight.size });
      // 2. Then pg-boss, with no handler of ours running: its worker loops end at once.
      await within(boss.stop({ graceful: true, wait: true, timeout: limit }), limit + 5000);
      // pg-boss looks once a second whether its stopped workers' loops have ended; let that look
      // happen before the caller tears the process (or a test environment) down.
      await new Promise((r) => setTimeout(r, 1100));
      await within(store.close(), limit);
    },
  };
}
