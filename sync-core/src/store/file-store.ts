/**
 * FileStore: the embedded store for the standalone CLI, the demo and a single-host worker.
 * No native addons: one append-only JSON-lines journal per store directory.
 *
 * - Every change is one line appended with a single write() (O_APPEND) and fsync'd when it
 *   matters (a write is about to start, a document is booked, a token rotated), so a process
 *   killed at any point leaves a journal whose complete lines are the truth; a torn last line is
 *   ignored.
 * - Every append takes the journal lock (proper-lockfile), catches up on what other processes
 *   appended, decides (a claim, a fenced update, a token compare-and-swap), appends, and
 *   releases. Compaction takes the same lock, so no append can land in a journal file that is
 *   being replaced (an append outside the lock could be written to the old file after the
 *   snapshot was taken, and be lost with it). Locks of a killed process go stale and are taken over.
 * - Each process tails the journal from its last offset, so reads see other processes' writes.
 * - The journal is compacted (rewritten as a snapshot and renamed into place) when it grows to
 *   several times the live state; tailing processes notice the new inode and reload.
 * - `withLock` locks are kept fresh while their holder runs (proper-lockfile's `update`), so a
 *   long run never loses its lock as stale; a lock whose holder process is gone is taken over.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import lockfile from 'proper-lockfile';
import type { ClaimResult, LedgerEntry, RunRecord, Store, TokenRecord } from './port';
import { claimLost, decideClaim, holds } from './memory-store';
import { newProcessRunId, processRunIsAlive } from './run-id';
import { ShopbooksError } from '../model/errors';

type JournalRecord =
  | { t: 'e'; k: string; v: LedgerEntry }
  | { t: 'p'; k: string; p: Partial<LedgerEntry> }
  | { t: 'c'; k: string; v: string }
  | { t: 'm'; k: string; v: string }
  | { t: 'tok'; k: string; v: Record<string, unknown>; n: number }
  | { t: 'run'; v: RunRecord };

/**
 * Run ids made by `newRunId()` carry host and pid, so a claim held by a process that was killed
 * on this host is taken over at once instead of after its lease.
 */
export const newRunId = newProcessRunId;
export const runIsAlive = processRunIsAlive;

/** Another process held a `withLock` lock for longer than the caller would wait. */
export class LockTimeoutError extends ShopbooksError {
  constructor(name: string) {
    super('Timeout', `Another run holds the lock "${name}"; try again later.`, { retryable: true, details: { lock: name, lockTimeout: true } });
  }
}

const LOCK_OPTS = { stale: 15_000, update: 5_000, retries: { retries: 400, minTimeout: 5, maxTimeout: 100, factor: 1.3 }, realpath: false };

export interface FileStoreOptions {
  /** A lock file not refreshed for this long is taken over (default 15 s; refreshed every third of it while held). */
  lockStaleMs?: number;
}

