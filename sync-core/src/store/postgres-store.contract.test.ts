/** The shared store contract (store-contract.ts) on PostgresStore: two stores (two "processes") on one schema. */
import { describeStoreContract } from './store-contract';
import { openPostgresStore } from './postgres-store';
import { startTestPostgres, type TestPostgres } from '../fleet/test-postgres';

let pg: TestPostgres;
let n = 0;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
}, 60_000);

describeStoreContract('PostgresStore (two stores on one schema)', async () => {
  const schema = `contract_${++n}`;
  const store = await openPostgresStore({ url: pg.url, schema, poolMax: 8 });
  const other = await openPostgresStore({ url: pg.url, schema, poolMax: 8 });
  // session 999999 never registered: no process holds its liveness lock
  return { store, other, deadRunId: 'pg:999999:dead', cleanup: async () => void (await Promise.all([store.close(), other.close()])) };
});
