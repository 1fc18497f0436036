/**
 * PostgresStore: the store port on PostgreSQL, for the hosted fleet (many shops, many worker
 * processes on many hosts against one database).
 *
 * - Every atomic decision is one transaction with the row locked (`SELECT … FOR UPDATE`): claims,
 *   fenced updates (`holder` must still hold the claim), lease renewal, token compare-and-swap.
 * - Liveness: each store process registers a session id and holds a session-level advisory lock
 *   on it for its lifetime. Run ids carry that session id, so a claim of a process that was
 *   killed (its database connection closed, its advisory lock gone) is taken over at once.
 * - `withLock` is a session advisory lock on a pooled connection: a killed holder releases it with
 *   its connection, no stale-lock timeout needed.
 * - Ledger, cursors, mappings and runs are per `scope` (one fleet connection); tokens and locks
 *   are shared, so every connection writing into one Exact division / Moneybird administration
 *   with the same app shares one token chain and one single-flight refresh.
 * - Migrations (postgres-migrations.ts) run on open.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { ShopbooksError } from '../model/errors';
import type { ClaimResult, LedgerEntry, LedgerStatus, RunRecord, Store, TokenRecord } from './port';
import { decideClaim, newEntry } from './memory-store';
import { LockTimeoutError, runIsAlive as localRunIsAlive } from './file-store';
import { MIGRATIONS } from './postgres-migrations';

/**
 * Advisory-lock namespaces (first key of the two-key form). Advisory locks are per database, so
 * the namespaces are derived from the schema: two fleets in two schemas never contend.
 */
function namespaces(schema: string): { session: number; lock: number; migrate: number } {
  const h = createHash('sha256').update(`shopbooks:${schema}`).digest();
  const base = h.readUInt32BE(0) & 0x3ffffffc;
  return { session: base | 1, lock: base | 2, migrate: base | 3 };
}

export interface PostgresStoreOptions {
  /** postgres://… ; or pass an existing `pool`. */
  url?: string;
  pool?: Pool;
  /** Schema holding the tables (created if missing). Default `shopbooks`. */
  schema?: string;
  /** Ledger/cursor/mapping/run namespace: one fleet connection. Default ''. */
  scope?: string;
  poolMax?: number;
  now?: () => number;
}

type Init = Parameters<Store['claim']>[1];

function claimLost(key: string): ShopbooksError {
  // 'ClaimLost' joins ErrorCode with the extended store port.
  return new ShopbooksError('ClaimLost', `Another run took over ${key} while this run was working on it; this run stops touching it.`, { retryable: true, details: { key } });
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return /^(57P0[1-3]|08\d\d|ECONNRESET|ECONNREFUSED|EPIPE)$/.test(code) || /Connection terminated|connection.*(closed|ended)|not queryable/i.test(String((e as Error)?.message));
}

/** Shared by every scope of one database: pool, schema, session liveness. */
class PgShared {
  sessionId = 0;
  private sessionClient: PoolClient | null = null;
  private closed = false;
  private reconnecting: Promise<void> | null = null;
  readonly ns: ReturnType<typeof namespaces>;

