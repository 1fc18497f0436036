/**
 * Customers without per-order look-ups: the e-mail → account map of one administration, kept in
 * the store and brought up to date from `sync/CRM/Accounts` (the accounts created or changed since
 * the Timestamp cursor stored per division). A run reads the changes once, at its first customer
 * the map does not know; before a create it reads them again only when that read is older than a
 * minute, so an account made meanwhile in Exact (by the accountant, by another shop) is found
 * rather than made twice, at no more than one extra call a minute.
 *
 * Where the sync endpoint is refused (403/404: an administration or licence without it) the map
 * says so and customers are looked up by e-mail one by one, as before; that answer is remembered
 * for a day so the refused call does not count against Exact's error budget every run.
 */
import { asShopbooksError } from '../../model/errors';
import type { Store } from '../../store/port';
import { pickAccount } from './findAccount';
import {
  FIRST_TIMESTAMP,
  accountChangesPath,
  laterTimestamp,
  readAccountChanges,
  type SyncedAccount,
} from './syncAccounts';
import type { ExactTransport } from './transport';

/** `${division}:${email}` → account id. '' (LOOK_UP) = the account known for it was blocked: look the e-mail up. */
export const ACCOUNT_MAPPING = 'exact-account';
/** `${division}:${code}` → account id, for the collective debtor's code. */
export const ACCOUNT_CODE_MAPPING = 'exact-account-code';
/** `${division}:accounts` → `unavailable:<epoch ms>` when Exact refused the sync endpoint. */
export const SYNC_STATE_MAPPING = 'exact-sync';
export const LOOK_UP = '';
/** How old the last read may be before a create reads the changes again. */
export const REREAD_BEFORE_CREATE_MS = 60_000;
/** How long a refused sync endpoint is not asked again. */
export const RECHECK_UNAVAILABLE_MS = 24 * 3600_000;
const MAX_PAGES = 10_000;

export function accountsCursorName(division: number): string {
  return `exact-accounts:${division}`;
}

export function normaliseEmail(email: string | null): string {
  return (email ?? '').trim().toLowerCase();
}

function syncRefused(e: unknown): boolean {
  const status = asShopbooksError(e).details.status;
  return status === 403 || status === 404;
}

export class ExactAccountMap {
  /** The store this run read the changes into (a run = one prepare), when, and whether it could. */
  private readInto: Store | null = null;
  private readAt = 0;
  private usable = true;

  constructor(
    private readonly t: ExactTransport,
    private readonly division: number,
    private readonly opts: {
      collectiveCode?: string;
      log: (event: string, data?: Record<string, unknown>) => void;
    },
  ) {}

  /** A new run reads the changes again. */
  reset(): void {
    this.readInto = null;
    this.readAt = 0;
    this.usable = true;
  }

  emailKey(email: string): string {
    return `${this.division}:${email}`;
  }

  codeKey(code: string): string {
    return `${this.division}:${code.trim()}`;
  }

  /**
   * Bring the map in `store` up to date, unless this run did so already (and, with `maxAgeMs`,
   * less than that long ago). False: the sync endpoint cannot be used now, look customers up
   * one by one.
   */
  async refresh(store: Store, maxAgeMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (this.readInto === store && (!this.usable || this.t.now() - this.readAt < maxAgeMs))
      return this.usable;
    this.readInto = store;
    this.readAt = this.t.now();
    // Until the read succeeds this run looks customers up (a store error while reading propagates).
    this.usable = false;
    this.usable = await this.readChanges(store);
    return this.usable;
  }

  private async readChanges(store: Store): Promise<boolean> {
    const stateKey = `${this.division}:accounts`;
    const refused = /^unavailable:(\d+)$/.exec((await store.getMapping(SYNC_STATE_MAPPING, stateKey)) ?? '');
    if (refused && this.t.now() - Number(refused[1]) < RECHECK_UNAVAILABLE_MS) return false;
    const cursorName = accountsCursorName(this.division);
    let cursor = (await store.getCursor(cursorName)) ?? FIRST_TIMESTAMP;
    let next: string | null = accountChangesPath(cursor);
    let read = 0;
    try {
      for (let page = 0; next && page < MAX_PAGES; page++) {
        const changes = await readAccountChanges(this.t, next);
        // Map first, cursor after: a crash in between reads the page again, which changes nothing.
        await this.apply(store, changes.accounts);
        const highest = changes.accounts.reduce((m, a) => laterTimestamp(m, a.Timestamp), cursor);
        if (highest !== cursor) {
          cursor = highest;
          await store.setCursor(cursorName, cursor);
        }
        read += changes.accounts.length;
        next = changes.next;
      }
    } catch (e) {
      if (syncRefused(e)) {
        await store.setMapping(SYNC_STATE_MAPPING, stateKey, `unavailable:${this.t.now()}`);
        this.opts.log('exact.accounts.sync-unavailable', {
          division: this.division,
          message: asShopbooksError(e).message,
        });
      } else {
        this.opts.log('exact.accounts.sync-failed', {
          division: this.division,
          message: asShopbooksError(e).message,
        });
      }
      return false;
    }
    if (refused) await store.setMapping(SYNC_STATE_MAPPING, stateKey, 'available');
    this.opts.log('exact.accounts.synced', { division: this.division, changed: read, cursor });
    return true;
  }

  /**
   * Fold changed accounts into the map. The account an e-mail is booked on stays until it is
   * blocked (then the e-mail's best other active account, else LOOK_UP); a new e-mail takes its
   * best active account (pickAccount: customers first).
   */
  private async apply(store: Store, accounts: SyncedAccount[]): Promise<void> {
    const byEmail = new Map<string, SyncedAccount[]>();
    for (const a of accounts) {
      const email = normaliseEmail(a.Email);
      if (email) byEmail.set(email, [...(byEmail.get(email) ?? []), a]);
      if (this.opts.collectiveCode && (a.Code ?? '').trim() === this.opts.collectiveCode.trim()) {
        const key = this.codeKey(a.Code ?? '');
        if (!a.Blocked) await store.setMapping(ACCOUNT_CODE_MAPPING, key, a.ID);
        else if ((await store.getMapping(ACCOUNT_CODE_MAPPING, key)) === a.ID)
          await store.setMapping(ACCOUNT_CODE_MAPPING, key, LOOK_UP);
      }
    }
    for (const [email, group] of byEmail) {
      const key = this.emailKey(email);
      const current = await store.getMapping(ACCOUNT_MAPPING, key);
      const best = pickAccount(group);
      if (current) {
        if (group.some((a) => a.ID === current && a.Blocked))
          await store.setMapping(ACCOUNT_MAPPING, key, best?.ID ?? LOOK_UP);
      } else if (best) {
        await store.setMapping(ACCOUNT_MAPPING, key, best.ID);
      }
    }
  }
}
