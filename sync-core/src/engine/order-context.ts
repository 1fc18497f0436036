/** What the per-order steps (process-order.ts, cancel-order.ts) share within one run. */
import type { Order } from '../model/order';
import type { PlanSettings } from '../plan/settings';
import { orderReference } from '../plan/reference';
import type { LedgerEntry, Store } from '../store/port';
import type { DocumentRef, Target } from '../targets/port';
import { ledgerKey, type BookDeps, type BookOutcome, type EntryIdentity } from './book-document';
import type { SyncRules } from './rules';

export interface OrderContext {
  /** The source's shop id (ledger keys of orders that could not be read). */
  shopId: string;
  store: Store;
  target: Target;
  rules: SyncRules;
  plan: PlanSettings;
  book: BookDeps;
  now: () => number;
}

export interface OrderResult {
  outcomes: BookOutcome[];
  ignored?: string;
}

export function orderIdentity(order: Pick<Order, 'shopId' | 'id' | 'number'>, prefix: string): EntryIdentity {
  return { key: ledgerKey(order.shopId, 'order', order.id), kind: 'order', shopId: order.shopId, orderId: order.id, orderNumber: order.number, refundId: null, reference: orderReference(prefix, order.number) };
}

export function docRef(e: LedgerEntry): DocumentRef {
  return { id: e.documentId ?? '', type: e.documentType ?? '', number: e.documentNumber, url: e.documentUrl, customerId: e.customerId, recovered: false };
}
