/**
 * The orders a `paidOnly` sync left waiting because the shop has not recorded their payment
 * ("not paid yet"), kept per shop in the store so `shopbooks status` can list them. An order leaves
 * the list when a later run books it or no longer finds it waiting.
 */
import type { OrderOutcome } from '../engine/sync';
import { NOT_PAID_YET } from '../engine/rules';
import type { Store } from '../store/port';

const NAMESPACE = 'awaiting-payment';

export interface AwaitingPayment {
  orderId: string;
  orderNumber: string | null;
  state: string | null;
  since: string;
}

export async function loadAwaitingPayment(store: Store, shopId: string): Promise<AwaitingPayment[]> {
  const raw = await store.getMapping(NAMESPACE, shopId);
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? (v as AwaitingPayment[]) : [];
  } catch {
    return [];
  }
}

/** Fold one run's outcomes into the list and save it. */
export async function recordAwaitingPayment(store: Store, shopId: string, outcomes: OrderOutcome[], nowIso: string): Promise<AwaitingPayment[]> {
  const byId = new Map((await loadAwaitingPayment(store, shopId)).map((a) => [a.orderId, a]));
  for (const o of outcomes) {
    if (o.ignored?.startsWith(NOT_PAID_YET)) {
      if (!byId.has(o.orderId)) byId.set(o.orderId, { orderId: o.orderId, orderNumber: o.orderNumber, state: o.state, since: nowIso });
    } else byId.delete(o.orderId);
  }
  const list = [...byId.values()];
  await store.setMapping(NAMESPACE, shopId, JSON.stringify(list));
  return list;
}
