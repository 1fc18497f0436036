/**
 * Test doubles for engine unit tests: a Source over a list of canonical orders and a Target that
 * keeps documents in memory and honours the Target contract (lookup by reference when `mayExist`).
 * End-to-end tests use the real simulators; these isolate the engine's own logic.
 */
import type { Order, TaxRate } from '../model/order';
import { ShopbooksError } from '../model/errors';
import type { BookingPlan } from '../plan/types';
import type { OrderPage, OrderQuery, Source, SourceOrder } from '../sources/port';
import type { DocumentRef, Target } from '../targets/port';

export class ListSource implements Source {
  readonly platform = 'woocommerce' as const;
  callCount = 0;
  constructor(
    readonly shopId: string,
    public orders: SourceOrder[],
    private readonly pageSize = 3,
  ) {}
  async *listOrders(q: OrderQuery): AsyncIterable<OrderPage> {
    const mod = (o: SourceOrder) => (o.ok ? o.order.modifiedAt : o.modifiedAt ?? '');
    const created = (o: SourceOrder) => (o.ok ? o.order.createdAt : '');
    const id = (o: SourceOrder) => (o.ok ? o.order.id : o.id);
    const list = this.orders
      .filter((o) => !q.modifiedAfter || mod(o) > q.modifiedAfter)
      .filter((o) => !q.createdAfter || created(o) > q.createdAfter)
      .filter((o) => !q.createdBefore || created(o) < q.createdBefore)
      .filter((o) => !q.ids || q.ids.includes(id(o)))
      .sort((a, b) => mod(a).localeCompare(mod(b)) || Number(id(a)) - Number(id(b)));
    const totalPages = Math.max(1, Math.ceil(list.length / this.pageSize));
    for (let p = 0; p < totalPages; p++) {
      this.callCount++;
      yield { orders: list.slice(p * this.pageSize, (p + 1) * this.pageSize), page: p + 1, totalPages, totalOrders: list.length };
    }
  }
  async getOrder(orderId: string): Promise<SourceOrder> {
    this.callCount++;
    const o = this.orders.find((x) => (x.ok ? x.order.id : x.id) === orderId);
    if (!o) throw new ShopbooksError('RemoteNotFound', `Order ${orderId} not found`);
    return o;
  }
  async listTaxRates(): Promise<TaxRate[]> {
    return [];
  }
  /** The shop's clock as its Date header would say (null: the source sends none). */
  clock: string | null = null;
  shopTime(): string | null {
    return this.clock;
  }
}

export function ok(order: Order): SourceOrder {
  return { ok: true, order };
}

export class MemoryTarget implements Target {
  readonly name = 'exact' as const;
  docs: Array<{ id: string; plan: BookingPlan }> = [];
  calls = { read: 0, write: 0 };
  /** Fail the next N writes after committing them (a timeout whose outcome is unknown). */
  failAfterCommit = 0;
  /** Fail the next N writes before committing (a clean 5xx). */
  failBeforeCommit = 0;
  async prepare() {
    return { problems: [] };
  }
  async validate(plan: BookingPlan) {
    if (plan.customer.company.length > 50) return { ok: false as const, error: new ShopbooksError('NameTooLong', 'Company name longer than 50 characters') };
    return { ok: true as const };
  }
  async findDocument(plan: BookingPlan): Promise<DocumentRef | null> {
    this.calls.read++;
    const d = this.docs.find((x) => x.plan.reference === plan.reference);
    return d ? { id: d.id, type: 'Doc', number: d.id, url: null, customerId: null, recovered: true } : null;
  }
  async bookDocument(plan: BookingPlan, opts: { mayExist: boolean }): Promise<DocumentRef> {
    if (opts.mayExist) {
      const found = await this.findDocument(plan);
      if (found) return found;
    }
    this.calls.write++;
    if (this.failBeforeCommit > 0) {
      this.failBeforeCommit--;
      throw new ShopbooksError('RemoteUnavailable', 'Service unavailable', { retryable: true });
    }
    const id = `doc-${this.docs.length + 1}`;
    this.docs.push({ id, plan });
    if (this.failAfterCommit > 0) {
      this.failAfterCommit--;
      throw new ShopbooksError('Timeout', 'No answer within 30 s; the document may have been created', { retryable: true });
    }
    return { id, type: 'Doc', number: id, url: null, customerId: null, recovered: false };
  }
  callStats() {
    return { ...this.calls };
  }
}
