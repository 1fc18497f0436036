/** `shopbooks reconcile`: the period reconciliation per VAT-return box, as a table, CSV or JSON. */
import type { ShopbooksConfig } from '../config';
import { reconcilePeriod, type PeriodReconciliation } from '../period/reconcile-period';
import type { Period } from '../period/period';
import { createSource, createStore, createTarget } from '../app/wiring';
import { table } from './output';

export type ReconcileFormat = 'table' | 'csv' | 'json';

type BoxRow = PeriodReconciliation['rows'][number];

/** Turnover and VAT of a box: shop, books, difference (the same six columns in table and CSV). */
const boxFigures = (x: BoxRow): string[] => [x.shop.turnover, x.shop.vat, x.books.turnover, x.books.vat, x.difference.turnover, x.difference.vat];

export async function runReconcile(
  config: ShopbooksConfig,
  period: Period,
  format: ReconcileFormat,
): Promise<PeriodReconciliation> {
  const store = createStore(config);
  try {
    const r = await reconcilePeriod(
      {
        source: createSource(config, store),
        target: createTarget(config),
        store,
        plan: config.plan,
        rules: config.rules,
      },
      period,
      { store, dryRun: true, log: () => undefined },
    );
    process.stdout.write(render(r, format));
    return r;
  } finally {
    await store.close();
  }
}

export function render(r: PeriodReconciliation, format: ReconcileFormat): string {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  if (format === 'csv') return csv(r);
  const lines: string[] = [];
  lines.push(
    `Reconciliation ${r.period.label} (${r.period.from} to ${r.period.to}): the shop's orders and refunds against the documents read back from the books.`,
  );
  lines.push(
    table(
      [
        'Currency',
        'Box',
        'Shop turnover',
        'Shop VAT',
        'Books turnover',
        'Books VAT',
        'Difference turnover',
        'Difference VAT',
        'Documents',
      ],
      r.rows.map((x) => [
        x.currency,
        x.box,
        ...boxFigures(x),
        x.documents,
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  if (r.items.length) {
    lines.push('The documents behind each difference (shop minus books):');
    lines.push(
      table(
        ['Box', 'Reference', 'Order', 'Turnover', 'VAT', 'Reason'],
        r.items.map((i) => [
          `${i.currency} ${i.box}`,
          i.reference,
          i.orderNumber ?? '-',
          i.difference.turnover,
          i.difference.vat,
          i.reason,
        ]),
        ['left', 'left', 'left', 'right', 'right', 'left'],
      ),
    );
  }
  if (r.unreadable.length)
    lines.push(
      table(
        ['Order', 'Could not be read from the shop'],
        r.unreadable.map((u) => [u.orderNumber ?? u.orderId, u.reason]),
      ),
    );
  lines.push(
    `${r.documents.shop} document(s) of the shop, ${r.documents.books} read back from the books, ${r.documents.matched} equal to the cent.`,
  );
  lines.push(
    r.tiesOut
      ? 'Every box ties out to the cent.'
      : `${new Set(r.items.map((i) => i.reference)).size} document(s) explain the differences above, to the cent.`,
  );
  lines.push(`API calls: shop ${r.calls.shop}; books ${r.calls.books}.`);
  return lines.join('\n') + '\n';
}

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV: the box rows, then the documents behind the differences (`section` says which). */
export function csv(r: PeriodReconciliation): string {
  const head = [
    'section',
    'currency',
    'box',
    'reference',
    'order',
    'shop_turnover',
    'shop_vat',
    'books_turnover',
    'books_vat',
    'difference_turnover',
    'difference_vat',
    'reason',
  ];
  const rows: Array<Array<string | number>> = [head];
  for (const x of r.rows)
    rows.push([
      'box',
      x.currency,
      x.box,
      '',
      '',
      ...boxFigures(x),
      '',
    ]);
  for (const i of r.items)
    rows.push([
      'document',
      i.currency,
      i.box,
      i.reference,
      i.orderNumber ?? '',
      i.shop.turnover,
      i.shop.vat,
      i.books.turnover,
      i.books.vat,
      i.difference.turnover,
      i.difference.vat,
      i.reason,
    ]);
  return rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
}
