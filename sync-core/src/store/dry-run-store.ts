/**
 * The store of a dry run (preview, `sync --dry-run`): it reads the real sync state — the ledger,
 * cursors, mappings, runs — so the engine sees exactly what the next real run would see, and keeps
 * every write of the run (claims, entries, cursors, mappings, run records) in memory, so nothing of
 * it reaches the real store. The engine runs its own path unchanged on top of it.
 *
 * Two things do go to the real store: OAuth tokens (an Exact refresh token rotates on use; a
 * rotated token that were kept only in memory would leave the real store holding a dead one) and
 * locks (the token refresh is serialised across processes).
 */
import type { ClaimResult, LedgerEntry, RunRecord, Store, TokenRecord } from './port';
import { claimLost, decideClaim, holds } from './memory-store';

type EntryFilter = { status?: LedgerEntry['status']; shopId?: string; dueBefore?: string };

function matches(e: LedgerEntry, f: EntryFilter): boolean {
  return (
    (!f.status || e.status === f.status) &&
    (!f.shopId || e.shopId === f.shopId) &&
    (!f.dueBefore || !e.nextRetryAt || e.nextRetryAt <= f.dueBefore)
  );
}

export class DryRunStore implements Store {
  /** Entries this dry run wrote, by key: they hide the real store's version. */
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly cursors = new Map<string, string>();
  private readonly mappings = new Map<string, string>();
  private readonly runs: RunRecord[] = [];
  /** Claims and updates read the real entry, then write here: one at a time, so each is atomic. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly real: Store,
    private readonly now: () => number = Date.now,
  ) {}

  newRunId(): string {
    return this.real.newRunId();
  }
  isRunAlive(runId: string): Promise<boolean> {
    return this.real.isRunAlive(runId);
  }

  async getEntry(key: string): Promise<LedgerEntry | null> {
    const e = this.entries.get(key);
    return e ? { ...e } : this.real.getEntry(key);
  }
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  claim(
    key: string,
    init: Parameters<Store['claim']>[1],
    runId: string,
    leaseMs: number,
  ): Promise<ClaimResult> {
    return this.serial(() => this.claimNow(key, init, runId, leaseMs));
  }
  private async claimNow(
    key: string,
    init: Parameters<Store['claim']>[1],
    runId: string,
    leaseMs: number,
  ): Promise<ClaimResult> {
    const existing = this.entries.get(key) ?? (await this.real.getEntry(key));
    const holder = existing?.claimedBy;
    // a claim of another run counts as the real store judges it (alive, dead, unknown)
    const alive = holder && holder !== runId ? await this.real.isRunAlive(holder) : true;
    const r = decideClaim(existing, init, runId, leaseMs, this.now(), () => alive);
    if (r.ok) this.entries.set(key, { ...r.entry });
    return r;
  }
  async renewClaim(key: string, runId: string, leaseMs: number): Promise<boolean> {
    const e = this.entries.get(key);
    if (!e || e.claimedBy !== runId) return false;
    const now = this.now();
    this.entries.set(key, {
      ...e,
      claimExpiresAt: new Date(now + leaseMs).toISOString(),
      updatedAt: new Date(now).toISOString(),
    });
    return true;
  }
  update(key: string, patch: Partial<LedgerEntry>, opts: { holder?: string } = {}): Promise<LedgerEntry> {
    return this.serial(() => this.updateNow(key, patch, opts));
  }
  private async updateNow(
    key: string,
    patch: Partial<LedgerEntry>,
    opts: { holder?: string },
  ): Promise<LedgerEntry> {
    const e = this.entries.get(key) ?? (await this.real.getEntry(key));
    if (!e) throw new Error(`No ledger entry ${key}`);
    if (!holds(e, opts.holder)) throw claimLost(key, opts.holder!, e);
    const next = { ...e, ...patch, updatedAt: new Date(this.now()).toISOString() };
    this.entries.set(key, next);
    return { ...next };
  }
  async listEntries(filter: EntryFilter = {}): Promise<LedgerEntry[]> {
    const real = (await this.real.listEntries(filter)).filter((e) => !this.entries.has(e.key));
    const mine = [...this.entries.values()].filter((e) => matches(e, filter)).map((e) => ({ ...e }));
    return [...real, ...mine];
  }

  async getCursor(name: string): Promise<string | null> {
    return this.cursors.has(name) ? this.cursors.get(name)! : this.real.getCursor(name);
  }
  async setCursor(name: string, value: string): Promise<void> {
    this.cursors.set(name, value);
  }

  async getMapping(namespace: string, key: string): Promise<string | null> {
    const k = `${namespace}\u0000${key}`;
    return this.mappings.has(k) ? this.mappings.get(k)! : this.real.getMapping(namespace, key);
  }
  async setMapping(namespace: string, key: string, value: string): Promise<void> {
    this.mappings.set(`${namespace}\u0000${key}`, value);
  }

  getToken(name: string): Promise<TokenRecord | null> {
    return this.real.getToken(name);
  }
  compareAndSwapToken(
    name: string,
    expectedVersion: number | null,
    value: Record<string, unknown>,
  ): Promise<boolean> {
    return this.real.compareAndSwapToken(name, expectedVersion, value);
  }
  withLock<T>(name: string, fn: () => Promise<T>, opts?: { timeoutMs?: number }): Promise<T> {
    return this.real.withLock(name, fn, opts);
  }

  async startRun(command: string): Promise<RunRecord> {
    const run: RunRecord = {
      id: this.real.newRunId(),
      command,
      startedAt: new Date(this.now()).toISOString(),
      finishedAt: null,
      booked: 0,
      failed: 0,
      skipped: 0,
      message: '',
    };
    this.runs.push(run);
    return { ...run };
  }
  async finishRun(run: RunRecord): Promise<void> {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = { ...run };
  }
  async listRuns(limit: number): Promise<RunRecord[]> {
    return [...this.runs.slice().reverse(), ...(await this.real.listRuns(limit))].slice(0, limit);
  }

  /** The real store belongs to whoever opened it; a dry run never closes it. */
  async close(): Promise<void> {}
}
