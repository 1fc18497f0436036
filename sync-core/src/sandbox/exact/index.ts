/**
 * A strict, local Exact Online REST API simulator (spec: ../shared/specs/exact-online.md, section 12).
 *
 *   const sim = await startExactSimulator();
 *   const refresh = sim.issueRefreshToken();           // as if the user consented
 *   // POST `${sim.url}/api/oauth2/token` grant_type=refresh_token ... then
 *   // GET  `${sim.url}/api/v1/1234567/crm/Accounts` with Authorization: Bearer ..., Accept: application/json
 *   await sim.close();
 *
 * One server plays every country host (start.exactonline.nl/.be/.de/...): point the client's base URL at `sim.url`.
 */
import type { AddressInfo } from 'node:net';
import { OAuthServer, type ClientRegistration } from './oauth';
import { RateLimiter, ErrorBlocker } from './rate-limit';
import { ExactCore, type FaultKind, type FaultOptions, type SimStats } from './server';
import { newDivision, seedMasterData, type DivisionData } from './store';
import { openReceivables } from './handlers-payments';
import type { Rec } from './odata';
import { DEFAULT_STRING_LIMITS } from './binding';
import { dec } from '../../model/money';

export type { FaultKind, FaultOptions, SimStats } from './server';
export type { ClientRegistration } from './oauth';
export type { DivisionData } from './store';

export interface ExactSimulatorOptions {
  port?: number;
  host?: string;
  /** Injectable clock (epoch ms); default Date.now. */
  now?: () => number;
  clients?: ClientRegistration[];
  /** The consented division (default 1234567). A second division 7654321 exists outside the default consent. */
  division?: number;
  rateLimit?: { minutely?: number; daily?: number; /** scaled-down minute window (ms) for benchmarks; default 60 000 */ windowMs?: number };
  /** Access-token lifetime in seconds (default 600). Refresh is allowed from lifetime - 30 s. */
  tokenLifetimeSec?: number;
  /** Seed Dutch master data (VAT codes, G/L accounts, journals, payment conditions, years 2020-2030). Default true. */
  seedMasterData?: boolean;
  /** Deterministic refresh race mode (see oauth.ts). Default false: a redeemed refresh token is dead at once. */
  refreshRaceMode?: boolean;
  /** Optional cap on token-endpoint calls per app per user per day (Exact: 200). Default: no cap. */
  tokenCallsPerDay?: number;
  /** Optional "10 error responses per endpoint per hour -> blocked for an hour" mode. Default false. */
  errorBlockMode?: boolean;
  /**
   * String length limits keyed `Entity.Field` or `Field` (e.g. `{ YourRef: 30 }`), merged over the
   * documented ones (Items.Description 60, Items.ExtraDescription 255). Exact documents few limits.
   */
  stringLimits?: Record<string, number>;
  /**
   * Settings of seeded journals by code, as an administrator sets them in Exact (e.g.
   * `{ '70': { AllowVariableCurrency: true } }`: the sales journal books foreign currencies).
   */
  journalSettings?: Record<string, Record<string, unknown>>;
  /**
   * The sync endpoints (`sync/CRM/Accounts`): served (default 'on'), or refused with 403/404 as
   * by an administration or licence without them (clients must fall back to per-record look-ups).
   */
  syncApi?: 'on' | 'forbidden' | 'notFound';
}

export interface ExactSimulatorState {
  readonly division: number;
  readonly salesEntries: Rec[];
  readonly salesInvoices: Rec[];
  readonly salesOrders: Rec[];
  readonly accounts: Rec[];
  readonly items: Rec[];
  readonly vatCodes: Rec[];
  readonly glAccounts: Rec[];
  readonly journals: Rec[];
  readonly paymentConditions: Rec[];
  readonly financialPeriods: Rec[];
  readonly documents: Rec[];
  readonly documentAttachments: Rec[];
  readonly cashEntries: Rec[];
  readonly bankEntries: Rec[];
  /** The open items cashflow/Receivables serves (computed: sales entries minus matched payments). */
  receivables(): Rec[];
  readonly emails: DivisionData['emails'];
  /** Any division's data (e.g. 7654321). */
  of(division: number): DivisionData;
}

