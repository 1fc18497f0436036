/**
 * A PostgreSQL restart while a client is checked out (a transaction between two statements, a
 * rate-budget slot being taken) must not crash the process: pg emits 'error' on a checked-out
 * client, and an emitter without a listener throws. The fleet soak saw its worker processes die
 * on the database restart ("Connection terminated unexpectedly") and never come back.
 */
import { openPostgresStore } from './postgres-store';
import { startTestPostgres, type TestPostgres } from '../fleet/test-postgres';

jest.setTimeout(60_000);

describe('PostgresStore across a database restart', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('a client held when the database restarts does not take the process down; the store works after it', async () => {
    const st = await openPostgresStore({ url: pg.url, schema: 'restart', poolMax: 4 });
    const held = await st.pool.connect();
    await held.query('SELECT 1');
    await pg.restart({ downMs: 500 });
    await new Promise((r) => setTimeout(r, 300));
    held.release(new Error('connection lost'));
    const scoped = st.forScope('shop');
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      try {
        await scoped.setCursor('orders', '2026-12-04T10:00:00Z');
        ok = (await scoped.getCursor('orders')) === '2026-12-04T10:00:00Z';
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(ok).toBe(true);
    await st.close();
  });
});
