/**
 * Period reconciliation (issue 14 part 1): per box of the Dutch VAT return, what the shop sold in
 * the period against what the books hold, read back from the books themselves (the target's
 * `readBooks`, never the ledger's memory), and the documents behind every difference with their
 * reason. Every cent is explained: per currency and box, the difference equals the sum of the
 * listed documents' differences (checked before the result is returned).
 *
 * Shop side: every order and refund of the shop, planned with the sync's own plan code (so the VAT
 * treatment is the one the sync books) and kept when its booking date falls in the period. The
 * ledger is read only to say *why* a document is not in the books (failed, skipped, booked in
 * another period).
 */
import { D, fixed } from '../model/money';
import { ShopbooksError } from '../model/errors';
import type { Order } from '../model/order';
import { planCancellation, planOrder, planRefund, type PlanOutcome } from '../plan/index';
import { planSettings, type PlanSettings, type PlanSettingsInput } from '../plan/settings';
import type { BookingPlan } from '../plan/types';
import type { Source } from '../sources/port';
import type { LedgerEntry, Store } from '../store/port';
import type { BookedDocument, Target, TargetContext } from '../targets/port';
import { ledgerKey, REFERENCE_MAPPING } from '../engine/book-document';
import { REFUND_PENDING, refundIdentity } from '../engine/process-order';
import { currentOrderIdentity, withReference } from '../engine/rebook';
import { isCancelled, notBookableReason, SyncRules, type SyncRulesInput } from '../engine/rules';
import { inPeriod, type Period } from './period';
import { compareBoxes, unmappedBox, vatBox } from './vat-boxes';

type Dec = InstanceType<typeof D>;

export interface Amounts {
  turnover: string;
  vat: string;
}

export interface BoxRow {
  currency: string;
  box: string;
  shop: Amounts;
  books: Amounts;
  difference: Amounts;
  /** Documents behind the difference (see `items`). */
  documents: number;
}

/** One document's share of a box difference, with the reason. `difference` = shop − books. */
export interface ReconciliationItem {
  reference: string;
  orderNumber: string | null;
  kind: string;
  currency: string;
  box: string;
  reason: string;
  shop: Amounts;
  books: Amounts;
  difference: Amounts;
}

export interface PeriodReconciliation {
  period: Period;
  rows: BoxRow[];
  items: ReconciliationItem[];
  documents: { shop: number; books: number; matched: number };
  /** Orders the shop served but that could not be read (no amounts to reconcile). */
  unreadable: Array<{ orderId: string; orderNumber: string | null; reason: string }>;
  calls: { shop: number; books: number };
  /** True when every box differs by 0.00. */
  tiesOut: boolean;
}

export interface ReconcileDeps {
  source: Source;
  target: Target;
  store: Store;
  plan: PlanSettingsInput | PlanSettings;
  rules: SyncRulesInput | SyncRules;
}

interface BoxSums {
  turnover: Dec;
  vat: Dec;
}
type Boxes = Map<string, BoxSums>;

interface ShopDocument {
  reference: string;
  orderNumber: string;
  kind: string;
  date: string;
  currency: string;
  boxes: Boxes;
  keys: Set<string>;
  /** Set when the plan refused the document: it cannot be booked as it is. */
  refused: string | null;
  key: string;
}

const zero = (): BoxSums => ({ turnover: new D(0), vat: new D(0) });
const amounts = (s: BoxSums | undefined): Amounts => ({
  turnover: fixed(s?.turnover ?? 0),
  vat: fixed(s?.vat ?? 0),
});

function addBox(b: Boxes, box: string, turnover: Dec | string, vat: Dec | string): void {
  const cur = b.get(box) ?? zero();
  cur.turnover = cur.turnover.plus(turnover);
  cur.vat = cur.vat.plus(vat);
  b.set(box, cur);
}

function planBoxes(plan: BookingPlan): Boxes {
  const b: Boxes = new Map();
  for (const v of plan.vatByRate) addBox(b, vatBox(v.key), v.base, v.vat);
  return b;
}