export class FileStore implements Store {
  private readonly journalPath: string;
  private readonly lockTarget: string;
  private entries = new Map<string, LedgerEntry>();
  private cursors = new Map<string, string>();
  private mappings = new Map<string, string>();
  private tokens = new Map<string, TokenRecord>();
  private runs = new Map<string, RunRecord>();
  private offset = 0;
  private inode = -1;
  private lines = 0;
  private carry = '';
  private readonly inProcessLocks = new Map<string, Promise<void>>();
  /** Queues this instance's journal-lock holders (proper-lockfile is not re-entrant within a process). */
  private journalQueue: Promise<unknown> = Promise.resolve();
  /** host:pid:random of this instance, recorded in the locks it holds. */
  private readonly lockOwner = newRunId();
  private readonly lockOpts: typeof LOCK_OPTS;

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
    opts: FileStoreOptions = {},
  ) {
    const stale = Math.max(2_000, opts.lockStaleMs ?? LOCK_OPTS.stale);
    this.lockOpts = { ...LOCK_OPTS, stale, update: Math.floor(stale / 3) };
    mkdirSync(join(dir, 'locks'), { recursive: true, mode: 0o700 });
    this.journalPath = join(dir, 'journal.jsonl');
    this.lockTarget = join(dir, 'journal');
    if (!existsSync(this.journalPath)) writeFileSync(this.journalPath, '', { mode: 0o600 });
    if (!existsSync(this.lockTarget)) writeFileSync(this.lockTarget, '', { mode: 0o600 });
    this.catchUp();
  }

  // ---- journal -------------------------------------------------------------------------------

  private reset() {
    this.entries.clear();
    this.cursors.clear();
    this.mappings.clear();
    this.tokens.clear();
    this.runs.clear();
    this.offset = 0;
    this.lines = 0;
    this.carry = '';
  }

  /** Read whatever other processes (or we) appended since the last read. */
  private catchUp() {
    let ino: number;
    try {
      ino = statSync(this.journalPath).ino;
    } catch {
      return;
    }
    if (ino !== this.inode) {
      this.reset();
      this.inode = ino;
    }
    const fd = openSync(this.journalPath, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.reset();
      }
      const chunk = Buffer.alloc(1 << 20);
      while (this.offset < size) {
        const n = readSync(fd, chunk, 0, chunk.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const text = this.carry + chunk.subarray(0, n).toString('utf8');
        const parts = text.split('\n');
        this.carry = parts.pop() ?? '';
        for (const line of parts) this.applyLine(line);
      }
    } finally {
      closeSync(fd);
    }
  }

  private applyLine(line: string) {
    if (!line.trim()) return;
    let r: JournalRecord;
    try {
      r = JSON.parse(line) as JournalRecord;
    } catch {
      return; // a torn line from a killed writer: ignored
    }
    this.lines++;
    this.apply(r);
  }

  private apply(r: JournalRecord) {
    switch (r.t) {
      case 'e':
        this.entries.set(r.k, r.v);
        break;
      case 'p': {
        const cur = this.entries.get(r.k);
        if (cur) this.entries.set(r.k, { ...cur, ...r.p });
        break;
      }
      case 'c':
        this.cursors.set(r.k, r.v);
        break;
      case 'm':
        this.mappings.set(r.k, r.v);
        break;
      case 'tok':
        this.tokens.set(r.k, { value: r.v, version: r.n });
        break;
      case 'run':
        this.runs.set(r.v.id, r.v);
        break;
    }
  }

  /** Only under the journal lock (see withJournalLock): no compaction can replace the file meanwhile. */
  private append(records: JournalRecord[], durable: boolean) {
    // If another process compacted the journal, catch up first so we append to the live file.
    if (statSync(this.journalPath).ino !== this.inode) this.catchUp();
    const data = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const fd = openSync(this.journalPath, 'a', 0o600);
    try {
      writeSync(fd, data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // Our own lines are read back by catchUp (keeps offset bookkeeping in one place).
    this.catchUp();
  }

  private withJournalLock<T>(fn: () => T): Promise<T> {
    const run = async () => {
      const release = await lockfile.lock(this.lockTarget, this.lockOpts);
      try {
        this.catchUp();
        return fn();
      } finally {
        await release();
      }
    };
    const result = this.journalQueue.then(run, run);
    this.journalQueue = result.catch(() => undefined);
    return result;
  }

  /** Append under the journal lock. */
  private appendLocked(records: JournalRecord[], durable: boolean): Promise<void> {
    return this.withJournalLock(() => this.append(records, durable));
  }

  /** Rewrite the journal as a snapshot of the live state (under the journal lock). */
  async compact(): Promise<void> {
    await this.withJournalLock(() => {
      const tmp = `${this.journalPath}.${process.pid}.tmp`;
      const recs: JournalRecord[] = [
        ...[...this.entries].map(([k, v]) => ({ t: 'e' as const, k, v })),
        ...[...this.cursors].map(([k, v]) => ({ t: 'c' as const, k, v })),
        ...[...this.mappings].map(([k, v]) => ({ t: 'm' as const, k, v })),
        ...[...this.tokens].map(([k, v]) => ({ t: 'tok' as const, k, v: v.value, n: v.version })),
        ...[...this.runs.values()].slice(-200).map((v) => ({ t: 'run' as const, v })),
      ];
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, recs.map((r) => JSON.stringify(r)).join('\n') + (recs.length ? '\n' : ''));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.journalPath);
      this.catchUp();
    });
  }

  private async maybeCompact() {
    const live = this.entries.size + this.cursors.size + this.mappings.size + this.tokens.size + 50;
    if (this.lines > 8 * live && this.lines > 20_000) await this.compact();
  }

  // ---- ledger --------------------------------------------------------------------------------

  newRunId(): string {
    return newProcessRunId();
  }

  async isRunAlive(runId: string): Promise<boolean> {
    return processRunIsAlive(runId);
  }

  async getEntry(key: string) {
    this.catchUp();
    const e = this.entries.get(key);
    return e ? { ...e } : null;
  }

  async claim(key: string, init: Parameters<Store['claim']>[1], runId: string, leaseMs: number): Promise<ClaimResult> {
    const result = await this.withJournalLock(() => {
      const r = decideClaim(this.entries.get(key) ?? null, init, runId, leaseMs, this.now(), processRunIsAlive);
      if (r.ok) this.append([{ t: 'e', k: key, v: r.entry }], false);
      return r;
    });
    await this.maybeCompact();
    return result;
  }

  async renewClaim(key: string, runId: string, leaseMs: number): Promise<boolean> {
    return this.withJournalLock(() => {
      const cur = this.entries.get(key);
      if (!cur || cur.claimedBy !== runId) return false;
      const now = this.now();
      this.append([{ t: 'p', k: key, p: { claimExpiresAt: new Date(now + leaseMs).toISOString(), updatedAt: new Date(now).toISOString() } }], false);
      return true;
    });
  }

  async update(key: string, patch: Partial<LedgerEntry>, opts: { holder?: string } = {}) {
    return this.withJournalLock(() => {
      const cur = this.entries.get(key);
      if (!cur) throw new Error(`No ledger entry ${key}`);
      if (!holds(cur, opts.holder)) throw claimLost(key, opts.holder!, cur);
      const p = { ...patch, updatedAt: new Date(this.now()).toISOString() };
      const durable = patch.writeStartedAt !== undefined || patch.status === 'booked' || patch.documentId !== undefined;
      this.append([{ t: 'p', k: key, p }], durable);
      return { ...this.entries.get(key)! };
    });
  }

  async listEntries(filter: { status?: LedgerEntry['status']; shopId?: string; dueBefore?: string } = {}) {
    this.catchUp();
    return [...this.entries.values()]
      .filter((e) => (!filter.status || e.status === filter.status) && (!filter.shopId || e.shopId === filter.shopId))
      .filter((e) => !filter.dueBefore || !e.nextRetryAt || e.nextRetryAt <= filter.dueBefore)
      .map((e) => ({ ...e }));
  }

  // ---- cursors, mappings, tokens -------------------------------------------------------------

  async getCursor(name: string) {
    this.catchUp();
    return this.cursors.get(name) ?? null;
  }
  async setCursor(name: string, value: string) {
    await this.appendLocked([{ t: 'c', k: name, v: value }], true);
  }
  async getMapping(ns: string, key: string) {
    this.catchUp();
    return this.mappings.get(`${ns}\u0000${key}`) ?? null;
  }
  async setMapping(ns: string, key: string, value: string) {
    await this.appendLocked([{ t: 'm', k: `${ns}\u0000${key}`, v: value }], false);
  }
  async getToken(name: string) {
    this.catchUp();
    const t = this.tokens.get(name);
    return t ? { value: { ...t.value }, version: t.version } : null;
  }
  async compareAndSwapToken(name: string, expectedVersion: number | null, value: Record<string, unknown>) {
    return this.withJournalLock(() => {
      const cur = this.tokens.get(name);
      if ((cur?.version ?? null) !== expectedVersion) return false;
      this.append([{ t: 'tok', k: name, v: value, n: (cur?.version ?? 0) + 1 }], true);
      return true;
    });
  }

  async withLock<T>(name: string, fn: () => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
    // in-process first (proper-lockfile refuses a second lock from the same process)
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    while (this.inProcessLocks.has(name)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new LockTimeoutError(name);
      await Promise.race([this.inProcessLocks.get(name), new Promise((r) => setTimeout(r, Math.min(left, 50)))]);
    }
    let releaseLocal!: () => void;
    this.inProcessLocks.set(name, new Promise<void>((r) => (releaseLocal = r)));
    const file = join(this.dir, 'locks', name.replace(/[^A-Za-z0-9_.-]/g, '_'));
    try {
      if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600 });
      const ownerFile = `${file}.owner`;
      let release: (() => Promise<void>) | null = null;
      while (!release) {
        try {
          release = await lockfile.lock(file, {
            ...this.lockOpts,
            retries: 0,
            // A lock taken over (its holder looked dead) must not crash the holder with an
            // uncaught ENOENT from the mtime refresh: the per-entry claims still keep
            // exactly-once, and the run simply finishes.
            onCompromised: () => undefined,
          });
          writeFileSync(ownerFile, this.lockOwner, { mode: 0o600 });
        } catch (e) {
          if ((e as { code?: string }).code !== 'ELOCKED') throw e;
          // A holder killed on this host leaves its lock behind until it goes stale (15 s):
          // take it over at once when the owner process is gone.
          let owner = '';
          try {
            owner = readFileSync(ownerFile, 'utf8');
          } catch {
            /* no owner recorded yet */
          }
          if (owner && owner !== this.lockOwner && !runIsAlive(owner)) {
            rmSync(`${file}.lock`, { recursive: true, force: true });
            rmSync(ownerFile, { force: true });
            continue;
          }
          if (Date.now() > deadline) throw new LockTimeoutError(name);
          await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
        }
      }
      try {
        return await fn();
      } finally {
        // only our own owner record, and a release that fails because the lock was taken over is fine
        try {
          if (readFileSync(ownerFile, 'utf8') === this.lockOwner) rmSync(ownerFile, { force: true });
        } catch {
          /* already gone */
        }
        await release().catch(() => undefined);
      }
    } finally {
      this.inProcessLocks.delete(name);
      releaseLocal();
    }
  }

  // ---- runs ----------------------------------------------------------------------------------

  async startRun(command: string) {
    const run: RunRecord = { id: randomUUID(), command, startedAt: new Date(this.now()).toISOString(), finishedAt: null, booked: 0, failed: 0, skipped: 0, message: '' };
    await this.appendLocked([{ t: 'run', v: run }], false);
    return { ...run };
  }
  async finishRun(run: RunRecord) {
    await this.appendLocked([{ t: 'run', v: run }], true);
  }
  async listRuns(limit: number) {
    this.catchUp();
    return [...this.runs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }
  async close() {}
}
