/**
 * The bundled sandbox: a simulated shop and simulated books on loopback, wired into a complete
 * Shopbooks configuration. `npm start` (the demo), `--sandbox` and the plugin's tests run on it.
 */
import type { ShopbooksConfigInput } from '../config';
import { startWooCommerceSimulator, SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET, type WooSimulator } from './woocommerce';
import { startExactSimulator, type ExactSimulator, type ExactSimulatorOptions } from './exact';
import { startMoneybirdSimulator, type MoneybirdSimulator, type MoneybirdSimulatorOptions } from './moneybird';
import { booksFromExact, booksFromMoneybird, followUpsFromExact, followUpsFromMoneybird, type BooksDocument, type BooksFollowUps } from './books';
import { startShopSource, type SandboxShop } from './shops';
import { addBooksSimulator, booksSimulator, type RunningBooks } from './books-simulators';

export { addBooksSimulator, booksSimulatorNames, type BooksSimulatorRegistration, type RunningBooks } from './books-simulators';

export interface SandboxOptions {
  /** The target (and its configuration section) to book with: a name from the target registry. */
  target: string;
  /** The simulated books to start; defaults to the simulator named like the target. */
  simulator?: string;
  /** The simulated shop: a platform name (sandbox/shops.ts). */
  platform: string;
  orders?: number;
  seed?: number;
  /** Fixed ports (serveSandbox); 0 = free ports. */
  ports?: { shop?: number; books?: number; exact?: number; moneybird?: number };
  /** Exact / Moneybird document kind. */
  documentKind?: string;
  /** Scale the books' rate limits up (Exact 300/min, Moneybird 150 per 15 s) for a quick demo. */
  fastLimits?: boolean;
  /** Skip creating the generic item in the sandbox administration (tests of the target creating it). */
  noGenericItem?: boolean;
  /** Register payments in Exact (journals per payment method) and attach invoice PDFs (issue 17). */
  followUps?: boolean;
  /** Extra simulator options (tests: token lifetimes, limits, race modes). */
  exactSim?: Partial<ExactSimulatorOptions>;
  moneybirdSim?: Partial<MoneybirdSimulatorOptions>;
  /** Options for any other simulated books. */
  booksSim?: Record<string, unknown>;
}

export interface Sandbox {
  config: ShopbooksConfigInput;
  shop: SandboxShop;
  /** The simulated books (convenience handles for tests of these two). */
  exact: ExactSimulator | null;
  moneybird: MoneybirdSimulator | null;
  running: RunningBooks;
  /** "Exact Online", "Moneybird", ... */
  booksLabel: string;
  /** The documents in the simulated books, by reference. */
  books(): Map<string, BooksDocument>;
  /** Open items and attached PDFs per document reference, as the simulated books hold them. */
  followUps(): BooksFollowUps;
  /** Customers (accounts / contacts) in the simulated books. */
  customerCount(): number;
  /** Requests the simulated books served, and how many of them were 429s. */
  booksStats(): { requests: number; writes: number; tooManyRequests: number };
  close(): Promise<void>;
}

/** VAT codes of the Exact simulator's Dutch master data (a typical Exact NL administration). */
export const SANDBOX_EXACT_VAT_CODES: Record<string, string> = {
  'domestic:21': '2',
  'domestic:9': '1',
  'domestic:0': '5',
  'reverse_charge:0': '6',
  'export:0': '7',
  'exempt:0': '0',
  'oss:DE:19': 'D19',
  'oss:DE:7': 'D7',
  'oss:BE:21': 'B21',
  'oss:BE:6': 'B6',
  'oss:FR:20': 'F20',
  'oss:FR:5.5': 'F55',
  'oss:AT:20': 'A20',
  'oss:IT:22': 'I22',
  'oss:ES:21': 'E21',
};

const OSS_RATES = [
  { country: 'DE', percentage: '19.0' },
  { country: 'DE', percentage: '7.0' },
  { country: 'BE', percentage: '21.0' },
  { country: 'BE', percentage: '6.0' },
  { country: 'FR', percentage: '20.0' },
  { country: 'FR', percentage: '5.5' },
  { country: 'AT', percentage: '20.0' },
  { country: 'IT', percentage: '22.0' },
  { country: 'ES', percentage: '21.0' },
];

