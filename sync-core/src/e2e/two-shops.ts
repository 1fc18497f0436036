/**
 * Two shops booking into one administration (both simulated), each with its own Shopbooks store,
 * and the reconciliation that judges them: every booked entry's own document (by id, not by
 * reference — both shops use the same order numbers), to the cent, and no document claimed by
 * both shops. Used by the e2e test and the soak scenario.
 */
import { parseConfig, type ShopbooksConfigInput } from '../config';
import { createSource, createTarget } from '../app/wiring';
import { runSync, type SyncSummary } from '../engine/sync';
import type { Store } from '../store/port';
import type { Order } from '../model/order';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';
import { DEFAULT_CLIENT } from '../sandbox/exact';
import { booksFromExact, booksFromMoneybird, type BooksDocument } from '../sandbox/books';
import { startShopSource, type SandboxShop } from '../sandbox/shops';
import { isDocumentEntry, type LedgerEntry } from '../store/port';
import { reconcileBooks, type Reconciliation } from '../reconcile/reconcile-books';

export interface TwoShops {
  /** Shop A with the books (a complete sandbox). */
  a: Sandbox;
  /** Shop B: another simulated shop, same order numbers, other orders. */
  shopB: SandboxShop;
  configA: ShopbooksConfigInput;
  configB: ShopbooksConfigInput;
  /** Every document in the books, one row each. */
  documents(): BooksDocument[];
  close(): Promise<void>;
}

export async function startTwoShops(o: { target: SandboxOptions['target']; orders: number; seed: number; documentKind?: string; referencePrefix?: string; exactSim?: SandboxOptions['exactSim']; moneybirdSim?: SandboxOptions['moneybirdSim'] }): Promise<TwoShops> {
  const a = await startSandbox({ target: o.target, platform: 'woocommerce', orders: o.orders, seed: o.seed, documentKind: o.documentKind, fastLimits: true, exactSim: o.exactSim, moneybirdSim: o.moneybirdSim });
  // the client paces by the books' limits: tell it when the simulated ones differ
  if (a.moneybird && o.moneybirdSim?.rateLimit) a.config.moneybird = { ...(a.config.moneybird as Record<string, unknown>), rateLimit: o.moneybirdSim.rateLimit };
  const shopB = await startShopSource('woocommerce', { seed: o.seed + 1, orders: o.orders, port: 0 });
  const plan = { ...a.config.plan, referencePrefix: o.referencePrefix ?? '' };
  const configA: ShopbooksConfigInput = { ...a.config, source: { ...a.config.source, shopId: 'shop-a' }, plan };
  const configB: ShopbooksConfigInput = { ...a.config, source: { ...shopB.sourceConfig, shopId: 'shop-b' }, plan };
  // each shop's installation has its own connection to the books
  if (a.exact) configB.exact = { ...(a.config.exact as Record<string, unknown>), refreshToken: a.exact.issueRefreshToken(DEFAULT_CLIENT.clientId) };
  return {
    a,
    shopB,
    configA,
    configB,
    documents: () => {
      const list: BooksDocument[] = [];
      if (a.exact) booksFromExact(a.exact, list);
      else booksFromMoneybird(a.moneybird!, list);
      return list;
    },
    close: async () => {
      await shopB.close();
      await a.close();
    },
  };
}

export interface ShopLedger {
  name: string;
  orders: Order[];
  entries: LedgerEntry[];
}

export interface TwoShopReconciliation {
  perShop: Record<string, Reconciliation>;
  /** Documents that entries of more than one shop (or several entries) record as theirs. */
  shared: string[];
  /** Documents no booked entry records (a second document for something already booked). */
  orphans: string[];
  /** Failed entries by error code, per shop. */
  failedByCode: Record<string, Record<string, number>>;
}

/** Judge both shops against the books by document id. */
export function reconcileShops(shops: ShopLedger[], documents: BooksDocument[]): TwoShopReconciliation {
  const byId = new Map(documents.map((d) => [d.id, d]));
  const claims = new Map<string, string[]>();
  for (const s of shops) for (const e of s.entries) if (e.status === 'booked' && e.documentId && isDocumentEntry(e)) claims.set(e.documentId, [...(claims.get(e.documentId) ?? []), `${s.name}:${e.key}`]);
  const orphans = documents.filter((d) => !claims.has(d.id)).map((d) => `${d.reference} (${d.id})`);
  const perShop: Record<string, Reconciliation> = {};
  const failedByCode: Record<string, Record<string, number>> = {};
  for (const s of shops) {
    const booked = s.entries.filter((e) => e.status === 'booked' && isDocumentEntry(e));
    const own = new Map<string, BooksDocument>();
    for (const e of booked) {
      const d = e.documentId ? byId.get(e.documentId) : undefined;
      if (d && d.reference === e.reference) own.set(e.reference, { ...d, count: 1 });
    }
    // an unclaimed document with one of this shop's references is a second document for it
    for (const d of documents) {
      const mine = own.get(d.reference);
      if (mine && !claims.has(d.id)) own.set(d.reference, { ...mine, count: mine.count + 1 });
    }
    perShop[s.name] = reconcileBooks(s.orders, booked, own);
    failedByCode[s.name] = {};
    for (const e of s.entries.filter((x) => x.status === 'failed')) {
      const code = e.lastError?.code ?? '?';
      failedByCode[s.name][code] = (failedByCode[s.name][code] ?? 0) + 1;
    }
  }
  return { perShop, shared: [...claims].filter(([, c]) => c.length > 1).map(([id, c]) => `${id}: ${c.join(', ')}`), orphans, failedByCode };
}

/** Every order the shop of this configuration lists (the shop's own figures, read afresh). */
export async function ordersOf(config: ShopbooksConfigInput): Promise<Order[]> {
  const source = createSource(parseConfig(config));
  const orders: Order[] = [];
  for await (const page of source.listOrders({ modifiedAfter: '2000-01-01T00:00:00Z' })) for (const so of page.orders) if (so.ok) orders.push(so.order);
  return orders;
}

export async function syncShop(config: ShopbooksConfigInput, store: Store): Promise<SyncSummary> {
  const c = parseConfig({ ...config, rules: { ...config.rules, startDate: '2000-01-01', retryBaseSeconds: 1 } });
  return runSync({ source: createSource(c, store), target: createTarget(c), store, plan: c.plan, rules: c.rules }, { mode: 'sync' });
}

/** Sync again (retries become due after ~1 s) until no failure outside `expected` is left. */
export async function settleShop(config: ShopbooksConfigInput, store: Store, expected: string[], rounds = 6): Promise<void> {
  const unsettled = async () => (await store.listEntries({ status: 'failed' })).filter((e) => !expected.includes(e.lastError?.code ?? ''));
  for (let i = 0; i < rounds && (await unsettled()).length; i++) {
    await new Promise((r) => setTimeout(r, 1100));
    await syncShop(config, store);
  }
}
