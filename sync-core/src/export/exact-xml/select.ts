/**
 * Which documents an export holds: the orders and refunds whose booking date (the shop's local
 * date, as on the API path) falls in the window, chosen by the same rules and planned by the same
 * functions as a sync. The export keeps no ledger, so an order cancelled in the shop is left out
 * (listed as skipped): the API path would credit it only if it had booked it.
 */
import { ShopbooksError } from '../../model/errors';
import type { Order } from '../../model/order';
import { planOrder, planRefund } from '../../plan/index';
import { localDate } from '../../plan/reference';
import type { PlanSettings } from '../../plan/settings';
import type { BookingPlan } from '../../plan/types';
import type { Source } from '../../sources/port';
import { isBookable, isCancelled, type SyncRules } from '../../engine/rules';

/** Booking dates from `since` (inclusive) to `until` (exclusive), YYYY-MM-DD. */
export interface ExportWindow {
  since: string;
  until: string | null;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function calendarDay(value: string, option: string): string {
  const m = DAY_RE.exec(value.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== value.trim()) {
    throw new ShopbooksError('ConfigInvalid', `${option} "${value}" is not a date: give a calendar date as YYYY-MM-DD (e.g. 2026-03-01).`);
  }
  return value.trim();
}

/** Parses --since/--until; a bad or empty window is a configuration error. */
export function parseExportWindow(since: string | undefined, until: string | undefined): ExportWindow {
  if (!since) throw new ShopbooksError('ConfigInvalid', 'export needs --since DATE (the first booking date, YYYY-MM-DD).');
  const s = calendarDay(since, '--since');
  const u = until === undefined ? null : calendarDay(until, '--until');
  if (u !== null && u <= s) throw new ShopbooksError('ConfigInvalid', `--until ${u} must be after --since ${s} (--until is the first day NOT exported).`);
  return { since: s, until: u };
}

export function inWindow(day: string, w: ExportWindow): boolean {
  return day >= w.since && (w.until === null || day < w.until);
}

export interface NotExported {
  order: string;
  document: string;
  /** skip: nothing to book (as on the API path); refused: cannot be booked as it is. */
  disposition: 'skip' | 'refused';
  code: string;
  reason: string;
}

export interface Selection {
  plans: BookingPlan[];
  notExported: NotExported[];
  ordersRead: number;
}

export async function selectDocuments(source: Source, window: ExportWindow, settings: PlanSettings, rules: SyncRules): Promise<Selection> {
  const plans: BookingPlan[] = [];
  const notExported: NotExported[] = [];
  let ordersRead = 0;
  // Every document dated in the window belongs to an order changed on or after its first day
  // (a day of margin for the shop's time zone); documents dated later are filtered out below.
  const modifiedAfter = new Date(Date.parse(`${window.since}T00:00:00Z`) - 86_400_000).toISOString();
  const dated = (iso: string) => inWindow(localDate(iso, settings.timeZone), window);
  const take = (order: Order) => {
    const orderDate = order.paidAt ?? order.createdAt;
    if (isCancelled(order, rules)) {
      if (dated(orderDate)) notExported.push({ order: order.number, document: 'order', disposition: 'skip', code: 'Cancelled', reason: `Order ${order.number} is cancelled in the shop; the export keeps no ledger, so it is left out (credit it by hand if an earlier export booked it).` });
      return;
    }
    if (!isBookable(order, rules)) return;
    const o = planOrder(order, settings);
    if (!o.ok) {
      if (dated(orderDate)) notExported.push({ order: order.number, document: 'order', disposition: o.disposition === 'skip' ? 'skip' : 'refused', code: o.error.code, reason: o.error.message });
      return;
    }
    if (inWindow(o.plan.date, window)) plans.push(o.plan);
    for (const r of order.refunds) {
      const p = planRefund(order, r, settings);
      if (p.ok) {
        if (inWindow(p.plan.date, window)) plans.push(p.plan);
      } else if (dated(r.createdAt)) {
        notExported.push({ order: order.number, document: `refund ${r.id}`, disposition: p.disposition === 'skip' ? 'skip' : 'refused', code: p.error.code, reason: p.error.message });
      }
    }
  };
  for await (const page of source.listOrders({ modifiedAfter })) {
    for (const so of page.orders) {
      ordersRead++;
      if (so.ok) take(so.order);
      else notExported.push({ order: so.number ?? so.id, document: 'order', disposition: 'refused', code: so.error.code, reason: so.error.message });
    }
  }
  plans.sort((a, b) => (a.date === b.date ? a.reference.localeCompare(b.reference) : a.date.localeCompare(b.date)));
  return { plans, notExported, ordersRead };
}
