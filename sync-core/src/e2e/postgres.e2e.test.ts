/**
 * The engine's end-to-end proofs on the fleet's store: WooCommerce sandbox -> engine -> Exact and
 * Moneybird simulators with PostgresStore (a throwaway cluster on loopback) instead of the memory
 * or file store. Exactly once and to the cent, under timeouts after commit and 500s, and with two
 * engine runs of one connection at once (the run lock and claims are PostgreSQL's).
 */
import { startSandbox, type Sandbox } from '../sandbox';
import { openPostgresStore, type PostgresStore } from '../store/postgres-store';
import { startTestPostgres, type TestPostgres } from '../fleet/test-postgres';
import { expectExactlyOnceToTheCent, reconcile, syncOnce, syncUntilSettled } from './harness';

jest.setTimeout(180_000);

describe('the engine on PostgresStore', () => {
  let pg: TestPostgres;
  const open: (PostgresStore | Sandbox)[] = [];
  let n = 0;
  const store = async () => {
    const st = await openPostgresStore({ url: pg.url, schema: `e2e${++n}`, scope: 'shop', poolMax: 8 });
    open.push(st);
    return st;
  };
  const sandbox = async (o: Parameters<typeof startSandbox>[0]) => {
    const sb = await startSandbox(o);
    open.push(sb);
    return sb;
  };
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(async () => {
    for (const x of open.reverse()) await x.close();
    await pg?.stop();
  });

  it.each(['exact', 'moneybird'])(
    '%s: every order and refund exactly once, to the cent; a second run writes nothing',
    async (target) => {
      const sb = await sandbox({ target, platform: 'woocommerce', orders: 20, seed: 41, fastLimits: true });
      const st = await store();
      const s = await syncOnce(sb, st);
      expect(s.booked.order).toBeGreaterThan(8);
      expectExactlyOnceToTheCent(await reconcile(sb, st));
      const writes = sb.booksStats().writes;
      const again = await syncOnce(sb, st);
      expect(again.booked).toEqual({ order: 0, refund: 0, cancellation: 0 });
      expect(sb.booksStats().writes).toBe(writes);
    },
  );

  it('exact: timeouts after commit and 500s still give exactly one document each', async () => {
    const sb = await sandbox({
      target: 'exact',
      platform: 'woocommerce',
      orders: 20,
      seed: 42,
      fastLimits: true,
    });
    sb.exact!.faults.inject('timeoutAfterCommit', { count: 3, path: 'SalesEntries', mode: 'drop' });
    sb.exact!.faults.inject('500', { count: 2, path: 'SalesEntries' });
    const st = await store();
    const first = await syncOnce(sb, st, { rules: { startDate: '2000-01-01', retryBaseSeconds: 1 } });
    expect(first.failed + first.recovered).toBeGreaterThan(0);
    await syncUntilSettled(sb, st, ['CurrencyMismatch']);
    expectExactlyOnceToTheCent(await reconcile(sb, st));
  });

  it('moneybird: two engine runs of one connection at once book each document once', async () => {
    const sb = await sandbox({
      target: 'moneybird',
      platform: 'woocommerce',
      orders: 20,
      seed: 43,
      fastLimits: true,
    });
    sb.moneybird!.faults.inject('timeoutAfterCommit', { count: 2, path: 'sales_invoices', method: 'POST' });
    const a = await store();
    // a second process on the same database and connection: its own pool and session
    const b = await openPostgresStore({ url: pg.url, schema: `e2e${n}`, scope: 'shop', poolMax: 8 });
    open.push(b);
    const [x, y] = await Promise.all([syncOnce(sb, a), syncOnce(sb, b)]);
    expect(x.runBusy || y.runBusy || x.booked.order + y.booked.order > 0).toBe(true);
    await syncUntilSettled(sb, a, ['CurrencyMismatch']);
    expectExactlyOnceToTheCent(await reconcile(sb, a));
  });
});