addBooksSimulator({
  name: 'exact',
  label: 'Exact Online',
  start: async (o) => {
    // the sandbox's sales and payment journals book foreign currencies (as a shop selling in GBP
    // and USD sets them up: a multi-currency bank account and PSP clearing accounts)
    const multiCurrency = { AllowVariableCurrency: true };
    const exact = await startExactSimulator({ port: o.port, journalSettings: { '70': multiCurrency, '20': multiCurrency, '21': multiCurrency, '22': multiCurrency }, ...(o.fastLimits ? { rateLimit: { minutely: 300 } } : {}), ...(o.options as Partial<ExactSimulatorOptions> | undefined) });
    try {
      if (!o.noGenericItem) await seedExactGenericItem(exact);
      await seedExactCollectiveAccount(exact);
    } catch (e) {
      await exact.close();
      throw e;
    }
    return {
      name: 'exact',
      simulator: exact,
      targetSection: { ...exactConfig(exact, o.documentKind), collectiveAccountCode: SANDBOX_EXACT_COLLECTIVE_CODE, ...(o.noGenericItem ? { genericItemCode: undefined } : {}) },
      plan: { acceptedCurrencies: ['USD', 'GBP'] },
      limitsNote: "300 calls a minute instead of Exact's 60",
      followUpSection: { payments: SANDBOX_EXACT_PAYMENTS },
      books: () => booksFromExact(exact),
      followUps: () => followUpsFromExact(exact),
      customerCount: () => exact.state.accounts.length,
      stats: () => ({ requests: exact.stats.requests, writes: exact.stats.writes, tooManyRequests: exact.stats.tooManyRequests }),
      close: () => exact.close(),
    };
  },
});

addBooksSimulator({
  name: 'moneybird',
  label: 'Moneybird',
  start: async (o) => {
    const fast = o.fastLimits ? { rateLimit: { limit: 150, windowSec: 15 } } : {};
    const moneybird = await startMoneybirdSimulator({ port: o.port, administrations: [{ foreignTaxRates: OSS_RATES }], ...fast, ...(o.options as Partial<MoneybirdSimulatorOptions> | undefined) });
    let collectiveContactId: string;
    try {
      collectiveContactId = await seedMoneybirdCollectiveContact(moneybird);
    } catch (e) {
      await moneybird.close();
      throw e;
    }
    return {
      name: 'moneybird',
      simulator: moneybird,
      targetSection: { ...moneybirdConfig(moneybird, o.documentKind), collectiveContactId, ...fast },
      // Moneybird books foreign-currency invoices itself
      plan: { acceptedCurrencies: ['USD', 'GBP'] },
      limitsNote: '150 calls per 15 s instead of per 5 minutes',
      books: () => booksFromMoneybird(moneybird),
      followUps: () => followUpsFromMoneybird(moneybird),
      customerCount: () => moneybird.state.contacts.length,
      stats: () => ({ requests: moneybird.stats.requests, writes: moneybird.stats.writes, tooManyRequests: moneybird.stats.tooManyRequests }),
      close: () => moneybird.close(),
    };
  },
});

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const seed = opts.seed ?? 2026;
  const orders = opts.orders ?? 60;
  const simulatorName = opts.simulator ?? opts.target;
  const registration = booksSimulator(simulatorName);
  const shop = await startShopSource(opts.platform, { seed, orders, port: opts.ports?.shop ?? 0 });
  let running: RunningBooks;
  try {
    const options = simulatorName === 'exact' ? opts.exactSim : simulatorName === 'moneybird' ? opts.moneybirdSim : opts.booksSim;
    running = await registration.start({ port: opts.ports?.books ?? (opts.ports as Record<string, number | undefined> | undefined)?.[simulatorName] ?? 0, documentKind: opts.documentKind, fastLimits: opts.fastLimits, noGenericItem: opts.noGenericItem, options: options as Record<string, unknown> | undefined });
  } catch (e) {
    await shop.close();
    throw e;
  }
  const config: ShopbooksConfigInput = {
    source: shop.sourceConfig,
    target: opts.target,
    // walk-in sales without an e-mail (Shopify POS) go to the collective debtor set up by the simulator
    plan: { referencePrefix: '', requireCustomerEmail: false, ...running.plan },
    rules: { startDate: '2000-01-01' },
    store: { kind: 'memory' },
    [opts.target]: { ...running.targetSection, ...(opts.followUps ? running.followUpSection : {}) },
  };
  // the demo registers payments and attaches invoice PDFs (off by default in a real configuration)
  if (opts.followUps) config.attachments = { enabled: true, shopName: 'Sandbox Webshop B.V.', shopAddress: ['Voorbeeldstraat 1', '1234 AB Amsterdam', 'Nederland'], shopVatNumber: 'NL000099998B57' };
  return {
    config,
    shop,
    exact: running.name === 'exact' ? (running.simulator as ExactSimulator) : null,
    moneybird: running.name === 'moneybird' ? (running.simulator as MoneybirdSimulator) : null,
    running,
    booksLabel: registration.label,
    books: () => running.books(),
    customerCount: () => running.customerCount(),
    booksStats: () => running.stats(),
    followUps: () => running.followUps(),
    close: async () => {
      await shop.close();
      await running.close();
    },
  };
}

