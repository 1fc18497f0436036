/**
 * The Store port: the sync state. Standalone (CLI, demo, hosted worker) it is the embedded
 * FileStore; in plugin mode WordPress owns it and the sync core reaches it over the plugin's REST
 * API. A pg-boss/PostgreSQL adapter for the scale-out fits the same port.
 *
 * All methods must be safe across processes: two sync runs at once must never both claim the
 * same entry, and a token rotation must never be lost (compare-and-swap).
 */

export type LedgerStatus = 'claimed' | 'booked' | 'failed' | 'skipped';

export interface LedgerEntry {
  /** `${shopId}:${kind}:${id}`, e.g. `shop.example:order:123`, `shop.example:refund:456`. */
  key: string;
  kind: 'order' | 'refund' | 'cancellation';
  shopId: string;
  orderId: string;
  orderNumber: string;
  refundId: string | null;
  reference: string;
  status: LedgerStatus;
  /** Set while a run holds the claim. */
  claimedBy: string | null;
  claimExpiresAt: string | null;
  /** Set before the first write call; if present on a later attempt, the target may already hold the document. */
  writeStartedAt: string | null;
  documentId: string | null;
  documentType: string | null;
  documentNumber: string | null;
  documentUrl: string | null;
  customerId: string | null;
  /** Totals as booked, for reconciliation. */
  gross: string | null;
  vat: string | null;
  contentHash: string | null;
  attempts: number;
  lastError: { code: string; message: string; remoteMessage?: string } | null;
  nextRetryAt: string | null;
  skipReason: string | null;
  updatedAt: string;
  createdAt: string;
}

export type ClaimResult =
  | { ok: true; entry: LedgerEntry }
  /** Already booked/skipped, or claimed by another live run. */
  | { ok: false; entry: LedgerEntry; reason: 'booked' | 'skipped' | 'claimed-elsewhere' };

export interface TokenRecord {
  /** Opaque JSON the target stores (access token, refresh token, expiry). */
  value: Record<string, unknown>;
  /** Incremented on every successful write. */
  version: number;
}

export interface RunRecord {
  id: string;
  command: string;
  startedAt: string;
  finishedAt: string | null;
  booked: number;
  failed: number;
  skipped: number;
  message: string;
}

export interface Store {
  /** A fresh run id that this store can later judge alive or dead (`isRunAlive`). */
  newRunId(): string;
  /**
   * False only when the run is known dead (a same-host process that is gone, or a run whose
   * heartbeat lease expired); true when alive or unknown. A claim of a dead run may be taken over
   * before its lease ends.
   */
  isRunAlive(runId: string): Promise<boolean>;

  getEntry(key: string): Promise<LedgerEntry | null>;
  /**
   * Atomically claim an entry for `runId` for `leaseMs` (creating it from `init` if new).
   * Fails if it is booked or skipped, or claimed by another run whose lease has not expired.
   */
  claim(key: string, init: Omit<LedgerEntry, 'status' | 'claimedBy' | 'claimExpiresAt' | 'writeStartedAt' | 'documentId' | 'documentType' | 'documentNumber' | 'documentUrl' | 'customerId' | 'gross' | 'vat' | 'attempts' | 'lastError' | 'nextRetryAt' | 'skipReason' | 'updatedAt' | 'createdAt'>, runId: string, leaseMs: number): Promise<ClaimResult>;
  /**
   * Update fields of an entry. Durable before it resolves.
   *
   * With `opts.holder` (fencing): applied only while `entry.claimedBy === holder`, atomically with
   * that check (compare-and-set on the run id); otherwise nothing changes and it throws
   * `ShopbooksError('ClaimLost', …, { retryable: true })`. Every update a run makes under a claim
   * passes its run id, so a run whose lease expired and was taken over can record nothing.
   */
  update(key: string, patch: Partial<LedgerEntry>, opts?: { holder?: string }): Promise<LedgerEntry>;
  /**
   * Heartbeat: extend `runId`'s claim on `key` to now + `leaseMs`. Resolves false (and changes
   * nothing) when the entry is no longer claimed by `runId` (taken over, released, or missing).
   */
  renewClaim(key: string, runId: string, leaseMs: number): Promise<boolean>;
  listEntries(filter?: { status?: LedgerStatus; shopId?: string; dueBefore?: string }): Promise<LedgerEntry[]>;

  getCursor(name: string): Promise<string | null>;
  setCursor(name: string, value: string): Promise<void>;

  /** A small key-value map for caches that must survive runs (customer matches by e-mail, item ids). */
  getMapping(namespace: string, key: string): Promise<string | null>;
  setMapping(namespace: string, key: string, value: string): Promise<void>;

  getToken(name: string): Promise<TokenRecord | null>;
  /** Write only if the stored version still equals `expectedVersion` (null = no token yet). */
  compareAndSwapToken(name: string, expectedVersion: number | null, value: Record<string, unknown>): Promise<boolean>;

  /** Run `fn` holding a cross-process lock `name` (e.g. the token refresh of one connection). */
  withLock<T>(name: string, fn: () => Promise<T>, opts?: { timeoutMs?: number }): Promise<T>;

  startRun(command: string): Promise<RunRecord>;
  finishRun(run: RunRecord): Promise<void>;
  listRuns(limit: number): Promise<RunRecord[]>;

  close(): Promise<void>;
}
