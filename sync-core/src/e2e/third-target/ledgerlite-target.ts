/**
 * The third target of the scratch test: everything a target is, in one folder — its settings
 * schema, its Target (book, look up by reference after an uncertain outcome) and its registration.
 */
import { z } from 'zod';
import { ShopbooksError } from '../../model/errors';
import type { BookingPlan } from '../../plan/types';
import type { DocumentRef, Target } from '../../targets/port';
import { registerTarget } from '../../targets/registration';

export const LedgerLiteConfig = z.object({ baseUrl: z.string().url(), apiKey: z.string().min(16) }).strict();

export function createLedgerLiteTarget(c: z.infer<typeof LedgerLiteConfig>): Target {
  const calls = { read: 0, write: 0 };
  const call = async (method: string, path: string, body?: unknown) => {
    calls[method === 'GET' ? 'read' : 'write']++;
    const r = await fetch(`${c.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, json: (await r.json()) as unknown };
  };
  const ref = (d: { id: string }, recovered: boolean): DocumentRef => ({ id: d.id, type: 'LedgerLiteDocument', number: d.id, url: null, customerId: null, recovered });
  const find = async (plan: BookingPlan) => {
    const r = await call('GET', `/documents?reference=${encodeURIComponent(plan.reference)}`);
    const [d] = r.json as Array<{ id: string }>;
    return d ? ref(d, true) : null;
  };
  return {
    name: 'ledgerlite',
    prepare: async () => ({ problems: [] }),
    validate: async () => ({ ok: true }),
    findDocument: (plan) => find(plan),
    bookDocument: async (plan, opts) => {
      if (opts.mayExist) {
        const found = await find(plan);
        if (found) return found;
      }
      const r = await call('POST', '/documents', { reference: plan.reference, kind: plan.kind, lines: plan.lines.map((l) => ({ net: l.net, vat: l.vat, percent: l.vatInfo.percent })) });
      if (r.status !== 201) throw new ShopbooksError('RemoteValidation', `LedgerLite refused the document (${r.status}).`);
      return ref(r.json as { id: string }, false);
    },
    callStats: () => ({ ...calls }),
  };
}

export const ledgerLiteRegistration = registerTarget({
  name: 'ledgerlite',
  label: 'LedgerLite',
  config: LedgerLiteConfig,
  create: (section) => createLedgerLiteTarget(section),
  simulator: 'ledgerlite',
});