  constructor(
    readonly pool: Pool,
    readonly schema: string,
    readonly ownsPool: boolean,
  ) {
    this.ns = namespaces(schema);
    pool.on('error', () => undefined); // idle clients dropped by a database restart
    // A client that is checked out has no listener of the pool's: pg emits 'error' on it when the
    // database goes away (a restart, a failover), and an emitter without a listener throws, taking
    // the whole worker down. The statement that uses it next fails instead, and is retried.
    pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async migrate(): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1, 0)', [this.ns.migrate]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${this.schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await c.query(`SELECT version FROM ${this.schema}.schema_migrations`)).rows.map((r) => Number(r.version)));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await c.query(m.sql(this.schema));
        await c.query(`INSERT INTO ${this.schema}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async registerSession(): Promise<void> {
    const c = await this.pool.connect();
    c.on('error', () => this.lostSession(c));
    try {
      // keep our id across a reconnect (our run ids carry it) unless someone else holds it
      for (let id = this.sessionId; ; id = 0) {
        if (!id) id = Number((await c.query(`SELECT nextval('${this.schema}.session_ids') AS id`)).rows[0].id);
        if ((await c.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [this.ns.session, id])).rows[0].ok) {
          this.sessionId = id;
          break;
        }
      }
    } catch (e) {
      c.release(true);
      throw e;
    }
    if (this.closed) {
      c.release(true);
      return;
    }
    this.sessionClient = c;
  }

  private lostSession(c: PoolClient): void {
    if (this.sessionClient !== c) return;
    this.sessionClient = null;
    c.release(true);
    if (this.closed || this.reconnecting) return;
    this.reconnecting = (async () => {
      while (!this.closed) {
        try {
          await this.registerSession();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })().finally(() => (this.reconnecting = null));
  }

  async sessionAlive(id: number, via: { query: Pool['query'] } = this.pool): Promise<boolean> {
    if (id === this.sessionId) return true;
    const r = await via.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted`, [this.ns.session, id]);
    return (r.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reconnecting?.catch(() => undefined);
    const c = this.sessionClient;
    this.sessionClient = null;
    if (c) {
      await c.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      c.release();
    }
    if (this.ownsPool) await this.pool.end().catch(() => undefined);
  }
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const schema = opts.schema ?? 'shopbooks';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ShopbooksError('ConfigInvalid', `The PostgreSQL schema name "${schema}" is not a plain lower-case identifier.`);
  if (!opts.pool && !opts.url) throw new ShopbooksError('ConfigInvalid', 'The PostgreSQL store needs a database URL (SHOPBOOKS_DATABASE_URL).');
  const pool = opts.pool ?? new Pool({ connectionString: opts.url, max: opts.poolMax ?? 20, connectionTimeoutMillis: 10_000 });
  const shared = new PgShared(pool, schema, !opts.pool);
  try {
    await shared.migrate();
    await shared.registerSession();
  } catch (e) {
    await shared.close();
    throw new ShopbooksError('RemoteUnavailable', `Cannot open the PostgreSQL store: ${(e as Error).message}`, { retryable: true, cause: e });
  }
  return new PostgresStore(shared, opts.scope ?? '', opts.now ?? Date.now);
}

export class PostgresStore implements Store {
  constructor(
    private readonly shared: PgShared,
    readonly scope: string,
    private readonly now: () => number,
    /** Views made by `forScope` share the pool; closing them closes nothing. */
    private readonly owner = true,
    readonly tokenScope = '',
  ) {}

  /**
   * The same database and session for another connection's ledger (closing it is a no-op).
   * `tokenScope` names whose token chains it shares (the fleet passes the connection's budget key:
   * base URL + app + administration), so two Exact or Moneybird servers that happen to number
   * their administrations alike never overwrite each other's tokens.
   */
  forScope(scope: string, tokenScope = this.tokenScope): PostgresStore {
    return new PostgresStore(this.shared, scope, this.now, false, tokenScope);
  }

  private tokenKey(name: string): string {
    return this.tokenScope ? `${this.tokenScope}|${name}` : name;
  }

  /** The advisory lock (two-key form) that says this store's process is alive. */
  sessionLockKey(): [number, number] {
    return [this.shared.ns.session, this.shared.sessionId];
  }