export interface ExactSimulatorFaults {
  inject(kind: FaultKind, opts?: FaultOptions): void;
  clear(): void;
  /** How long `timeoutAfterCommit` holds a response (default 30 000 ms). */
  delayMs: number;
  /** Faults not yet consumed. */
  readonly pending: number;
}

export interface ExactSimulator {
  url: string;
  close(): Promise<void>;
  issueRefreshToken(clientId?: string, opts?: { divisions?: number[] }): string;
  authorize(q: { clientId: string; redirectUri: string; state?: string; divisions?: number[] }): string;
  state: ExactSimulatorState;
  faults: ExactSimulatorFaults;
  stats: SimStats;
  /** `current/Me` CurrentDivision (test setup: the division the user last opened). */
  setCurrentDivision(division: number): void;
  /** Close (or reopen) a financial period: entries dated in it fail with "Periode is afgesloten". */
  closePeriod(year: number, period: number, closed?: boolean): void;
  /** Switch the refresh race mode at run time. */
  setRefreshRaceMode(on: boolean): void;
  /** What a user does in Exact behind Shopbooks' back (tests of reconciliation and drift). */
  behindTheBack: ExactBehindTheBack;
}

export interface ExactBehindTheBack {
  /** Delete the sales entries carrying this `YourRef` (as a user would in Exact). Returns how many. */
  deleteEntries(yourRef: string): number;
  /** Change the amount excl. VAT of the first line of the entry with this `YourRef` by `delta`. */
  changeLineAmount(yourRef: string, delta: string): boolean;
  /** Move the entry with this `YourRef` to another booking date (YYYY-MM-DD), as a user correcting its period would. */
  moveEntry(yourRef: string, day: string): boolean;
}

export const DEFAULT_CLIENT: ClientRegistration = { clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri: 'http://127.0.0.1/callback' };
export const DEFAULT_DIVISION = 1234567;
export const OTHER_DIVISION = 7654321;

