/**
 * Issue 11, item 5: a claim outliving its lease. A booking slowed by pacing, 429s or token waits
 * keeps its claim (heartbeat); a run that cannot renew in time sends no write (write fence) and
 * records nothing (fenced ledger updates); the run that took the entry over books exactly one
 * document — never two.
 */
import { MemoryStore } from '../store/memory-store';
import type { Order } from '../model/order';
import { wcOrder } from '../plan/test-orders';
import { planOrder } from '../plan/plan-order';
import { SyncRules } from './rules';
import { bookDocument, ledgerKey, type BookDeps, type EntryIdentity } from './book-document';
import { MemoryTarget } from './test-doubles';
import type { BookingPlan } from '../plan/types';
import type { DocumentRef } from '../targets/port';
import { assertWriteAllowed, runFenced } from '../store/write-fence';
import { ShopbooksError } from '../model/errors';
import { ExactTransport, saveExactTokens } from '../targets/exact/transport';
import { MoneybirdTransport } from '../targets/moneybird/transport';
import { parseMoneybirdConfig } from '../targets/moneybird/config';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A target whose write waits (pacing, a 429, a token wait) before it is sent, then lands. */
class SlowTarget extends MemoryTarget {
  constructor(
    public waitBeforeSendMs: number,
    public waitAfterCreateMs = 0,
  ) {
    super();
  }
  override async bookDocument(plan: BookingPlan, opts: { mayExist: boolean }): Promise<DocumentRef> {
    if (opts.mayExist) {
      const found = await this.findDocument(plan);
      if (found) return found;
    }
    await sleep(this.waitBeforeSendMs);
    assertWriteAllowed(); // what the real transports do right before they send a write
    this.calls.write++;
    const id = `doc-${this.docs.length + 1}`;
    this.docs.push({ id, plan });
    await sleep(this.waitAfterCreateMs); // e.g. a slow read-back after the create
    return { id, type: 'Doc', number: id, url: null, customerId: null, recovered: false };
  }
}

/** A store that cannot renew one run's claims (the sync state unreachable for that run). */
class NoRenewFor extends MemoryStore {
  constructor(private readonly runId: string) {
    super();
  }
  override async renewClaim(key: string, runId: string, leaseMs: number): Promise<boolean> {
    if (runId === this.runId) throw new ShopbooksError('RemoteUnavailable', 'The sync state could not be reached.', { retryable: true });
    return super.renewClaim(key, runId, leaseMs);
  }
}

const order: Order = { ...wcOrder({ number: '1001', lines: [{ name: 'Mok', price: '12.50', qty: 2, rateId: '1' }] }), shopId: 'shop', id: '1' };
const id: EntryIdentity = { key: ledgerKey('shop', 'order', '1'), kind: 'order', shopId: 'shop', orderId: '1', orderNumber: '1001', refundId: null, reference: '1001' };
// A 300 ms lease stands for the 600 s one: the heartbeat renews every 100 ms.
const rules = { ...SyncRules.parse({}), claimLeaseSeconds: 0.3 };

function deps(store: MemoryStore, target: MemoryTarget, runId: string): BookDeps {
  return { store, target, rules, runId, now: Date.now, ctx: { store, dryRun: false, log: () => undefined } };
}
const book = (d: BookDeps) => bookDocument(id, () => planOrder(order), null, d);

describe('a claim outliving its lease', () => {
  it('a slow write keeps its claim (heartbeat): a second run meanwhile is told busy, and one document is booked', async () => {
    const store = new MemoryStore();
    const target = new SlowTarget(1000);
    const first = book(deps(store, target, 'run-slow'));
    await sleep(600); // twice the lease
    const second = await book(deps(store, target, 'run-second'));
    expect(second.status).toBe('busy');
    expect(await first).toMatchObject({ status: 'booked' });
    expect(target.docs).toHaveLength(1);
    expect(await store.getEntry(id.key)).toMatchObject({ status: 'booked', documentId: 'doc-1', claimedBy: null });
  });

  it('a run that cannot renew sends no write once its deadline passed; the run that took over books the only document', async () => {
    const store = new NoRenewFor('run-cut-off');
    const target = new SlowTarget(1000);
    const first = book(deps(store, target, 'run-cut-off'));
    await sleep(450); // its lease (300 ms) has ended unrenewed
    const second = await book(deps(store, target, 'run-takes-over'));
    expect(second).toMatchObject({ status: 'booked', recovered: false });
    expect(await first).toMatchObject({ status: 'busy' }); // its delayed write was never sent
    expect(target.docs).toHaveLength(1);
    expect(await store.getEntry(id.key)).toMatchObject({ status: 'booked', documentId: 'doc-1', claimedBy: null, attempts: 1 });
  });

  it('a write that landed before the claim was lost is found by the run that took over; the loser records nothing', async () => {
    const store = new NoRenewFor('run-cut-off');
    const target = new SlowTarget(0, 900);
    const first = book(deps(store, target, 'run-cut-off'));
    await sleep(450);
    target.waitAfterCreateMs = 0;
    const second = await book(deps(store, target, 'run-takes-over'));
    expect(second).toMatchObject({ status: 'booked', recovered: true, document: { id: 'doc-1' } });
    expect(await first).toMatchObject({ status: 'busy' }); // its "booked" update was fenced off
    expect(target.docs).toHaveLength(1);
    const e = await store.getEntry(id.key);
    expect(e).toMatchObject({ status: 'booked', documentId: 'doc-1', claimedBy: null });
  });

  it('a failure of a run that lost its claim is not recorded over the new holder\'s work', async () => {
    const store = new NoRenewFor('run-cut-off');
    const target = new SlowTarget(600);
    target.failBeforeCommit = 0;
    const slowFail = new (class extends SlowTarget {
      override async bookDocument(): Promise<DocumentRef> {
        await sleep(600);
        throw new ShopbooksError('RemoteUnavailable', 'Service unavailable', { retryable: true });
      }
    })(0);
    const first = book(deps(store, slowFail, 'run-cut-off'));
    await sleep(400);
    const taken = await store.claim(id.key, { ...id, contentHash: null }, 'run-takes-over', 60_000);
    expect(taken.ok).toBe(true);
    expect(await first).toMatchObject({ status: 'busy' });
    expect(await store.getEntry(id.key)).toMatchObject({ status: 'claimed', claimedBy: 'run-takes-over', attempts: 0, lastError: null });
    expect(target.docs).toHaveLength(0);
  });
});

