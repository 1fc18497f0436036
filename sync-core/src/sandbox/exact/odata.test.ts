import type { ExactSimulator } from './index';
import { connected, http, message, type Api } from './test-helpers';

describe('Exact simulator OData conventions', () => {
  let sim: ExactSimulator;
  let a: Api;
  let token: string;
  beforeAll(async () => {
    const s = await connected({ rateLimit: { minutely: 100000, daily: 100000 } });
    sim = s.sim;
    a = s.api;
    token = s.token;
    for (let i = 1; i <= 130; i++) {
      const r = await a.post('crm/Accounts', {
        Name: i === 7 ? "O'Brien Webwinkel" : `Klant ${i}`,
        Code: String(1000 + i),
        Status: i % 2 ? 'C' : 'P',
        Email: `klant${i}@example.nl`,
        ...(i === 5 ? { StartDate: '2026-03-01T00:00:00' } : {}),
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(() => sim.close());

  it('collections: {"d":{"results":[...]}} with __metadata, 60 per page and an absolute __next with $skiptoken', async () => {
    const r = await a.get('crm/Accounts?$select=ID,Name');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json.d.results).toHaveLength(60);
    const first = r.json.d.results[0];
    expect(Object.keys(first)).toEqual(['__metadata', 'ID', 'Name']);
    expect(first.__metadata).toEqual({ uri: `${sim.url}/api/v1/1234567/crm/Accounts(guid'${first.ID}')`, type: 'Exact.Web.Api.Models.Account' });
    expect(first.ID).toMatch(/^[0-9a-f-]{36}$/);
    const last = r.json.d.results[59].ID;
    expect(r.json.d.__next).toBe(`${sim.url}/api/v1/1234567/crm/Accounts?$select=ID,Name&$skiptoken=guid'${last}'`);
    const ids = new Set<string>(r.json.d.results.map((x: { ID: string }) => x.ID));
    let next: string | undefined = r.json.d.__next;
    while (next) {
      const p = await a.get(next);
      expect(p.status).toBe(200);
      for (const x of p.json.d.results) ids.add(x.ID);
      next = p.json.d.__next;
    }
    expect(ids.size).toBe(130);
  });

  it('$top, $inlinecount and /$count', async () => {
    const r = await a.get('crm/Accounts?$top=3&$inlinecount=allpages&$select=ID');
    expect(r.json.d.results).toHaveLength(3);
    expect(r.json.d.__count).toBe('130');
    expect(r.json.d.__next).toBeUndefined();
    const big = await a.get('crm/Accounts?$top=70&$select=ID');
    expect(big.json.d.results).toHaveLength(60);
    expect(big.json.d.__next).toMatch(/\$top=10&\$skiptoken=guid'/);
    const rest = await a.get(big.json.d.__next);
    expect(rest.json.d.results).toHaveLength(10);
    expect(rest.json.d.__next).toBeUndefined();
    const count = await http(`${sim.url}/api/v1/1234567/crm/Accounts/$count?$filter=Status eq 'C'`, { headers: { Authorization: `Bearer ${token}` } });
    expect(count.text).toBe('65');
  });

  it('$select with an unknown field is a 400', async () => {
    const r = await a.get('crm/Accounts?$select=ID,Nonsense');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('');
    expect(r.json.error.message.lang).toBe('');
  });

  it('Account Code is right-aligned to 18 characters and matched only padded', async () => {
    const plain = await a.get("crm/Accounts?$filter=Code eq '1001'&$select=Code");
    expect(plain.json.d.results).toHaveLength(0);
    const padded = await a.get(`crm/Accounts?$filter=Code eq '${'1001'.padStart(18, ' ')}'&$select=Code,Name`);
    expect(padded.json.d.results).toHaveLength(1);
    expect(padded.json.d.results[0].Code).toBe('              1001');
  });

  it('$filter: eq/ne/gt/ge/lt/le, and/or/not, quoted strings with \'\' escaping, substringof, startswith', async () => {
    const n = async (f: string): Promise<number> => {
      const r = await a.get(`crm/Accounts?$filter=${encodeURIComponent(f)}&$select=ID&$top=1000&$inlinecount=allpages`);
      expect(r.status).toBe(200);
      return Number(r.json.d.__count);
    };
    expect(await n("Email eq 'klant3@example.nl'")).toBe(1);
    expect(await n("Email eq 'KLANT3@example.nl'")).toBe(1);
    expect(await n("Name eq 'O''Brien Webwinkel'")).toBe(1);
    expect(await n("Status ne 'C'")).toBe(65);
    expect(await n(`Code gt '${'1125'.padStart(18)}'`)).toBe(5);
    expect(await n(`Code ge '${'1125'.padStart(18)}' and Status eq 'C'`)).toBe(3);
    expect(await n("(Email eq 'klant1@example.nl' or Email eq 'klant2@example.nl') and not Status eq 'P'")).toBe(1);
    expect(await n("substringof('klant12', Email) eq true")).toBe(11);
    expect(await n("startswith(Name, 'Klant 1')")).toBe(42); // 1, 10-19, 100-130
    expect(await n("StartDate ge datetime'2026-03-01T00:00:00' and StartDate lt datetime'2026-03-02T00:00:00'")).toBe(1);
    expect(await n('Blocked eq false')).toBe(130);
  });

  it('$filter rejects what OData v2 rejects: type mismatches, unknown fields, field comparisons, bad syntax', async () => {
    const bad = async (f: string): Promise<string> => {
      const r = await a.get(`crm/Accounts?$filter=${encodeURIComponent(f)}`);
      expect(r.status).toBe(400);
      return message(r);
    };
    expect(await bad("ID eq '00000000-0000-0000-0000-000000000000'")).toMatch(/incompatible/);
    expect(await bad('Nope eq 1')).toMatch(/No property 'Nope'/);
    expect(await bad('Name eq Email')).toMatch(/Comparing two properties/);
    expect(await bad("Name eq 'x")).toMatch(/Unterminated/);
    expect(await bad("Name eq 'x' and")).toMatch(/Expression expected/);
    expect(await bad("StartDate gt '2026-01-01'")).toMatch(/incompatible/);
  });

  it('guid literals, single-entity GET {"d":{...}}, 404 for unknown keys and resources', async () => {
    const list = await a.get("crm/Accounts?$filter=Email eq 'klant9@example.nl'&$select=ID");
    const id = list.json.d.results[0].ID;
    const byFilter = await a.get(`crm/Accounts?$filter=ID eq guid'${id.toUpperCase()}'&$select=Name`);
    expect(byFilter.json.d.results[0].Name).toBe('Klant 9');
    const one = await a.get(`crm/Accounts(guid'${id}')`);
    expect(one.status).toBe(200);
    expect(one.json.d.results).toBeUndefined();
    expect(one.json.d.Name).toBe('Klant 9');
    expect(one.json.d.Created).toMatch(/^\/Date\(\d+\)\/$/);
    expect((await a.get("crm/Accounts(guid'00000000-0000-0000-0000-000000000000')")).status).toBe(404);
    expect((await a.get('crm/accounts')).status).toBe(404);
    expect((await a.get('crm/Nonsense')).status).toBe(404);
  });

  it('$orderby', async () => {
    const r = await a.get('crm/Accounts?$orderby=Code desc&$top=2&$select=Code');
    expect(r.json.d.results.map((x: { Code: string }) => x.Code.trim())).toEqual(['1130', '1129']);
  });

  it('unknown system query options are rejected', async () => {
    expect((await a.get('crm/Accounts?$foo=1')).status).toBe(400);
  });

  it('JSON only with Accept: application/json; otherwise Atom XML', async () => {
    const r = await http(`${sim.url}/api/v1/1234567/vat/VATCodes?$top=1`, { headers: { Authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    expect(r.text).toMatch(/^<\?xml/);
  });

  it('VAT codes are padded to 3 characters, percentages are fractions, money is a number', async () => {
    const r = await a.get("vat/VATCodes?$filter=Code eq '2  '&$select=Code,Percentage,Type");
    expect(r.json.d.results).toEqual([expect.objectContaining({ Code: '2  ', Percentage: 0.21, Type: 'E' })]);
  });

  it('POST 201 with the entity, PUT and DELETE 204 with an empty body', async () => {
    const created = await a.post('crm/Accounts', { Name: 'Tijdelijk', Status: 'C' });
    expect(created.status).toBe(201);
    expect(created.json.d.Name).toBe('Tijdelijk');
    const id = created.json.d.ID;
    const put = await a.put(`crm/Accounts(guid'${id}')`, { Name: 'Tijdelijk 2' });
    expect(put.status).toBe(204);
    expect(put.text).toBe('');
    expect((await a.get(`crm/Accounts(guid'${id}')`)).json.d.Name).toBe('Tijdelijk 2');
    const del = await a.del(`crm/Accounts(guid'${id}')`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await a.get(`crm/Accounts(guid'${id}')`)).status).toBe(404);
  });

  it('payload binding: unknown property and wrong types are 400s; numeric strings are money', async () => {
    const unknown = await a.post('crm/Accounts', { Name: 'X', Nme: 'typo' });
    expect(unknown.status).toBe(400);
    expect(message(unknown)).toBe("Error processing request stream. The property name 'Nme' specified for type 'Exact.Web.Api.Models.Account' is not valid.");
    const wrongType = await a.post('crm/Accounts', { Name: 'X', Blocked: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(message(wrongType)).toMatch(/^Error processing request stream\. Error encountered in converting the value .* 'Blocked' to type 'System\.Boolean'/);
    const badGuid = await a.post('crm/Accounts', { Name: 'X', GLAR: 'not-a-guid' });
    expect(badGuid.status).toBe(400);
    const money = await a.post('crm/Accounts', { Name: 'Kredietklant', CreditLineSales: '1250.10' });
    expect(money.status).toBe(201);
    expect(money.json.d.CreditLineSales).toBe(1250.1);
    const badMoney = await a.post('crm/Accounts', { Name: 'X', CreditLineSales: '12,30' });
    expect(badMoney.status).toBe(400);
    const notObject = await a.post('crm/Accounts', [{ Name: 'X' }]);
    expect(notObject.status).toBe(400);
  });
});