export async function startExactSimulator(opts: ExactSimulatorOptions = {}): Promise<ExactSimulator> {
  const now = opts.now ?? Date.now;
  const mainDivision = opts.division ?? DEFAULT_DIVISION;
  const otherDivision = mainDivision === OTHER_DIVISION ? DEFAULT_DIVISION : OTHER_DIVISION;
  const divisions = new Map<number, DivisionData>();
  divisions.set(mainDivision, newDivision(mainDivision, 'Sandbox Webwinkel B.V.'));
  divisions.set(otherDivision, newDivision(otherDivision, 'Andere Administratie B.V.'));
  if (opts.seedMasterData !== false) for (const d of divisions.values()) seedMasterData(d, now());
  for (const d of divisions.values()) for (const j of d.journals) Object.assign(j, opts.journalSettings?.[j.Code as string] ?? {});

  const oauth = new OAuthServer({
    now,
    tokenLifetimeSec: opts.tokenLifetimeSec ?? 600,
    defaultDivisions: [mainDivision],
    raceMode: opts.refreshRaceMode ?? false,
    tokenCallsPerDay: opts.tokenCallsPerDay,
  });
  for (const c of opts.clients?.length ? opts.clients : [DEFAULT_CLIENT]) oauth.clients.set(c.clientId, { ...c });
  const firstClient = [...oauth.clients.keys()][0];

  let currentDivision = mainDivision;
  const core = new ExactCore({
    now,
    oauth,
    rateLimiter: new RateLimiter({ minutely: opts.rateLimit?.minutely ?? 60, daily: opts.rateLimit?.daily ?? 5000, windowMs: opts.rateLimit?.windowMs }),
    errorBlocker: opts.errorBlockMode ? new ErrorBlocker(10) : null,
    divisions,
    currentDivision: () => currentDivision,
    stringLimits: { ...DEFAULT_STRING_LIMITS, ...(opts.stringLimits ?? {}) },
    syncApi: opts.syncApi ?? 'on',
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    core.server.once('error', reject);
    core.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (core.server.address() as AddressInfo).port;
  const main = divisions.get(mainDivision)!;

  const state: ExactSimulatorState = {
    division: mainDivision,
    get salesEntries() { return main.salesEntries; },
    get salesInvoices() { return main.salesInvoices; },
    get salesOrders() { return main.salesOrders; },
    get accounts() { return main.accounts; },
    get items() { return main.items; },
    get vatCodes() { return main.vatCodes; },
    get glAccounts() { return main.glAccounts; },
    get journals() { return main.journals; },
    get paymentConditions() { return main.paymentConditions; },
    get financialPeriods() { return main.financialPeriods; },
    get documents() { return main.documents; },
    get documentAttachments() { return main.documentAttachments; },
    get cashEntries() { return main.cashEntries; },
    get bankEntries() { return main.bankEntries; },
    receivables: () => openReceivables(main),
    get emails() { return main.emails; },
    of(division: number) {
      const d = divisions.get(division);
      if (!d) throw new Error(`no division ${division}`);
      return d;
    },
  };

  const faults: ExactSimulatorFaults = {
    inject(kind, o = {}) {
      core.faultList.push({ ...o, kind, remaining: o.count ?? 1 });
    },
    clear() {
      core.faultList.length = 0;
    },
    get delayMs() { return core.delayMs; },
    set delayMs(v: number) { core.delayMs = v; },
    get pending() { return core.faultList.reduce((n, f) => n + f.remaining, 0); },
  };

  return {
    url: `http://${host}:${port}`,
    close: () => core.close(),
    issueRefreshToken: (clientId = firstClient, o = {}) => oauth.seedRefreshToken(clientId, o.divisions),
    authorize: (q) => oauth.authorize(q),
    state,
    faults,
    stats: core.stats,
    setCurrentDivision(division) {
      if (!divisions.has(division)) throw new Error(`no division ${division}`);
      currentDivision = division;
    },
    closePeriod(year, period, closed = true) {
      for (const d of divisions.values()) {
        if (closed) d.closedPeriods.add(`${year}-${period}`);
        else d.closedPeriods.delete(`${year}-${period}`);
      }
    },
    setRefreshRaceMode(on) {
      oauth.opts.raceMode = on;
    },
    behindTheBack: tamperWith(main, now),
  };
}

function tamperWith(d: DivisionData, now: () => number): ExactBehindTheBack {
  const byRef = (ref: string) => d.salesEntries.filter((e) => e.YourRef === ref);
  return {
    deleteEntries(yourRef) {
      const hits = byRef(yourRef);
      for (const e of hits) d.salesEntries.splice(d.salesEntries.indexOf(e), 1);
      return hits.length;
    },
    changeLineAmount(yourRef, delta) {
      const e = byRef(yourRef)[0];
      const line = e ? ((e.SalesEntryLines as Rec[] | undefined) ?? [])[0] : undefined;
      if (!e || !line) return false;
      const add = (v: unknown) => dec(String(v ?? '0')).plus(delta).toFixed(2);
      line.AmountFC = add(line.AmountFC);
      line._gross = add(line._gross);
      line.VATBaseAmountFC = add(line.VATBaseAmountFC);
      e.AmountFC = add(e.AmountFC);
      e.Modified = now();
      return true;
    },
    moveEntry(yourRef, day) {
      const e = byRef(yourRef)[0];
      if (!e) return false;
      e.EntryDate = Date.parse(`${day}T00:00:00Z`);
      e.ReportingYear = Number(day.slice(0, 4));
      e.ReportingPeriod = Number(day.slice(5, 7));
      e.Modified = now();
      return true;
    },
  };
}