/** A books document's lines per box; a code that maps to several keys takes the one the shop's document used. */
function booksBoxes(doc: BookedDocument, shopKeys: Set<string> | undefined): Boxes {
  const b: Boxes = new Map();
  for (const l of doc.lines) {
    const key = l.vatKeys.find((k) => shopKeys?.has(k)) ?? l.vatKeys[0];
    addBox(b, key ? vatBox(key) : unmappedBox(l.vatCode), l.net, l.vat);
  }
  return b;
}

/** The books moved turnover between boxes but hold the same total and the same VAT per box (a target's cent correction). */
function roundingOnly(shop: Boxes, books: Boxes): boolean {
  const total = (b: Boxes) => [...b.values()].reduce((a, v) => a.plus(v.turnover), new D(0));
  if (!total(shop).eq(total(books))) return false;
  for (const box of new Set([...shop.keys(), ...books.keys()]))
    if (!(shop.get(box)?.vat ?? new D(0)).eq(books.get(box)?.vat ?? new D(0))) return false;
  const moved = [...new Set([...shop.keys(), ...books.keys()])].reduce(
    (a, box) =>
      a.plus((shop.get(box)?.turnover ?? new D(0)).minus(books.get(box)?.turnover ?? new D(0)).abs()),
    new D(0),
  );
  // at most a few cents: anything larger is an edit, not rounding
  return moved.lte('0.10');
}

function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 2);
  return d.toISOString();
}

function ledgerReason(e: LedgerEntry | null, period: Period): string {
  if (!e) return 'not booked yet';
  switch (e.status) {
    case 'booked': {
      const date = e.bookedPlan?.date;
      return date && !inPeriod(period, date)
        ? `booked in another period (${date})`
        : 'missing from the books';
    }
    case 'failed':
      // a refund recorded before its order's document: it waits for the order, it did not fail itself
      if (e.lastError?.code === REFUND_PENDING) return `not booked yet: ${e.lastError.message}`;
      return `failed: ${e.lastError?.message ?? 'no reason recorded'}`;
    case 'skipped':
      return `skipped: ${e.skipReason ?? ''}`;
    default:
      return 'being booked by a run right now';
  }
}

