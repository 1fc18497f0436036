import type { ExactSimulator } from './index';
import { connected, message, type Api } from './test-helpers';

type Row = { ID: string; Timestamp: number; Email?: string; Name?: string };

describe('sync/CRM/Accounts: the delta endpoint, as strict as Exact documents it', () => {
  let sim: ExactSimulator;
  let a: Api;
  beforeAll(async () => {
    const s = await connected({ rateLimit: { minutely: 100000, daily: 100000 } });
    sim = s.sim;
    a = s.api;
    for (let i = 1; i <= 1005; i++) {
      const r = await a.post('crm/Accounts', {
        Name: `Klant ${i}`,
        Status: 'C',
        Email: `klant${i}@example.nl`,
      });
      expect(r.status).toBe(201);
    }
  }, 60_000);
  afterAll(() => sim.close());

  async function readAll(first: string): Promise<{ rows: Row[]; pages: number }> {
    const rows: Row[] = [];
    let next: string | undefined = first;
    let pages = 0;
    while (next) {
      const r = await a.get(next);
      expect(r.status).toBe(200);
      rows.push(...r.json.d.results);
      next = r.json.d.__next;
      pages++;
    }
    return { rows, pages };
  }

  it('$select is mandatory (400, as Exact); "*" is not a selection', async () => {
    for (const q of ['', '?$filter=Timestamp gt 1', '?$select=*&$filter=Timestamp gt 1', '?$select=']) {
      const r = await a.get(`sync/CRM/Accounts${q}`);
      expect(r.status).toBe(400);
      expect(message(r)).toMatch(/mandatory to provide the \$select/);
    }
    expect((await a.get('sync/CRM/Accounts?$select=ID,Nonsense')).status).toBe(400);
  });

  it('only the Timestamp cursor filters; $orderby and $skip are refused; keys, $count and writes do not exist', async () => {
    for (const f of ["Email eq 'klant1@example.nl'", 'Timestamp ge 1', "Timestamp gt 1 and Status eq 'C'"]) {
      const r = await a.get(`sync/CRM/Accounts?$select=ID&$filter=${encodeURIComponent(f)}`);
      expect(r.status).toBe(400);
      expect(message(r)).toMatch(/Only the timestamp field/);
    }
    expect((await a.get('sync/CRM/Accounts?$select=ID&$orderby=Name')).status).toBe(400);
    expect((await a.get('sync/CRM/Accounts?$select=ID&$skip=10')).status).toBe(400);
    expect((await a.get('sync/CRM/Accounts(40000001)?$select=ID')).status).toBe(404);
    expect((await a.get('sync/CRM/Accounts/$count')).status).toBe(404);
    expect((await a.post('sync/CRM/Accounts', { Name: 'X' })).status).toBe(405);
    // The ordinary endpoint has no Timestamp.
    expect((await a.get('crm/Accounts?$select=ID,Timestamp')).status).toBe(400);
  });

  it('pages of 1 000 in Timestamp order with an absolute __next; every account carries a distinct, increasing Timestamp', async () => {
    const first = await a.get('sync/CRM/Accounts?$select=Timestamp,ID,Email&$filter=Timestamp gt 1');
    expect(first.json.d.results).toHaveLength(1000);
    const last = first.json.d.results[999].Timestamp;
    expect(first.json.d.__next).toBe(
      `${sim.url}/api/v1/1234567/sync/CRM/Accounts?$select=Timestamp,ID,Email&$filter=Timestamp%20gt%201&$skiptoken=${last}`,
    );
    const { rows, pages } = await readAll(
      'sync/CRM/Accounts?$select=Timestamp,ID,Email&$filter=Timestamp gt 1',
    );
    expect(pages).toBe(2);
    expect(rows).toHaveLength(1005);
    expect(Object.keys(rows[0])).toEqual(['__metadata', 'Timestamp', 'Email', 'ID']);
    const stamps = rows.map((r) => r.Timestamp);
    expect(stamps.every((t, i) => Number.isSafeInteger(t) && (i === 0 || t > stamps[i - 1]))).toBe(true);
    expect(new Set(rows.map((r) => r.ID)).size).toBe(1005);
  });

  it('Timestamp gt <cursor>L returns exactly what was created or changed since, a changed record with a new Timestamp', async () => {
    const { rows } = await readAll('sync/CRM/Accounts?$select=Timestamp,ID&$filter=Timestamp gt 1');
    const cursor = Math.max(...rows.map((r) => r.Timestamp));
    expect(
      (await a.get(`sync/CRM/Accounts?$select=ID&$filter=Timestamp gt ${cursor}L`)).json.d.results,
    ).toEqual([]);

    const changed = rows[3];
    expect(
      (await a.put(`crm/Accounts(guid'${changed.ID}')`, { Name: 'Klant 4 B.V.', Blocked: true })).status,
    ).toBe(204);
    const created = (await a.post('crm/Accounts', { Name: 'Nieuw', Status: 'C', Email: 'nieuw@example.nl' }))
      .json.d.ID;

    const delta = (
      await a.get(`sync/CRM/Accounts?$select=Timestamp,ID,Name,Blocked&$filter=Timestamp gt ${cursor}L`)
    ).json.d.results as Array<Row & { Blocked: boolean }>;
    expect(delta.map((r) => r.ID)).toEqual([changed.ID, created]);
    expect(delta[0]).toMatchObject({ Name: 'Klant 4 B.V.', Blocked: true });
    expect(delta[0].Timestamp).toBeGreaterThan(cursor);
    expect(delta[1].Timestamp).toBeGreaterThan(delta[0].Timestamp);
    // Without the L suffix it reads the same.
    expect(
      (await a.get(`sync/CRM/Accounts?$select=ID&$filter=Timestamp gt ${cursor}`)).json.d.results,
    ).toHaveLength(2);
    expect(
      (await a.get(`sync/CRM/Accounts?$select=ID&$filter=Timestamp gt ${delta[1].Timestamp}L`)).json.d
        .results,
    ).toEqual([]);
  });
});

describe('an administration without the sync endpoints', () => {
  it.each([
    ['forbidden', 403],
    ['notFound', 404],
  ] as const)('syncApi %s answers %i, and the ordinary endpoints still work', async (mode, status) => {
    const { sim, api } = await connected({ syncApi: mode });
    try {
      expect((await api.get('sync/CRM/Accounts?$select=ID&$filter=Timestamp gt 1')).status).toBe(status);
      expect((await api.get('crm/Accounts?$select=ID')).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