/**
 * The sandbox administration gets the generic item that invoice and order lines without a SKU
 * (shipping, fees, rounding) are booked on — created through the API, as a shop owner would.
 */
export async function seedExactGenericItem(sim: ExactSimulator): Promise<void> {
  await exactSetup(sim, 'logistics/Items', { Code: 'WEBSHOP', Description: 'Webshop: verzending, kosten en afronding', IsSalesItem: true, StartDate: '2000-01-01T00:00:00Z' });
}

/** The collective debtor ("kassa-debiteur") that walk-in sales without an e-mail are booked on. */
export const SANDBOX_EXACT_COLLECTIVE_CODE = '9999';
export async function seedExactCollectiveAccount(sim: ExactSimulator): Promise<void> {
  await exactSetup(sim, 'crm/Accounts', { Code: SANDBOX_EXACT_COLLECTIVE_CODE, Name: 'Kassaverkopen (winkel)', Status: 'C' });
}

/** Set up the sandbox administration through the API, as a shop owner would in Exact. */
async function exactSetup(sim: ExactSimulator, path: string, body: Record<string, unknown>): Promise<void> {
  const token = await fetch(`${sim.url}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: sim.issueRefreshToken('5a4db0c5-0000-4000-8000-000000000001'), client_id: '5a4db0c5-0000-4000-8000-000000000001', client_secret: 'sandbox-secret' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const r = await fetch(`${sim.url}/api/v1/${sim.state.division}/${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 201) throw new Error(`sandbox: could not set up ${path} (${r.status} ${await r.text()})`);
}

/** The collective Moneybird contact for walk-in sales without an e-mail. */
export async function seedMoneybirdCollectiveContact(sim: MoneybirdSimulator): Promise<string> {
  const r = await fetch(`${sim.url}/api/v2/${sim.administrationId}/contacts.json`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sandbox-moneybird-api-token-0001', 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact: { company_name: 'Kassaverkopen (winkel)' } }),
  });
  const text = await r.text();
  if (r.status !== 201) throw new Error(`sandbox: could not create the collective contact (${r.status} ${text})`);
  const m = /"id"\s*:\s*"(\d+)"/.exec(text);
  return m![1];
}

/** The sandbox administration's payment journals: 22 Mollie (payment service), 21 PayPal (bank), 20 bank, 10 cash. */
export const SANDBOX_EXACT_PAYMENTS = { register: true, journals: { ideal: '22', paypal: '21', stripe: '20', other: '20' }, receivablesGlAccount: '1300' };

export function exactConfig(sim: ExactSimulator, documentKind?: string): Record<string, unknown> {
  return {
    baseUrl: sim.url,
    clientId: '5a4db0c5-0000-4000-8000-000000000001',
    clientSecret: 'sandbox-secret',
    redirectUri: 'http://127.0.0.1/callback',
    division: sim.state.division,
    refreshToken: sim.issueRefreshToken('5a4db0c5-0000-4000-8000-000000000001'),
    documentKind: documentKind ?? 'salesEntry',
    journalCode: '70',
    glAccounts: { revenue: '8000', shipping: '8090', fees: '8000', discount: '8100', rounding: '8900' },
    vatCodeMap: SANDBOX_EXACT_VAT_CODES,
    genericItemCode: 'WEBSHOP',
    paymentConditionCode: '14',
  };
}

