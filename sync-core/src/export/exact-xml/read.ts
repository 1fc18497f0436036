/**
 * Reads an Exact XML export back (fast-xml-parser, amounts kept as strings — never floats) and
 * reconciles it with the plans it was made from: per document the gross, the VAT, and the base and
 * VAT per Exact VAT code, to the cent. The export checks its own file this way before writing it.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ShopbooksError } from '../../model/errors';
import { D, dec, fixed, sum } from '../../model/money';
import type { BookingPlan } from '../../plan/types';
import type { ExactTargetConfig } from '../../targets/exact/config';
import { configuredVatCode } from '../../targets/exact/master-data';

export interface ReadLine {
  glAccount: string;
  vatCode: string;
  /** Net as booked (sign of the plan: positive on a sale), i.e. −Value. */
  net: string;
  /** VAT as booked (sign of the plan), i.e. −VATAmount. */
  vat: string;
  yourRef: string;
  accountCode: string;
}

export interface ReadTransaction {
  type: string;
  journal: string;
  date: string;
  description: string;
  accountCode: string;
  yourRef: string;
  currency: string;
  lines: ReadLine[];
}

export interface ReadFile {
  accounts: Array<{ code: string; name: string; email: string | null }>;
  transactions: ReadTransaction[];
}

const ARRAYS = new Set(['eExact.Accounts.Account', 'eExact.GLTransactions.GLTransaction', 'eExact.GLTransactions.GLTransaction.GLTransactionLine']);

type Node = Record<string, unknown>;
const node = (v: unknown, what: string): Node => {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Node;
  throw new ShopbooksError('MalformedOrder', `The Exact XML file has no ${what}.`);
};
const text = (v: unknown, what: string): string => {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string') return (v as Node)['#text'] as string;
  throw new ShopbooksError('MalformedOrder', `The Exact XML file has no ${what}.`);
};
const code = (v: unknown, what: string): string => text(node(v, what)['@_code'], `${what} code`);
const negated = (v: unknown, what: string): string => fixed(dec(text(v, what)).neg());

export function readExactXml(xml: string): ReadFile {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) throw new ShopbooksError('MalformedOrder', `The Exact XML file is not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line}).`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: true, isArray: (_n, jpath) => ARRAYS.has(String(jpath)) });
  const doc = node(parser.parse(xml), 'document');
  const root = node(doc.eExact, 'eExact root element');
  const accounts = ((root.Accounts as Node | undefined)?.Account as Node[] | undefined) ?? [];
  const txs = ((root.GLTransactions as Node | undefined)?.GLTransaction as Node[] | undefined) ?? [];
  return {
    accounts: accounts.map((a) => ({ code: text(a['@_code'], 'account code'), name: text(a.Name, 'account name'), email: typeof a.Email === 'string' ? a.Email : null })),
    transactions: txs.map((t) => {
      const lines = ((t.GLTransactionLine as Node[] | undefined) ?? []).map((l) => {
        const amount = node(l.Amount, 'line amount');
        const foreign = node(l.ForeignAmount, 'line foreign amount');
        return {
          glAccount: code(l.GLAccount, 'GL account'),
          vatCode: code(amount.VAT, 'VAT'),
          net: negated(amount.Value, 'line amount value'),
          vat: negated(foreign.VATAmount, 'line VAT amount'),
          yourRef: text(node(l.References, 'line references').YourRef, 'YourRef'),
          accountCode: code(l.Account, 'line account'),
          currency: code(amount.Currency, 'currency'),
        };
      });
      return {
        type: text(node(t.TransactionType, 'transaction type')['@_number'], 'transaction type'),
        journal: code(t.Journal, 'journal'),
        date: text(t.Date, 'date'),
        description: typeof t.Description === 'string' ? t.Description : '',
        accountCode: code(t.Account, 'account'),
        yourRef: lines[0]?.yourRef ?? '',
        currency: lines[0]?.currency ?? '',
        lines: lines.map(({ currency: _c, ...rest }) => rest),
      };
    }),
  };
}

/** Totals per Exact VAT code of a set of lines. */
export function totalsByVatCode(lines: Array<{ vatCode: string; net: string; vat: string }>): Map<string, { base: string; vat: string }> {
  const m = new Map<string, { base: InstanceType<typeof D>; vat: InstanceType<typeof D> }>();
  for (const l of lines) {
    const cur = m.get(l.vatCode) ?? { base: new D(0), vat: new D(0) };
    m.set(l.vatCode, { base: cur.base.plus(l.net), vat: cur.vat.plus(l.vat) });
  }
  return new Map([...m.entries()].map(([k, v]) => [k, { base: fixed(v.base), vat: fixed(v.vat) }]));
}

/** What the plan says per Exact VAT code (several plan keys may share a code). */
export function planTotalsByVatCode(plan: BookingPlan, config: Pick<ExactTargetConfig, 'vatCodeMap' | 'defaultVatCode'>): Map<string, { base: string; vat: string }> {
  return totalsByVatCode(plan.vatByRate.map((r) => ({ vatCode: configuredVatCode(config, r.key).code, net: r.base, vat: r.vat })));
}

/**
 * Problems between a file and the plans it should hold (empty = every plan is in the file once,
 * with the plan's reference, gross, VAT and base/VAT per VAT code to the cent, and nothing else).
 */
export function reconcileExactXml(file: ReadFile, plans: BookingPlan[], config: Pick<ExactTargetConfig, 'vatCodeMap' | 'defaultVatCode'>): string[] {
  const problems: string[] = [];
  const byRef = new Map<string, ReadTransaction[]>();
  for (const t of file.transactions) byRef.set(t.yourRef, [...(byRef.get(t.yourRef) ?? []), t]);
  const expected = new Set(plans.map((p) => p.reference));
  for (const ref of byRef.keys()) if (!expected.has(ref)) problems.push(`${ref}: in the file but not a selected document`);
  for (const plan of plans) {
    const found = byRef.get(plan.reference) ?? [];
    if (found.length !== 1) {
      problems.push(`${plan.reference}: ${found.length} sales entries in the file`);
      continue;
    }
    const t = found[0];
    if (t.lines.some((l) => l.yourRef !== plan.reference)) problems.push(`${plan.reference}: a line carries another YourRef`);
    const gross = sum(t.lines.map((l) => dec(l.net).plus(l.vat)));
    const vat = sum(t.lines.map((l) => l.vat));
    if (!gross.equals(dec(plan.totals.gross))) problems.push(`${plan.reference}: gross ${fixed(gross)} in the file, ${plan.totals.gross} in the plan`);
    if (!vat.equals(dec(plan.totals.vat))) problems.push(`${plan.reference}: VAT ${fixed(vat)} in the file, ${plan.totals.vat} in the plan`);
    const got = totalsByVatCode(t.lines);
    const want = planTotalsByVatCode(plan, config);
    for (const k of new Set([...got.keys(), ...want.keys()])) {
      const g = got.get(k) ?? { base: '0.00', vat: '0.00' };
      const w = want.get(k) ?? { base: '0.00', vat: '0.00' };
      if (g.base !== w.base || g.vat !== w.vat) problems.push(`${plan.reference}: VAT code ${k} has base ${g.base} / VAT ${g.vat} in the file, ${w.base} / ${w.vat} in the plan`);
    }
  }
  return problems;
}
