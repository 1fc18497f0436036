/**
 * `shopbooks export --format exact-xml`: the selected orders and refunds as one Exact Online XML
 * import file (sales entries in the sales journal, plus the debtors they need). A file only: Exact
 * is retiring its XML API, so nothing is uploaded. See docs/export-exact-xml.md.
 */
import { ShopbooksError } from '../../model/errors';
import { D, fixed } from '../../model/money';
import type { PlanSettings } from '../../plan/settings';
import type { Source } from '../../sources/port';
import type { SyncRules } from '../../engine/rules';
import type { ExactTargetConfig } from '../../targets/exact/config';
import { buildExactXml } from './build';
import { readExactXml, reconcileExactXml, totalsByVatCode } from './read';
import { selectDocuments, type ExportWindow, type NotExported } from './select';

export { parseExportWindow } from './select';
export { buildExactXml } from './build';
export { readExactXml, reconcileExactXml } from './read';

export interface ExportSummary {
  format: 'exact-xml';
  since: string;
  until: string | null;
  ordersRead: number;
  entries: { order: number; refund: number; cancellation: number };
  accounts: number;
  gross: string;
  vat: string;
  /** Base and VAT per Exact VAT code over the whole file. */
  byVatCode: Array<{ vatCode: string; base: string; vat: string }>;
  notExported: NotExported[];
}

export interface ExportDeps {
  source: Source;
  exact: ExactTargetConfig;
  plan: PlanSettings;
  rules: SyncRules;
}

export async function exportExactXml(deps: ExportDeps, window: ExportWindow): Promise<{ xml: string; summary: ExportSummary }> {
  const selection = await selectDocuments(deps.source, window, deps.plan, deps.rules);
  const file = buildExactXml(selection.plans, deps.exact);
  const exported = file.entries.map((e) => e.plan);
  // The file must say what the plans say, to the cent: read it back before anyone imports it.
  const problems = reconcileExactXml(readExactXml(file.xml), exported, deps.exact);
  if (problems.length) {
    throw new ShopbooksError('Internal', `The export file does not reconcile with the plans; nothing was written: ${problems.slice(0, 5).join('; ')}.`, { details: { problems } });
  }
  const entries = { order: 0, refund: 0, cancellation: 0 };
  let gross = new D(0);
  let vat = new D(0);
  for (const p of exported) {
    entries[p.kind]++;
    gross = gross.plus(p.totals.gross);
    vat = vat.plus(p.totals.vat);
  }
  const byCode = totalsByVatCode(file.entries.flatMap((e) => e.body.SalesEntryLines.map((l) => ({ vatCode: l.VATCode, net: l.AmountFC, vat: l.VATAmountFC }))));
  const notExported: NotExported[] = [
    ...selection.notExported,
    ...file.refused.map((r) => ({ order: r.plan.orderNumber, document: r.plan.kind === 'order' ? 'order' : `${r.plan.kind} ${r.plan.refundId ?? ''}`.trim(), disposition: 'refused' as const, code: r.error.code, reason: r.error.message })),
  ];
  return {
    xml: file.xml,
    summary: {
      format: 'exact-xml',
      since: window.since,
      until: window.until,
      ordersRead: selection.ordersRead,
      entries,
      accounts: file.accounts,
      gross: fixed(gross),
      vat: fixed(vat),
      byVatCode: [...byCode.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([vatCode, t]) => ({ vatCode, ...t })),
      notExported,
    },
  };
}