export function moneybirdConfig(sim: MoneybirdSimulator, documentKind?: string): Record<string, unknown> {
  const rates = sim.state.taxRates.filter((r) => r.tax_rate_type === 'sales_invoice' && r.active !== false);
  const pct = (p: unknown) => String(Number(p));
  const find = (pred: (r: Record<string, unknown>) => boolean) => rates.find(pred)?.id as string | undefined;
  const map: Record<string, string> = {};
  const set = (key: string, id: string | undefined) => {
    if (id) map[key] = id;
  };
  set('domestic:21', find((r) => !r.country && pct(r.percentage) === '21'));
  set('domestic:9', find((r) => !r.country && pct(r.percentage) === '9'));
  set('domestic:0', find((r) => r.name === '0% btw'));
  set('reverse_charge:0', find((r) => r.name === '0% btw intracommunautair'));
  set('export:0', find((r) => r.name === '0% btw export buiten de EU'));
  set('exempt:0', find((r) => r.name === '0% btw'));
  for (const r of rates.filter((x) => x.country)) map[`oss:${r.country}:${pct(r.percentage)}`] = r.id as string;
  const ledger = (name: string) => sim.state.ledgerAccounts.find((l) => l.name === name)?.id as string;
  return {
    baseUrl: sim.url,
    auth: { kind: 'token', token: 'sandbox-moneybird-api-token-0001' },
    administrationId: sim.administrationId,
    documentKind: documentKind ?? 'salesInvoice',
    ledgerAccounts: { revenue: ledger('Omzet'), shipping: ledger('Verzendkosten') },
    taxRateMap: map,
  };
}

/** The day (YYYY-MM-DD) of the shop's oldest order: a try-out's booking start date, so "Sync now" books its orders. */
export function firstOrderDate(shop: WooSimulator): string | null {
  let first: string | null = null;
  for (const o of shop.shop.orders.values()) {
    const d = String(o.date_created_gmt ?? '').slice(0, 10);
    if (/^\d{4}-\d{2}-\d{2}$/.test(d) && (first === null || d < first)) first = d;
  }
  return first;
}

/**
 * Serve the sandbox on fixed loopback ports for manual tries and the WordPress tests: the shop on
 * portBase+1, Exact on +2, Moneybird on +3. Prints one JSON line with URLs, credentials and ready
 * target configurations, then runs until SIGTERM/SIGINT.
 */
export async function serveSandbox(o: { portBase: number; orders: number; seed: number; exactRedirectUri?: string; moneybirdRedirectUri?: string }): Promise<void> {
  const exactRedirect = o.exactRedirectUri ?? 'http://127.0.0.1/callback';
  const client = (redirectUri: string) => [{ clientId: '5a4db0c5-0000-4000-8000-000000000001', clientSecret: 'sandbox-secret', redirectUri }];
  const shop: WooSimulator = await startWooCommerceSimulator({ port: o.portBase + 1, seed: o.seed, orderCount: o.orders });
  const exact = await startExactSimulator({ port: o.portBase + 2, clients: client(exactRedirect) });
  await seedExactGenericItem(exact);
  const moneybird = await startMoneybirdSimulator({ port: o.portBase + 3, administrations: [{ foreignTaxRates: OSS_RATES }], oauthClients: client(o.moneybirdRedirectUri ?? 'http://127.0.0.1/callback') });
  const info = {
    woocommerce: { url: shop.url, consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, firstOrderDate: firstOrderDate(shop) },
    exact: { ...exactConfig(exact), redirectUri: exactRedirect },
    moneybird: moneybirdConfig(moneybird),
    pid: process.pid,
  };
  process.stdout.write(JSON.stringify(info) + '\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await Promise.all([shop.close(), exact.close(), moneybird.close()]);
}
