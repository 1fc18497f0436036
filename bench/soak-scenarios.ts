/**
 * Soak scenarios of issue 11, kept out of soak.ts:
 *
 * - **A future-dated order**: one order whose `date_modified` lies far in the shop's future (a clock
 *   jump, an import plugin), in the control run and the soak alike. A cursor that followed it would
 *   never see the changes the shop makes during the soak (the next scenario's cancellations).
 * - **Half-finished booking, then cancelled**: between kills, orders whose document write started
 *   but was never confirmed (a cut connection after commit, a kill mid-write) are cancelled in the
 *   shop. Exactly once then means: the document that is in the books is found, recorded and
 *   credited (order + cancellation, netting to zero); one that never landed is neither booked nor
 *   credited. Nothing else may appear or go missing.
 */
import type { Sandbox } from '../sync-core/src/sandbox';
import type { BooksDocument } from '../sync-core/src/sandbox/books';
import { FileStore } from '../sync-core/src/store/file-store';

/** date_modified of the future-dated order (WooCommerce GMT format). */
const FUTURE = '2099-01-01T00:00:00';

export interface ScenarioStats {
  futureDatedOrder: string | null;
  /** Order ids and their document references. */
  cancelledHalfFinished: Array<{ orderId: string; reference: string }>;
}

export class SoakScenarios {
  readonly stats: ScenarioStats = { futureDatedOrder: null, cancelledHalfFinished: [] };

  constructor(private readonly maxCancellations = 6) {}

  /** Both sandboxes (control and soak): add the future-dated order, deterministically. */
  seed(sb: Sandbox): void {
    const woo = sb.shop.woo;
    if (!woo) return;
    const template = [...woo.shop.orders.values()].find((o) => o.status === 'completed' && o.refunds.length === 0 && o.currency === 'EUR' && o.billing.country === 'NL');
    if (!template) return;
    const id = woo.shop.newPostId();
    const copy = structuredClone(template);
    Object.assign(copy, { id, number: String(id), order_key: `wc_order_future_${id}`, date_modified_gmt: FUTURE, verbatim: undefined });
    woo.shop.addOrder(copy);
    this.stats.futureDatedOrder = String(id);
  }

  /** Between kills: cancel orders whose write started and was not confirmed. */
  async betweenKills(sb: Sandbox, stateDir: string): Promise<void> {
    const woo = sb.shop.woo;
    if (!woo || this.stats.cancelledHalfFinished.length >= this.maxCancellations) return;
    const entries = await new FileStore(stateDir).listEntries();
    const withRefunds = new Set(entries.filter((e) => e.kind !== 'order').map((e) => e.orderId));
    const half = entries.filter((e) => e.kind === 'order' && e.writeStartedAt && e.status !== 'booked' && e.status !== 'skipped' && !withRefunds.has(e.orderId));
    for (const e of half) {
      if (this.stats.cancelledHalfFinished.length >= this.maxCancellations) break;
      const o = woo.shop.getOrder(Number(e.orderId));
      if (!o || o.refunds.length || !['processing', 'completed'].includes(o.status) || e.orderId === this.stats.futureDatedOrder) continue;
      woo.shop.setStatus(o.id, 'cancelled');
      this.stats.cancelledHalfFinished.push({ orderId: e.orderId, reference: e.reference });
    }
  }

  /**
   * The control run did not cancel them: a cancelled order's document is expected with its
   * cancellation when it is in the books, and neither when it never landed.
   */
  adjustExpected(expected: Map<string, string>, books: Map<string, BooksDocument>): void {
    for (const { reference: ref } of this.stats.cancelledHalfFinished) {
      expected.delete(ref);
      if (books.has(ref)) {
        expected.set(ref, 'order');
        expected.set(`${ref}-C`, 'cancellation');
      }
    }
  }
}
