/** The reconciliation period: a month (2026-11), a quarter (2026-Q4) or an explicit from/to. */
import { ShopbooksError } from '../model/errors';
import type { BooksWindow } from '../targets/port';

export interface Period extends BooksWindow {
  /** "2026-11", "2026-Q4" or "2026-11-03..2026-11-17". */
  label: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function lastDayOfMonth(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0));
  return d.toISOString().slice(0, 10);
}

function validDay(s: string): boolean {
  return DAY.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

export function parsePeriod(o: { period?: string; from?: string; to?: string }): Period {
  if (o.period !== undefined) {
    if (o.from !== undefined || o.to !== undefined)
      throw new ShopbooksError('ConfigInvalid', 'Give either --period or --from and --to, not both.');
    const month = /^(\d{4})-(\d{2})$/.exec(o.period);
    if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) {
      const [y, m] = [Number(month[1]), Number(month[2])];
      return { label: o.period, from: `${month[1]}-${month[2]}-01`, to: lastDayOfMonth(y, m) };
    }
    const quarter = /^(\d{4})-Q([1-4])$/i.exec(o.period);
    if (quarter) {
      const y = Number(quarter[1]);
      const q = Number(quarter[2]);
      const first = String(q * 3 - 2).padStart(2, '0');
      return { label: `${y}-Q${q}`, from: `${y}-${first}-01`, to: lastDayOfMonth(y, q * 3) };
    }
    throw new ShopbooksError(
      'ConfigInvalid',
      `"${o.period}" is not a period: write a month as 2026-11 or a quarter as 2026-Q4.`,
    );
  }
  if (o.from === undefined || o.to === undefined)
    throw new ShopbooksError(
      'ConfigInvalid',
      'Give a period (--period 2026-11 or 2026-Q4) or both --from and --to (YYYY-MM-DD).',
    );
  for (const d of [o.from, o.to])
    if (!validDay(d))
      throw new ShopbooksError('ConfigInvalid', `"${d}" is not a date (write it as YYYY-MM-DD).`);
  if (o.to < o.from)
    throw new ShopbooksError('ConfigInvalid', `The period ends (${o.to}) before it starts (${o.from}).`);
  return { label: `${o.from}..${o.to}`, from: o.from, to: o.to };
}

export function inPeriod(p: BooksWindow, day: string): boolean {
  return day >= p.from && day <= p.to;
}
