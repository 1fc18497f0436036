/**
 * The run summary: what one sync run booked, skipped and failed, and what it booked in total and
 * per VAT rate against the shop's own figures (the reconciliation the CLI and the plugin show).
 */
import type { ShopbooksError } from '../model/errors';
import { D, dec, fixed } from '../model/money';
import type { SourceOrder } from '../sources/port';
import type { BookOutcome } from './book-document';

export type SyncMode = 'sync' | 'backfill' | 'retry' | 'rebook';

export interface OrderOutcome {
  orderId: string;
  orderNumber: string | null;
  state: string | null;
  /** The shop's own status (e.g. WooCommerce `pending`), when the order could be read. */
  status?: string;
  outcomes: BookOutcome[];
  /** Set when the order could not be read or mapped. */
  readError?: ShopbooksError;
  ignored?: string;
}

export interface RateTotals {
  key: string;
  base: string;
  vat: string;
}

export interface SyncSummary {
  runId: string;
  mode: SyncMode;
  dryRun: boolean;
  ordersSeen: number;
  booked: { order: number; refund: number; cancellation: number };
  recovered: number;
  alreadyBooked: number;
  skipped: number;
  failed: number;
  persistentFailures: number;
  /** Entries another live run had claimed (left to it). */
  claimedElsewhere: number;
  /** The whole run did nothing because another run of the same connection was in progress. */
  runBusy: boolean;
  message: string;
  ignored: number;
  /** Ledger keys of booked orders that changed in the shop since (see `changed` for the re-book command). */
  changedAfterBooking: string[];
  changed: Array<{ orderId: string; orderNumber: string | null; bookedGross: string | null; rebook: string }>;
  failures: Array<{ key: string; orderNumber: string | null; code: string; message: string; remoteMessage?: string }>;
  /** What this run booked, in total and per VAT rate, against the shop's own figures. */
  bookedGross: string;
  bookedVat: string;
  bookedByRate: RateTotals[];
  shopGross: string;
  shopVat: string;
  cursor: string | null;
  sourceCalls: number;
  targetCalls: Record<string, number>;
  startedAt: string;
  finishedAt: string;
}

export function emptySummary(runId: string, mode: SyncMode, dryRun: boolean, startedAt: string): SyncSummary {
  return {
    runId,
    mode,
    dryRun,
    runBusy: false,
    message: '',
    ordersSeen: 0,
    booked: { order: 0, refund: 0, cancellation: 0 },
    recovered: 0,
    alreadyBooked: 0,
    skipped: 0,
    failed: 0,
    persistentFailures: 0,
    claimedElsewhere: 0,
    ignored: 0,
    changedAfterBooking: [],
    changed: [],
    failures: [],
    bookedGross: '0.00',
    bookedVat: '0.00',
    bookedByRate: [],
    shopGross: '0.00',
    shopVat: '0.00',
    cursor: null,
    sourceCalls: 0,
    targetCalls: {},
    startedAt,
    finishedAt: '',
  };
}

/** Adds each order's outcomes to the summary; `close` writes the money totals into it. */
export class SummaryAccounting {
  private readonly byRate = new Map<string, { base: InstanceType<typeof D>; vat: InstanceType<typeof D> }>();
  private bookedGross = new D(0);
  private bookedVat = new D(0);
  private shopGross = new D(0);
  private shopVat = new D(0);

  constructor(
    readonly summary: SyncSummary,
    private readonly onOutcome?: (o: OrderOutcome) => void,
  ) {}

  record(order: SourceOrder, outcomes: BookOutcome[], ignored?: string): void {
    const summary = this.summary;
    for (const o of outcomes) {
      switch (o.status) {
        case 'booked': {
          const kind = o.plan.kind;
          summary.booked[kind]++;
          if (o.recovered) summary.recovered++;
          this.bookedGross = this.bookedGross.plus(o.plan.totals.gross);
          this.bookedVat = this.bookedVat.plus(o.plan.totals.vat);
          this.shopGross = this.shopGross.plus(o.plan.shop.gross);
          this.shopVat = this.shopVat.plus(o.plan.shop.vat);
          for (const v of o.plan.vatByRate) {
            const cur = this.byRate.get(v.key) ?? { base: new D(0), vat: new D(0) };
            cur.base = cur.base.plus(v.base);
            cur.vat = cur.vat.plus(v.vat);
            this.byRate.set(v.key, cur);
          }
          break;
        }
        case 'already-booked':
          summary.alreadyBooked++;
          if (o.changed && !summary.changedAfterBooking.includes(o.key)) {
            summary.changedAfterBooking.push(o.key);
            const orderId = order.ok ? order.order.id : order.id;
            summary.changed.push({ orderId, orderNumber: order.ok ? order.order.number : order.number, bookedGross: o.entry.gross, rebook: `shopbooks rebook --order ${orderId}` });
          }
          break;
        case 'skipped':
          summary.skipped++;
          break;
        case 'busy':
          summary.claimedElsewhere++;
          break;
        case 'failed':
          summary.failed++;
          if (o.persistent) summary.persistentFailures++;
          summary.failures.push({ key: o.key, orderNumber: order.ok ? order.order.number : order.number, code: o.error.code, message: o.error.message, ...(o.error.remoteMessage ? { remoteMessage: o.error.remoteMessage } : {}) });
          break;
      }
    }
    if (ignored) summary.ignored++;
    this.onOutcome?.({
      orderId: order.ok ? order.order.id : order.id,
      orderNumber: order.ok ? order.order.number : order.number,
      state: order.ok ? order.order.state : null,
      ...(order.ok ? { status: order.order.status } : {}),
      outcomes,
      ...(order.ok ? {} : { readError: order.error }),
      ...(ignored ? { ignored } : {}),
    });
  }

  close(): void {
    const summary = this.summary;
    summary.bookedGross = fixed(this.bookedGross);
    summary.bookedVat = fixed(this.bookedVat);
    summary.shopGross = fixed(this.shopGross);
    summary.shopVat = fixed(this.shopVat);
    summary.bookedByRate = [...this.byRate.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, base: fixed(v.base), vat: fixed(v.vat) }));
  }
}

export function reconciles(s: SyncSummary): boolean {
  return dec(s.bookedGross).eq(s.shopGross) && dec(s.bookedVat).eq(s.shopVat);
}
