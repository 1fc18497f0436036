/** Starts the Moneybird simulator and a target configured against its seeded administration. */
import {
  startMoneybirdSimulator,
  type MoneybirdSimulator,
  type MoneybirdSimulatorOptions,
} from '../../../sandbox/moneybird';
import { MemoryStore } from '../../../store/memory-store';
import type { TargetContext } from '../../port';
import {
  createMoneybirdTarget,
  type MoneybirdTarget,
  type MoneybirdTargetConfigInput,
  type MoneybirdTargetDeps,
} from '../index';

type Json = Record<string, unknown>;

export interface Harness {
  sim: MoneybirdSimulator;
  target: MoneybirdTarget;
  ctx: TargetContext;
  store: MemoryStore;
  logs: Array<{ event: string; data?: Record<string, unknown> }>;
  /** `METHOD /path` of every API request the target sent, in order. */
  requests: string[];
  rateId(name: string, country?: string | null): string;
  ledgerId(name: string): string;
}

export async function startHarness(
  simOpts: MoneybirdSimulatorOptions = {},
  configOverrides: Partial<MoneybirdTargetConfigInput> = {},
  deps: MoneybirdTargetDeps = {},
): Promise<Harness> {
  const sim = await startMoneybirdSimulator({
    administrations: [{ foreignTaxRates: [{ country: 'DE', percentage: '19.0' }] }],
    ...simOpts,
  });
  const rates = sim.state.taxRates as Json[];
  const rateId = (name: string, country: string | null = null) => {
    const r = rates.find(
      (x) => x.name === name && x.tax_rate_type === 'sales_invoice' && (x.country ?? null) === country,
    );
    if (!r) throw new Error(`no seeded tax rate ${name}`);
    return String(r.id);
  };
  const ledgerId = (name: string) => {
    const l = (sim.state.ledgerAccounts as Json[]).find((x) => x.name === name);
    if (!l) throw new Error(`no seeded ledger account ${name}`);
    return String(l.id);
  };
  const de19 = rates.find((x) => x.country === 'DE');
  const requests: string[] = [];
  const innerFetch = deps.fetch ?? fetch;
  const recordingFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(input));
    requests.push(`${init?.method ?? 'GET'} ${u.pathname.replace(/^\/api\/v2\/\d+/, '')}`);
    return innerFetch(input, init);
  }) as typeof fetch;
  const target = createMoneybirdTarget(
    {
      baseUrl: sim.url,
      auth: { kind: 'token', token: 'sandbox-moneybird-api-token-0001' },
      administrationId: sim.administrationId,
      ledgerAccounts: { revenue: ledgerId('Omzet'), shipping: ledgerId('Verzendkosten') },
      taxRateMap: {
        'domestic:21': rateId('21% btw'),
        'domestic:9': rateId('9% btw'),
        'domestic:0': rateId('0% btw'),
        'exempt:0': rateId('0% btw'),
        'reverse_charge:0': rateId('Btw verlegd'),
        'export:0': rateId('0% btw export buiten de EU'),
        ...(de19 ? { 'oss:DE:19': String(de19.id) } : {}),
      },
      financialAccountId: String((sim.state.financialAccounts as Json[])[0].id),
      ...configOverrides,
    },
    { ...deps, fetch: recordingFetch },
  );
  const store = new MemoryStore();
  const logs: Harness['logs'] = [];
  const ctx: TargetContext = { store, dryRun: false, log: (event, data) => logs.push({ event, data }) };
  return { sim, target, ctx, store, logs, requests, rateId, ledgerId };
}

/** Tax per tax rate id from a document in the simulator's state. */
export function taxByRate(doc: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of (doc.tax_totals as Json[]) ?? []) out[String(t.tax_rate_id)] = String(t.tax_amount);
  return out;
}
