/**
 * The books reader of Moneybird: the (external) sales invoices of a period, read back through the
 * synchronization API (spec moneybird.md §3.5): one `GET .../synchronization.json?filter=period:…`
 * for the id+version list of every matching document, then `POST .../synchronization.json` with
 * the ids, 100 documents a call. Net per VAT rate comes from the lines, VAT per rate from `tax_totals`. Never one call per document; the period reconciliation and drift
 * detection (which compares the versions) share it.
 */
import { z } from 'zod';
import { D, fixed } from '../../model/money';
import type { BookedDocument, BooksReadout, BooksWindow } from '../port';
import type { MoneybirdTransport } from './transport';

/** Moneybird's own maximum of documents one synchronization POST returns. */
export const SYNC_BATCH = 100;

const Id = z.union([z.string(), z.number()]).transform(String);
const Money = z.union([z.string(), z.number()]).transform((v) => String(v));
const SyncEntry = z.object({ id: Id, version: z.number().int() });
const TaxTotal = z.object({ tax_rate_id: Id, tax_amount: Money });
const Detail = z.object({ tax_rate_id: Id, total_price_excl_tax_with_discount: Money }).passthrough();
const Document = z
  .object({
    id: Id,
    reference: z.string().nullable().optional(),
    invoice_date: z.string().nullable().optional(),
    date: z.string().nullable().optional(),
    currency: z.string(),
    total_price_incl_tax: Money,
    version: z.number().int().nullable().optional(),
    tax_totals: z.array(TaxTotal).default([]),
    details: z.array(Detail).default([]),
  })
  .passthrough();

const RESOURCES = [
  { path: 'sales_invoices', type: 'SalesInvoice(moneybird)' },
  { path: 'external_sales_invoices', type: 'ExternalSalesInvoice' },
] as const;

const compact = (day: string) => day.replace(/-/g, '');

export async function readMoneybirdBooks(
  t: MoneybirdTransport,
  o: { window: BooksWindow; vatKeysOf: (taxRateId: string) => string[] },
): Promise<BooksReadout> {
  const before = t.stats.read + t.stats.write;
  const documents: BookedDocument[] = [];
  for (const r of RESOURCES) {
    const list = await t.get(`/${r.path}/synchronization.json`, {
      query: { filter: `period:${compact(o.window.from)}..${compact(o.window.to)}` },
      schema: z.array(SyncEntry),
      what: `list the ${r.path.replace(/_/g, ' ')} of the period`,
    });
    for (let i = 0; i < list.length; i += SYNC_BATCH) {
      const ids = list.slice(i, i + SYNC_BATCH).map((x) => x.id);
      const docs = await t.post(`/${r.path}/synchronization.json`, {
        body: { ids },
        schema: z.array(Document),
        what: `read ${ids.length} ${r.path.replace(/_/g, ' ')}`,
      });
      for (const d of docs) {
        // net per rate from the lines (tax_totals leaves out rates without tax), VAT per rate from tax_totals
        const perRate = new Map<string, { net: InstanceType<typeof D>; vat: InstanceType<typeof D> }>();
        const rate = (id: string) =>
          perRate.get(id) ?? perRate.set(id, { net: new D(0), vat: new D(0) }).get(id)!;
        for (const l of d.details)
          rate(l.tax_rate_id).net = rate(l.tax_rate_id).net.plus(l.total_price_excl_tax_with_discount);
        for (const tt of d.tax_totals)
          rate(tt.tax_rate_id).vat = rate(tt.tax_rate_id).vat.plus(tt.tax_amount);
        const lines = [...perRate].map(([id, v]) => ({
          vatCode: id,
          vatKeys: o.vatKeysOf(id),
          net: fixed(v.net),
          vat: fixed(v.vat),
        }));
        documents.push({
          id: d.id,
          type: r.type,
          reference: d.reference?.trim() || null,
          date: (d.invoice_date ?? d.date ?? o.window.from).slice(0, 10),
          currency: d.currency,
          gross: fixed(d.total_price_incl_tax),
          lines,
          version: d.version === null || d.version === undefined ? null : String(d.version),
        });
      }
    }
  }
  return { documents, calls: t.stats.read + t.stats.write - before };
}
