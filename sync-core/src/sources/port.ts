/**
 * The Source port: one shop platform, read-only. Sources map the platform's payloads to the
 * canonical Order (model/order.ts) and never know anything about accounting.
 */
import type { Order, Platform, TaxRate } from '../model/order';
import type { ShopbooksError } from '../model/errors';

/** One order as read from the shop: mapped, or refused with a reason (the run goes on). */
export type SourceOrder =
  | {
      ok: true;
      order: Order;
      /**
       * Refunds the order lists that could not be read (a malformed amount, a failed refunds
       * fetch). `order.refunds` holds the readable ones; each of these is recorded as its refund's
       * failure (and retried) instead of hiding the whole order or being dropped.
       */
      refundErrors?: RefundReadError[];
    }
  | {
      ok: false;
      /** The shop's order id, when it could be read. */
      id: string;
      number: string | null;
      modifiedAt: string | null;
      error: ShopbooksError;
    };

export interface RefundReadError {
  /** The shop's refund id. */
  id: string;
  error: ShopbooksError;
}

export interface OrderQuery {
  /** ISO-8601 UTC; orders modified strictly after this instant. */
  modifiedAfter?: string;
  modifiedBefore?: string;
  /** ISO-8601 UTC; on creation date (backfill). */
  createdAfter?: string;
  createdBefore?: string;
  /** Platform status names to include; all when absent. */
  statuses?: string[];
  /** Only these order ids (preview --order, retries). */
  ids?: string[];
}

export interface OrderPage {
  orders: SourceOrder[];
  /** 1-based page number and the total pages the shop reported, for progress bars. */
  page: number;
  totalPages: number;
  totalOrders: number;
}

export interface Source {
  readonly platform: Platform;
  /** Stable id of this shop; part of every reference and ledger key. */
  readonly shopId: string;
  /** Orders in ascending modification order (ties by id), page by page. */
  listOrders(query: OrderQuery): AsyncIterable<OrderPage>;
  /** One order by the shop's id (with its refunds). */
  getOrder(id: string): Promise<SourceOrder>;
  /** The shop's tax rates. */
  listTaxRates(): Promise<TaxRate[]>;
  /** Calls made so far (for the reconciliation's "API calls used"). */
  readonly callCount: number;
  /**
   * The shop's clock (ISO-8601 UTC) as of its latest response (its HTTP `Date` header), or null
   * when it sent none. The cursor never moves past it minus a safety margin. Optional: a source
   * without it is capped by the local clock.
   */
  shopTime?(): string | null;
}

export type { ShopbooksError };