  get pool(): Pool {
    return this.shared.pool;
  }
  get schema(): string {
    return this.shared.schema;
  }
  private t(name: string): string {
    return `${this.shared.schema}.${name}`;
  }
  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.shared.pool.connect();
    let broken: unknown = undefined;
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      if (isConnectionError(e)) broken = e;
      else await c.query('ROLLBACK').catch((err: unknown) => (broken = err));
      throw e;
    } finally {
      c.release(broken ? (broken as Error) : undefined);
    }
  }

  // ---- liveness --------------------------------------------------------------------------------

  newRunId(): string {
    return `pg:${this.shared.sessionId}:${randomUUID().slice(0, 8)}`;
  }

  async isRunAlive(runId: string, via?: PoolClient): Promise<boolean> {
    const m = /^pg:(\d+):/.exec(runId);
    if (!m) return localRunIsAlive(runId);
    return this.shared.sessionAlive(Number(m[1]), via as { query: Pool['query'] } | undefined);
  }

  // ---- ledger ----------------------------------------------------------------------------------

  async getEntry(key: string): Promise<LedgerEntry | null> {
    const r = await this.shared.pool.query(`SELECT entry FROM ${this.t('ledger')} WHERE scope = $1 AND key = $2`, [this.scope, key]);
    return r.rows[0] ? (r.rows[0].entry as LedgerEntry) : null;
  }

  private async write(c: PoolClient, e: LedgerEntry, insert: boolean): Promise<void> {
    if (insert) {
      await c.query(`INSERT INTO ${this.t('ledger')} (scope, key, shop_id, status, next_retry_at, entry) VALUES ($1, $2, $3, $4, $5, $6)`, [this.scope, e.key, e.shopId, e.status, e.nextRetryAt, e]);
    } else {
      await c.query(`UPDATE ${this.t('ledger')} SET shop_id = $3, status = $4, next_retry_at = $5, entry = $6 WHERE scope = $1 AND key = $2`, [this.scope, e.key, e.shopId, e.status, e.nextRetryAt, e]);
    }
  }

  async claim(key: string, init: Init, runId: string, leaseMs: number): Promise<ClaimResult> {
    return this.tx(async (c) => {
      const nowMs = this.now();
      const inserted = newEntry({ ...init, key }, this.iso(nowMs));
      const ins = await c.query(`INSERT INTO ${this.t('ledger')} (scope, key, shop_id, status, next_retry_at, entry) VALUES ($1, $2, $3, 'claimed', NULL, $4) ON CONFLICT DO NOTHING`, [
        this.scope,
        key,
        inserted.shopId,
        { ...inserted, claimedBy: runId, claimExpiresAt: this.iso(nowMs + leaseMs) },
      ]);
      if (ins.rowCount === 1) return { ok: true, entry: { ...inserted, claimedBy: runId, claimExpiresAt: this.iso(nowMs + leaseMs) } };
      const cur = (await c.query(`SELECT entry FROM ${this.t('ledger')} WHERE scope = $1 AND key = $2 FOR UPDATE`, [this.scope, key])).rows[0].entry as LedgerEntry;
      const holder = cur.claimedBy;
      const alive = holder && holder !== runId && cur.claimExpiresAt && Date.parse(cur.claimExpiresAt) > nowMs ? await this.isRunAlive(holder, c) : true;
      const r = decideClaim(cur, init, runId, leaseMs, nowMs, () => alive);
      if (r.ok) await this.write(c, r.entry, false);
      return r;
    });
  }

  async renewClaim(key: string, runId: string, leaseMs: number): Promise<boolean> {
    const r = await this.shared.pool.query(
      `UPDATE ${this.t('ledger')} SET entry = entry || jsonb_build_object('claimExpiresAt', $4::text, 'updatedAt', $5::text)
       WHERE scope = $1 AND key = $2 AND entry->>'claimedBy' = $3 AND status NOT IN ('booked', 'skipped')`,
      [this.scope, key, runId, this.iso(this.now() + leaseMs), this.iso()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async update(key: string, patch: Partial<LedgerEntry>, opts: { holder?: string } = {}): Promise<LedgerEntry> {
    return this.tx(async (c) => {
      const row = (await c.query(`SELECT entry FROM ${this.t('ledger')} WHERE scope = $1 AND key = $2 FOR UPDATE`, [this.scope, key])).rows[0];
      if (!row) throw new ShopbooksError('Internal', `No ledger entry ${key}`);
      const cur = row.entry as LedgerEntry;
      if (opts.holder !== undefined && cur.claimedBy !== opts.holder) throw claimLost(key);
      const next: LedgerEntry = { ...cur, ...patch, key: cur.key, updatedAt: this.iso() };
      await this.write(c, next, false);
      return next;
    });
  }

  async listEntries(filter: { status?: LedgerStatus; shopId?: string; dueBefore?: string } = {}): Promise<LedgerEntry[]> {
    const where = ['scope = $1'];
    const args: unknown[] = [this.scope];
    if (filter.status) where.push(`status = $${args.push(filter.status)}`);
    if (filter.shopId) where.push(`shop_id = $${args.push(filter.shopId)}`);
    if (filter.dueBefore) where.push(`(next_retry_at IS NULL OR next_retry_at <= $${args.push(filter.dueBefore)})`);
    const r = await this.shared.pool.query(`SELECT entry FROM ${this.t('ledger')} WHERE ${where.join(' AND ')} ORDER BY entry->>'createdAt', key`, args);
    return r.rows.map((x) => x.entry as LedgerEntry);
  }

  // ---- cursors, mappings ---------------------------------------------------------------------

  async getCursor(name: string): Promise<string | null> {
    const r = await this.shared.pool.query(`SELECT value FROM ${this.t('cursors')} WHERE scope = $1 AND name = $2`, [this.scope, name]);
    return r.rows[0]?.value ?? null;
  }
  async setCursor(name: string, value: string): Promise<void> {
    await this.shared.pool.query(`INSERT INTO ${this.t('cursors')} (scope, name, value) VALUES ($1, $2, $3) ON CONFLICT (scope, name) DO UPDATE SET value = EXCLUDED.value`, [this.scope, name, value]);
  }
  async getMapping(namespace: string, key: string): Promise<string | null> {
    const r = await this.shared.pool.query(`SELECT value FROM ${this.t('mappings')} WHERE scope = $1 AND namespace = $2 AND key = $3`, [this.scope, namespace, key]);
    return r.rows[0]?.value ?? null;
  }
  async setMapping(namespace: string, key: string, value: string): Promise<void> {
    await this.shared.pool.query(`INSERT INTO ${this.t('mappings')} (scope, namespace, key, value) VALUES ($1, $2, $3, $4) ON CONFLICT (scope, namespace, key) DO UPDATE SET value = EXCLUDED.value`, [this.scope, namespace, key, value]);
  }

  // ---- tokens --------------------------------------------------------------------------------

  async getToken(name: string): Promise<TokenRecord | null> {
    const r = await this.shared.pool.query(`SELECT value, version FROM ${this.t('tokens')} WHERE name = $1`, [this.tokenKey(name)]);
    return r.rows[0] ? { value: r.rows[0].value as Record<string, unknown>, version: Number(r.rows[0].version) } : null;
  }
  async compareAndSwapToken(name: string, expectedVersion: number | null, value: Record<string, unknown>): Promise<boolean> {
    const r =
      expectedVersion === null
        ? await this.shared.pool.query(`INSERT INTO ${this.t('tokens')} (name, value, version) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING`, [this.tokenKey(name), value])
        : await this.shared.pool.query(`UPDATE ${this.t('tokens')} SET value = $2, version = version + 1, updated_at = now() WHERE name = $1 AND version = $3`, [this.tokenKey(name), value, expectedVersion]);
    return r.rowCount === 1;
  }

  // ---- locks ---------------------------------------------------------------------------------

  async withLock<T>(name: string, fn: () => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    const c = await this.shared.pool.connect();
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    c.on('error', onError);
    const key: unknown[] = [this.shared.ns.lock, name];
    try {
      let wait = 20;
      for (;;) {
        const got = (await c.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', key)).rows[0].ok as boolean;
        if (got) break;
        if (Date.now() >= deadline) throw new LockTimeoutError(name);
        await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(1, deadline - Date.now()))));
        wait = Math.min(200, wait * 1.5);
      }
      try {
        return await fn();
      } finally {
        await c.query('SELECT pg_advisory_unlock($1, hashtext($2))', key).catch((e: Error) => (broken = e));
      }
    } catch (e) {
      if (!broken && isConnectionError(e)) broken = e as Error;
      throw e;
    } finally {
      c.off('error', onError);
      c.release(broken);
    }
  }

  // ---- runs ----------------------------------------------------------------------------------

  async startRun(command: string): Promise<RunRecord> {
    const run: RunRecord = { id: randomUUID(), command, startedAt: this.iso(), finishedAt: null, booked: 0, failed: 0, skipped: 0, message: '' };
    await this.shared.pool.query(`INSERT INTO ${this.t('runs')} (scope, id, run) VALUES ($1, $2, $3)`, [this.scope, run.id, run]);
    return { ...run };
  }
  async finishRun(run: RunRecord): Promise<void> {
    await this.shared.pool.query(`UPDATE ${this.t('runs')} SET run = $3 WHERE scope = $1 AND id = $2`, [this.scope, run.id, run]);
  }
  async listRuns(limit: number): Promise<RunRecord[]> {
    const r = await this.shared.pool.query(`SELECT run FROM ${this.t('runs')} WHERE scope = $1 ORDER BY seq DESC LIMIT $2`, [this.scope, limit]);
    return r.rows.map((x) => x.run as RunRecord);
  }

  async close(): Promise<void> {
    if (this.owner) await this.shared.close();
  }
}
