/**
 * In-process Store: for unit and contract tests, and dry runs. Same semantics as FileStore within
 * one process (claims, leases, compare-and-swap, locks).
 */
import { randomUUID } from 'node:crypto';
import { ShopbooksError } from '../model/errors';
import type { ClaimResult, LedgerEntry, RunRecord, Store, TokenRecord } from './port';
import { newProcessRunId, processRunIsAlive } from './run-id';

export function newEntry(init: Parameters<Store['claim']>[1], now: string): LedgerEntry {
  return {
    ...init,
    status: 'claimed',
    claimedBy: null,
    claimExpiresAt: null,
    writeStartedAt: null,
    documentId: null,
    documentType: null,
    documentNumber: null,
    documentUrl: null,
    customerId: null,
    gross: null,
    vat: null,
    contentHash: init.contentHash ?? null,
    attempts: 0,
    lastError: null,
    nextRetryAt: null,
    skipReason: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The claim rule shared by every store: booked/skipped are final; a live foreign claim blocks. */
export function decideClaim(existing: LedgerEntry | null, init: Parameters<Store['claim']>[1], runId: string, leaseMs: number, nowMs: number, isAlive: (runId: string) => boolean = () => true): ClaimResult {
  const now = new Date(nowMs).toISOString();
  const entry = existing ? { ...existing } : newEntry(init, now);
  if (entry.status === 'booked') return { ok: false, entry, reason: 'booked' };
  if (entry.status === 'skipped') return { ok: false, entry, reason: 'skipped' };
  if (entry.claimedBy && entry.claimedBy !== runId && entry.claimExpiresAt && Date.parse(entry.claimExpiresAt) > nowMs && isAlive(entry.claimedBy)) {
    return { ok: false, entry, reason: 'claimed-elsewhere' };
  }
  entry.claimedBy = runId;
  entry.claimExpiresAt = new Date(nowMs + leaseMs).toISOString();
  entry.updatedAt = now;
  if (entry.status !== 'failed') entry.status = 'claimed';
  return { ok: true, entry };
}

/** The error of a fenced update whose holder no longer holds the claim (nothing was changed). */
export function claimLost(key: string, holder: string, entry: LedgerEntry | null): ShopbooksError {
  return new ShopbooksError(
    'ClaimLost',
    `This run no longer holds the booking of ${entry ? `order ${entry.orderNumber}` : key} (its claim expired and another run took it over, or it was released). Nothing was recorded by this run; the run that holds it now finishes it.`,
    { retryable: true, details: { key, holder, claimedBy: entry?.claimedBy ?? null } },
  );
}

/** The fencing rule shared by every store: an update with a holder applies only while it holds the claim. */
export function holds(entry: LedgerEntry | null | undefined, holder: string | undefined): boolean {
  return holder === undefined || (!!entry && entry.claimedBy === holder);
}

export class MemoryStore implements Store {
  private entries = new Map<string, LedgerEntry>();
  private cursors = new Map<string, string>();
  private mappings = new Map<string, string>();
  private tokens = new Map<string, TokenRecord>();
  private locks = new Map<string, Promise<void>>();
  private runs: RunRecord[] = [];
  constructor(private readonly now: () => number = Date.now) {}

  newRunId() {
    return newProcessRunId();
  }
  async isRunAlive(runId: string) {
    return processRunIsAlive(runId);
  }
  async getEntry(key: string) {
    const e = this.entries.get(key);
    return e ? { ...e } : null;
  }
  async claim(key: string, init: Parameters<Store['claim']>[1], runId: string, leaseMs: number) {
    const r = decideClaim(this.entries.get(key) ?? null, init, runId, leaseMs, this.now(), processRunIsAlive);
    if (r.ok) this.entries.set(key, { ...r.entry });
    return r;
  }
  async renewClaim(key: string, runId: string, leaseMs: number) {
    const e = this.entries.get(key);
    if (!e || e.claimedBy !== runId) return false;
    const now = this.now();
    this.entries.set(key, { ...e, claimExpiresAt: new Date(now + leaseMs).toISOString(), updatedAt: new Date(now).toISOString() });
    return true;
  }
  async update(key: string, patch: Partial<LedgerEntry>, opts: { holder?: string } = {}) {
    const e = this.entries.get(key);
    if (!e) throw new Error(`No ledger entry ${key}`);
    if (!holds(e, opts.holder)) throw claimLost(key, opts.holder!, e);
    const next = { ...e, ...patch, updatedAt: new Date(this.now()).toISOString() };
    this.entries.set(key, next);
    return { ...next };
  }
  async listEntries(filter: { status?: LedgerEntry['status']; shopId?: string; dueBefore?: string } = {}) {
    return [...this.entries.values()]
      .filter((e) => (!filter.status || e.status === filter.status) && (!filter.shopId || e.shopId === filter.shopId))
      .filter((e) => !filter.dueBefore || !e.nextRetryAt || e.nextRetryAt <= filter.dueBefore)
      .map((e) => ({ ...e }));
  }
  async getCursor(name: string) {
    return this.cursors.get(name) ?? null;
  }
  async setCursor(name: string, value: string) {
    this.cursors.set(name, value);
  }
  async getMapping(ns: string, key: string) {
    return this.mappings.get(`${ns}\u0000${key}`) ?? null;
  }
  async setMapping(ns: string, key: string, value: string) {
    this.mappings.set(`${ns}\u0000${key}`, value);
  }
  async getToken(name: string) {
    const t = this.tokens.get(name);
    return t ? { value: { ...t.value }, version: t.version } : null;
  }
  async compareAndSwapToken(name: string, expectedVersion: number | null, value: Record<string, unknown>) {
    const cur = this.tokens.get(name);
    if ((cur?.version ?? null) !== expectedVersion) return false;
    this.tokens.set(name, { value: { ...value }, version: (cur?.version ?? 0) + 1 });
    return true;
  }
  async withLock<T>(name: string, fn: () => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    while (this.locks.has(name)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ShopbooksError('Timeout', `Another run holds the lock "${name}"; try again later.`, { retryable: true, details: { lock: name, lockTimeout: true } });
      await Promise.race([this.locks.get(name), new Promise((r) => setTimeout(r, Math.min(left, 50)))]);
    }
    let release!: () => void;
    this.locks.set(name, new Promise<void>((r) => (release = r)));
    try {
      return await fn();
    } finally {
      this.locks.delete(name);
      release();
    }
  }
  async startRun(command: string) {
    const run: RunRecord = { id: randomUUID(), command, startedAt: new Date(this.now()).toISOString(), finishedAt: null, booked: 0, failed: 0, skipped: 0, message: '' };
    this.runs.push(run);
    return { ...run };
  }
  async finishRun(run: RunRecord) {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = { ...run };
  }
  async listRuns(limit: number) {
    return this.runs.slice(-limit).reverse();
  }
  async close() {}
}
