/**
 * Changed-order detection for CCV Shop, which has no "modified since" filter (see docs/sources.md).
 *
 * The tracker keeps, per order, a fingerprint of the fields that matter for the books (status,
 * paid flag, totals, payment method, coupon, invoice number) and the instant that version was
 * first seen (`detectedAt`). That instant is the order's `modifiedAt`: an order is "modified
 * after X" when its current version was first seen after X. Because the detection instant is
 * persisted before the orders are handed out, a run that crashes before its cursor moves sees the
 * same orders again next time (their detectedAt is still after the old cursor).
 *
 * State lives in the Store's mapping table (namespace `ccvshop-changes`, one JSON value per shop);
 * without a store it lives in memory for the life of the source.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../../store/port';

export interface TrackedOrder {
  /** Fingerprint of the booked-relevant fields. */
  h: string;
  /** When this version was first seen (ISO). */
  d: string;
  /** create_date, for pruning and re-scan windows. */
  c: string;
  /** Not completed or cancelled, or not paid: it may still change. */
  open: boolean;
  /** When the paid flag was first seen set. */
  p: string | null;
}

export interface WebhookHint {
  id: string;
  event: string;
  triggeredAt: string | null;
  paid: boolean | null;
}

export interface TrackerState {
  v: 1;
  orders: Record<string, TrackedOrder>;
  /** Last time open orders outside the re-scan windows were re-read by id. */
  lastOpenRescan: string | null;
  /** The last detection instant handed out (ms); detection instants are strictly increasing. */
  last?: number;
  hints: Record<string, WebhookHint>;
}

const NAMESPACE = 'ccvshop-changes';

export const FINGERPRINT_FIELDS = [
  'status',
  'paid',
  'is_completed',
  'total_price',
  'total_tax',
  'total_orderrow_price',
  'total_shipping',
  'total_discounts',
  'paymethod',
  'paymethod_costs',
  'extra_costs',
  'credit_point_discount',
  'extra_payment_option_price',
  'invoicenumber',
  'currency',
  'is_intra_community_order',
  'order_row_taxes_included',
] as const;

export function fingerprint(order: Record<string, unknown>): string {
  const customer = (order.customer ?? {}) as Record<string, unknown>;
  const picked = [
    ...FINGERPRINT_FIELDS.map((f) => order[f] ?? null),
    customer.email ?? null,
    customer.btw ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(picked)).digest('hex').slice(0, 24);
}

export function isOpen(order: Record<string, unknown>): boolean {
  const status = Number(order.status);
  if (status === 8) return false;
  return !(status === 7 && order.paid === true);
}

export class CcvChangeTracker {
  private state: TrackerState | null = null;
  private readonly memory: { value: string | null } = { value: null };

  constructor(
    private readonly shopId: string,
    private readonly store: Store | null,
  ) {}

  async load(): Promise<TrackerState> {
    if (this.state) return this.state;
    const raw = this.store ? await this.store.getMapping(NAMESPACE, this.shopId) : this.memory.value;
    let parsed: TrackerState | null = null;
    if (raw) {
      try {
        const v = JSON.parse(raw) as TrackerState;
        if (v && v.v === 1 && typeof v.orders === 'object') parsed = v;
      } catch {
        parsed = null;
      }
    }
    this.state = parsed ?? { v: 1, orders: {}, lastOpenRescan: null, hints: {} };
    return this.state;
  }

  async save(): Promise<void> {
    if (!this.state) return;
    const raw = JSON.stringify(this.state);
    if (this.store) await this.store.setMapping(NAMESPACE, this.shopId, raw);
    else this.memory.value = raw;
  }

  /** Record the current version of an order; returns its tracking record. */
  async observe(order: Record<string, unknown>, nowIso: string): Promise<TrackedOrder> {
    const st = await this.load();
    const id = String(order.id);
    const h = fingerprint(order);
    const prev = st.orders[id];
    const hint = st.hints[id];
    const paid = order.paid === true;
    let p = prev?.p ?? null;
    if (paid && !p) {
      // First seen paid: the webhook's trigger time if we have it; else, for an order we see for
      // the first time already paid, its creation (online payments complete at checkout); else now.
      p =
        hint?.paid === true && hint.triggeredAt
          ? hint.triggeredAt
          : prev
            ? nowIso
            : String(order.create_date ?? nowIso);
    }
    if (!paid) p = null;
    let rec: TrackedOrder;
    if (prev && prev.h === h) rec = { ...prev, p, open: isOpen(order) };
    else {
      // Unique, strictly increasing instants: no two versions tie, so an engine that moves its
      // cursor order by order can never skip an order that shares the cursor's instant.
      const at = Math.max(Date.parse(nowIso), (st.last ?? 0) + 1);
      st.last = at;
      rec = { h, d: new Date(at).toISOString(), c: String(order.create_date ?? ''), open: isOpen(order), p };
    }
    st.orders[id] = rec;
    delete st.hints[id];
    return rec;
  }

  async hint(h: WebhookHint): Promise<void> {
    const st = await this.load();
    st.hints[h.id] = h;
    await this.save();
  }

  /** Forget finished orders created before `before` whose last change is before `cursor`. */
  async prune(before: number, cursor: number): Promise<void> {
    const st = await this.load();
    for (const [id, t] of Object.entries(st.orders)) {
      if (!t.open && Date.parse(t.c) < before && Date.parse(t.d) <= cursor) delete st.orders[id];
    }
  }
}