export async function reconcilePeriod(
  deps: ReconcileDeps,
  period: Period,
  ctx: TargetContext,
): Promise<PeriodReconciliation> {
  if (!deps.target.readBooks)
    throw new ShopbooksError(
      'ConfigInvalid',
      `The ${deps.target.name} target cannot read documents back from the books, so it cannot be reconciled.`,
    );
  const settings = planSettings(deps.plan);
  const rules = SyncRules.parse(deps.rules);
  const { source, store } = deps;
  const shopCallsBefore = source.callCount;
  const ctxPlan = { store, plan: settings };

  // the ledger read once (plugin mode: one REST call instead of one per order); only for reasons
  const ledger = new Map((await store.listEntries({ shopId: source.shopId })).map((e) => [e.key, e]));
  const entryOf = (key: string): LedgerEntry | null => ledger.get(key) ?? null;
  const shopDocs: ShopDocument[] = [];
  /** Every planned document of the shop by reference, whatever its date (to explain documents booked in another period). */
  const shopDateByRef = new Map<string, string>();
  /** References of orders the rules do not book (any more), with the reason. */
  const notSold = new Map<string, string>();
  const unreadable: PeriodReconciliation['unreadable'] = [];

  const add = (o: Order, kind: string, reference: string, key: string, outcome: PlanOutcome) => {
    if (!outcome.ok) {
      if (outcome.disposition === 'skip') return;
      // refused: the shop's own figures, all in the box of "not booked" (no VAT treatment was decided)
      const date = (o.paidAt ?? o.createdAt).slice(0, 10);
      if (!inPeriod(period, date)) return;
      const vat = o.taxes.reduce((a, t) => a.plus(t.itemsTax).plus(t.shippingTax), new D(0));
      const boxes: Boxes = new Map();
      addBox(boxes, 'refused (no VAT treatment)', new D(o.totals.total).minus(vat), vat);
      shopDocs.push({
        reference,
        orderNumber: o.number,
        kind,
        date,
        currency: o.currency,
        boxes,
        keys: new Set(),
        refused: `${outcome.error.message}`,
        key,
      });
      return;
    }
    const plan = outcome.plan;
    shopDateByRef.set(reference, plan.date);
    if (!inPeriod(period, plan.date)) return;
    shopDocs.push({
      reference,
      orderNumber: o.number,
      kind,
      date: plan.date,
      currency: plan.currency,
      boxes: planBoxes(plan),
      keys: new Set(plan.vatByRate.map((v) => v.key)),
      refused: null,
      key,
    });
  };

  for await (const page of source.listOrders({ modifiedAfter: dayBefore(period.from) })) {
    for (const so of page.orders) {
      if (!so.ok) {
        unreadable.push({ orderId: so.id, orderNumber: so.number, reason: so.error.message });
        continue;
      }
      const o = so.order;
      const id = await currentOrderIdentity(o, ctxPlan);
      const orderEntry = entryOf(id.key);
      if (isCancelled(o, rules)) {
        // credited when it was booked: the booked document and its credit note are both expected
        if (orderEntry?.status !== 'booked' || !orderEntry.bookedPlan) continue;
        add(o, 'order', orderEntry.reference, id.key, { ok: true, plan: orderEntry.bookedPlan });
        const refundPlans: BookingPlan[] = [];
        for (const r of o.refunds) {
          const re = entryOf(ledgerKey(o.shopId, 'refund', r.id));
          if (re?.status === 'booked' && re.bookedPlan) {
            refundPlans.push(re.bookedPlan);
            add(o, 'refund', re.reference, re.key, { ok: true, plan: re.bookedPlan });
          }
        }
        const cKey = ledgerKey(o.shopId, 'cancellation', o.id);
        const ce = entryOf(cKey);
        const cPlan: PlanOutcome =
          ce?.status === 'booked' && ce.bookedPlan
            ? { ok: true, plan: ce.bookedPlan }
            : planCancellation(o, refundPlans, settings, undefined, orderEntry.bookedPlan);
        add(
          o,
          'cancellation',
          ce?.reference ?? (cPlan.ok ? cPlan.plan.reference : id.reference),
          cKey,
          cPlan,
        );
        continue;
      }
      const why = notBookableReason(o, rules);
      if (why && orderEntry?.status !== 'booked') {
        notSold.set(id.reference, why);
        continue;
      }
      add(o, 'order', id.reference, id.key, withReference(planOrder(o, settings), id));
      for (const r of o.refunds) {
        const rid = refundIdentity(o, r.id, settings.referencePrefix);
        add(o, 'refund', rid.reference, rid.key, planRefund(o, r, settings));
      }
    }
  }
  const shopCalls = source.callCount - shopCallsBefore;

  const before = deps.target.callStats();
  const readout = await deps.target.readBooks(period, ctx);
  const after = deps.target.callStats();
  const booksCalls = ['read', 'write', 'token'].reduce((n, k) => n + ((after[k] ?? 0) - (before[k] ?? 0)), 0);

  const booksByRef = new Map<string, BookedDocument[]>();
  for (const d of readout.documents) {
    const k = d.reference ?? `(no reference) ${d.id}`;
    booksByRef.set(k, [...(booksByRef.get(k) ?? []), d]);
  }

  const shopRows = new Map<string, Boxes>();
  const booksRows = new Map<string, Boxes>();
  const rowOf = (m: Map<string, Boxes>, currency: string) => {
    if (!m.has(currency)) m.set(currency, new Map());
    return m.get(currency)!;
  };
  const items: ReconciliationItem[] = [];
  const explain = (
    reference: string,
    orderNumber: string | null,
    kind: string,
    currency: string,
    shop: Boxes,
    books: Boxes,
    reason: string,
  ) => {
    for (const box of new Set([...shop.keys(), ...books.keys()])) {
      const s = shop.get(box) ?? zero();
      const b = books.get(box) ?? zero();
      const dt = s.turnover.minus(b.turnover);
      const dv = s.vat.minus(b.vat);
      if (dt.isZero() && dv.isZero()) continue;
      items.push({
        reference,
        orderNumber,
        kind,
        currency,
        box,
        reason,
        shop: amounts(s),
        books: amounts(b),
        difference: { turnover: fixed(dt), vat: fixed(dv) },
      });
    }
  };

  let matched = 0;
  const seen = new Set<string>();
  for (const sd of shopDocs) {
    for (const [box, v] of sd.boxes) addBox(rowOf(shopRows, sd.currency), box, v.turnover, v.vat);
    const found = booksByRef.get(sd.reference) ?? [];
    seen.add(sd.reference);
    const books: Boxes = new Map();
    for (const d of found) {
      for (const [box, v] of booksBoxes(d, sd.keys)) {
        addBox(books, box, v.turnover, v.vat);
        addBox(rowOf(booksRows, d.currency), box, v.turnover, v.vat);
      }
    }
    let reason: string;
    if (found.length === 0)
      reason = sd.refused ? `refused: ${sd.refused}` : ledgerReason(entryOf(sd.key), period);
    else if (found.length > 1) reason = `in the books ${found.length} times`;
    else if (found[0].currency !== sd.currency)
      reason = `changed in the books (currency ${found[0].currency}, the shop's is ${sd.currency})`;
    else
      reason = roundingOnly(sd.boxes, books)
        ? 'rounding in the books: gross and VAT per box equal, a cent of turnover booked on another VAT code'
        : 'changed in the books';
    const before = items.length;
    explain(sd.reference, sd.orderNumber, sd.kind, sd.currency, sd.boxes, books, reason);
    if (items.length === before && found.length === 1) matched++;
  }
  for (const [ref, docs] of booksByRef) {
    if (seen.has(ref)) continue;
    for (const d of docs) {
      const b = booksBoxes(d, undefined);
      for (const [box, v] of b) addBox(rowOf(booksRows, d.currency), box, v.turnover, v.vat);
      // an order outside the period's reading is known to the ledger by the reference it booked
      const holderKey = await store.getMapping(REFERENCE_MAPPING, `${source.shopId}:${ref}`);
      const holder = holderKey ? entryOf(holderKey) : null;
      const shopDate = shopDateByRef.get(ref) ?? holder?.bookedPlan?.date;
      const reason =
        shopDate && !inPeriod(period, shopDate)
          ? `booked in another period (the books date it ${d.date}, the shop ${shopDate})`
          : notSold.has(ref)
            ? `in the books, but the shop does not book this order (${notSold.get(ref)})`
            : holder
              ? `in the books, but order ${holder.orderNumber} of the shop no longer asks for this document`
              : 'in the books only: no order or refund of the shop carries this reference';
      explain(ref, holder?.orderNumber ?? null, d.type, d.currency, new Map(), b, reason);
    }
  }

  const rows: BoxRow[] = [];
  for (const currency of new Set([...shopRows.keys(), ...booksRows.keys()])) {
    const s = shopRows.get(currency) ?? new Map<string, BoxSums>();
    const b = booksRows.get(currency) ?? new Map<string, BoxSums>();
    for (const box of new Set([...s.keys(), ...b.keys()])) {
      const sv = s.get(box) ?? zero();
      const bv = b.get(box) ?? zero();
      const mine = items.filter((i) => i.currency === currency && i.box === box);
      const dt = sv.turnover.minus(bv.turnover);
      const dv = sv.vat.minus(bv.vat);
      // every cent explained: the documents listed add up to the box's difference
      const it = mine.reduce((a, i) => a.plus(i.difference.turnover), new D(0));
      const iv = mine.reduce((a, i) => a.plus(i.difference.vat), new D(0));
      if (!it.eq(dt) || !iv.eq(dv))
        throw new ShopbooksError(
          'Internal',
          `Reconciliation of box ${box} (${currency}) does not add up: difference ${fixed(dt)}/${fixed(dv)}, documents ${fixed(it)}/${fixed(iv)}.`,
        );
      rows.push({
        currency,
        box,
        shop: amounts(sv),
        books: amounts(bv),
        difference: { turnover: fixed(dt), vat: fixed(dv) },
        documents: new Set(mine.map((i) => i.reference)).size,
      });
    }
  }
  rows.sort((a, b) => a.currency.localeCompare(b.currency) || compareBoxes(a.box, b.box));
  items.sort(
    (a, b) =>
      a.currency.localeCompare(b.currency) ||
      compareBoxes(a.box, b.box) ||
      a.reference.localeCompare(b.reference),
  );
  return {
    period,
    rows,
    items,
    documents: { shop: shopDocs.length, books: readout.documents.length, matched },
    unreadable,
    calls: { shop: shopCalls, books: booksCalls },
    tiesOut: rows.every((r) => r.difference.turnover === '0.00' && r.difference.vat === '0.00'),
  };
}