describe('the write fence in the Exact transport', () => {
  it('sends no write (and releases its pacing slot) when the booking\'s claim is lost; reads still go', async () => {
    let t = Date.UTC(2026, 2, 2, 9, 0, 0);
    const sent: string[] = [];
    const store = new MemoryStore(() => t);
    const transport = new ExactTransport({
      baseUrl: 'https://start.exactonline.nl',
      clientId: 'cid',
      clientSecret: 'secret',
      division: 42,
      store,
      timeoutMs: 1000,
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        sent.push(`${init?.method ?? 'GET'} ${String(input)}`);
        return new Response(JSON.stringify({ d: { results: [] } }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }) as typeof fetch,
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
      random: () => 0.5,
      sharePacer: false,
    });
    await saveExactTokens(store, 'cid', 42, { accessToken: 'AT1', refreshToken: 'RT1', accessIssuedAt: t, accessExpiresAt: t + 600_000, expiresInMs: 600_000, refreshIssuedAt: t });
    const lost = {
      assertHeld() {
        throw new ShopbooksError('ClaimLost', 'Another sync run took over this booking.', { retryable: true });
      },
    };
    await expect(runFenced(lost, () => transport.post('salesentry/SalesEntries', { YourRef: '1001' }))).rejects.toMatchObject({ code: 'ClaimLost' });
    expect(sent).toEqual([]);
    await runFenced(lost, () => transport.get('crm/Accounts'));
    expect(sent).toHaveLength(1);
    // outside a fenced booking, and with the claim held, writes go
    await transport.post('salesentry/SalesEntries', { YourRef: '1002' });
    await runFenced({ assertHeld: () => undefined }, () => transport.post('salesentry/SalesEntries', { YourRef: '1003' }));
    expect(sent.filter((s) => s.startsWith('POST'))).toHaveLength(2);
  });
});

describe('the write fence in the Moneybird transport', () => {
  it('sends no write when the booking\'s claim is lost; reads still go', async () => {
    let now = 1_800_000_000_000;
    const sent: string[] = [];
    const config = parseMoneybirdConfig({ baseUrl: 'https://mb.test', auth: { kind: 'token', token: 'tok' }, administrationId: '123456789012345678', ledgerAccounts: { revenue: '1' } });
    const t = new MoneybirdTransport(config, {
      fetch: (async (input: string | URL | Request, init: RequestInit = {}) => {
        sent.push(`${init.method ?? 'GET'} ${String(input)}`);
        return new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json' } });
      }) as typeof fetch,
      now: () => now,
      sleep: async (ms) => void (now += ms),
      random: () => 0.5,
    });
    t.useStore(new MemoryStore(() => now));
    const lost = {
      assertHeld() {
        throw new ShopbooksError('ClaimLost', 'Another sync run took over this booking.', { retryable: true });
      },
    };
    await expect(runFenced(lost, () => t.post('/external_sales_invoices.json', { body: { reference: '1001' }, what: 'create' }))).rejects.toMatchObject({ code: 'ClaimLost' });
    expect(sent).toEqual([]);
    await runFenced(lost, () => t.get('/contacts.json', { what: 'read' }));
    expect(sent).toHaveLength(1);
    await runFenced({ assertHeld: () => undefined }, () => t.post('/external_sales_invoices.json', { body: { reference: '1002' }, what: 'create' }));
    expect(sent.filter((x) => x.startsWith('POST'))).toHaveLength(1);
  });
});
