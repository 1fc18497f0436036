/**
 * `shopbooks export --format exact-xml --since DATE [--until DATE] [--out FILE]`: writes the
 * selected orders and refunds as an Exact Online XML import file. With --out the file is written
 * (atomically) and a summary printed; without it the XML goes to stdout and the summary to stderr.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { ShopbooksConfig } from '../config';
import { ShopbooksError } from '../model/errors';
import { PlanSettings } from '../plan/settings';
import { SyncRules } from '../engine/rules';
import { ExactTargetConfig } from '../targets/exact/config';
import { exportExactXml, type ExportSummary } from '../export/exact-xml';
import type { ExportWindow } from '../export/exact-xml/select';
import { createSource } from '../app/wiring';
import { printJson, table } from './output';

export const EXPORT_FORMATS = ['exact-xml'] as const;

export interface ExportOptions {
  format: (typeof EXPORT_FORMATS)[number];
  out?: string;
  json?: boolean;
}

/** The Exact settings the file is built with (VAT code map, GL accounts, journal, debtors): the same as the API path's. */
export function exactSettingsFor(config: ShopbooksConfig): ExactTargetConfig {
  if (config.target !== 'exact' || !config.exact) {
    throw new ShopbooksError('ConfigInvalid', 'The Exact XML export needs the Exact Online settings (target "exact" with an "exact" section: VAT code map, GL accounts, journal).');
  }
  const r = ExactTargetConfig.safeParse(config.exact);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `exact.${i.path.map(String).join('.')}: ${i.message}`);
    throw new ShopbooksError('ConfigInvalid', `The exact settings are not valid:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
  }
  return r.data;
}

function describe(s: ExportSummary, out: string | undefined): string {
  const lines = [
    `Exact XML export ${s.since} – ${s.until ?? 'today'}: ${s.entries.order} sales entr${s.entries.order === 1 ? 'y' : 'ies'}, ${s.entries.refund + s.entries.cancellation} credit note(s), ${s.accounts} debtor(s)${out ? ` → ${out}` : ''}.`,
    `Total ${s.gross} incl. ${s.vat} VAT; reconciled with the plans to the cent.`,
  ];
  if (s.byVatCode.length) lines.push(table(['VAT code', 'Base', 'VAT'], s.byVatCode.map((v) => [v.vatCode, v.base, v.vat])));
  if (s.notExported.length) {
    lines.push(`${s.notExported.length} document(s) not in the file:`);
    lines.push(table(['Order', 'Document', 'Reason'], s.notExported.map((n) => [n.order, n.document, `${n.disposition === 'skip' ? 'SKIP' : 'REFUSED'} ${n.code}: ${n.reason}`])));
  }
  return lines.join('\n');
}

export async function runExport(config: ShopbooksConfig, window: ExportWindow, o: ExportOptions): Promise<ExportSummary> {
  const exact = exactSettingsFor(config);
  const { xml, summary } = await exportExactXml({ source: createSource(config), exact, plan: PlanSettings.parse(config.plan), rules: SyncRules.parse(config.rules) }, window);
  if (o.out) {
    const tmp = `${o.out}.${process.pid}.tmp`;
    writeFileSync(tmp, xml, 'utf8');
    renameSync(tmp, o.out);
    if (o.json) printJson({ ...summary, out: o.out });
    else process.stdout.write(describe(summary, o.out) + '\n');
  } else {
    process.stdout.write(xml);
    if (o.json) process.stderr.write(JSON.stringify(summary) + '\n');
    else process.stderr.write(describe(summary, undefined) + '\n');
  }
  return summary;
}
