import { ShopbooksError } from '../../model/errors';
import { ExactTargetConfig, resolveBaseUrl } from './config';
import { explainExactMessage, isValidationMessage, exactErrorText } from './errors';
import { checkTotals, quantityAndPrice, toExactLines } from './lines';
import { vatKeyPercent } from './master-data';
import { exactDateToIsoDay, odataString, padAccountCode, parseExactDate, unwrapCollection, unwrapEntity, withQuery } from './odata';
import { RateLimitPacer } from './rate-limit';
import { refreshDueAt } from './transport';
import { makePlan, planLine } from './test-plans';
import { vatCodePercent } from './listVatCodes';
import { RowVersion, accountChangesPath, laterTimestamp } from './syncAccounts';

const base = { clientId: 'c', clientSecret: 's', redirectUri: 'http://x/cb', division: 1, glAccounts: { revenue: '8000' } };

describe('config', () => {
  it('defaults and country base URLs', () => {
    const c = ExactTargetConfig.parse(base);
    expect(c.country).toBe('nl');
    expect(c.documentKind).toBe('salesEntry');
    expect(c.journalCode).toBe('70');
    expect(c.sendInvoiceEmail).toBe(false);
    expect(resolveBaseUrl(c)).toBe('https://start.exactonline.nl');
    expect(resolveBaseUrl(ExactTargetConfig.parse({ ...base, country: 'co.uk' }))).toBe('https://start.exactonline.co.uk');
    expect(resolveBaseUrl(ExactTargetConfig.parse({ ...base, baseUrl: 'http://127.0.0.1:9/' }))).toBe('http://127.0.0.1:9');
  });
  it('collective mode needs an account code', () => {
    expect(ExactTargetConfig.safeParse({ ...base, customerMode: 'collective' }).success).toBe(false);
    expect(ExactTargetConfig.safeParse({ ...base, customerMode: 'collective', collectiveAccountCode: '9999' }).success).toBe(true);
  });
});

describe('odata helpers', () => {
  it('parses /Date(ms)/', () => {
    expect(parseExactDate('/Date(1455753600000)/')).toBe(1455753600000);
    expect(exactDateToIsoDay('/Date(1455753600000)/')).toBe('2016-02-18');
    expect(parseExactDate(null)).toBeNull();
    expect(() => parseExactDate('garbage')).toThrow(ShopbooksError);
  });
  it('quotes filter strings and pads account codes', () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(padAccountCode('9999')).toBe('              9999');
    expect(padAccountCode('9999')).toHaveLength(18);
    expect(withQuery('crm/Accounts', { $filter: "Email eq 'a+b@x.nl'", $select: 'ID,Name' })).toBe("crm/Accounts?$filter=Email%20eq%20'a%2Bb%40x.nl'&$select=ID,Name");
  });
  it('unwraps envelopes', () => {
    expect(unwrapCollection({ d: { results: [{ a: 1 }], __next: 'http://n' } })).toEqual({ results: [{ a: 1 }], next: 'http://n' });
    expect(unwrapCollection({ d: [{ a: 1 }] }).results).toEqual([{ a: 1 }]);
    expect(unwrapCollection({ d: { '0': { a: 1 }, '1': { a: 2 } } }).results).toHaveLength(2);
    expect(unwrapEntity({ d: { ID: 'x' } })).toEqual({ ID: 'x' });
    expect(() => unwrapCollection({ nope: 1 })).toThrow(ShopbooksError);
  });
});

describe('Exact error texts', () => {
  it('explains Dutch messages in plain English and keeps them recognisable', () => {
    expect(explainExactMessage('Verplicht: Betalingsconditie')).toBe('Exact requires a payment condition: set one on the customer or in settings.');
    expect(explainExactMessage('Verplicht: Factuur voor\r\nVerplicht: Besteld door')).toContain('"Factuur voor"');
    expect(isValidationMessage('Ongeldige referentie: Btw-code')).toBe(true);
    expect(isValidationMessage('Server Unavailable')).toBe(false);
    expect(exactErrorText({ error: { code: '', message: { lang: '', value: 'Bestaat reeds' } } })).toBe('Bestaat reeds');
    expect(exactErrorText({ error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' })).toBe('access_denied: Rate limit exceeded: access_token not expired');
  });
});

describe('lines and totals', () => {
  const plan = makePlan({
    reference: 'WC-1',
    lines: [
      planLine({ description: 'Shirt', sku: 'TS-1', quantity: '2', net: '41.32', vat: '8.68' }),
      planLine({ role: 'shipping', description: 'Shipping', net: '4.13', vat: '0.87' }),
      planLine({ description: 'Book', quantity: '1', net: '10.00', vat: '0.90', percent: '9' }),
    ],
  });
  it('maps VAT keys and checks totals per rate to the cent', () => {
    const lines = toExactLines(plan, (k) => ({ 'domestic:21': '2', 'domestic:9': '1' })[k] as string);
    expect(lines.map((l) => l.vatCode)).toEqual(['2', '2', '1']);
    expect(() => checkTotals(plan, lines)).not.toThrow();
    const off = lines.map((l, i) => (i === 0 ? { ...l, vat: '8.67' } : l));
    expect(() => checkTotals(plan, off)).toThrow(/would not match the shop to the cent/);
  });
  it('quantity × unit price is exactly the net, else one unit', () => {
    expect(quantityAndPrice('2', '41.32', 'Shirt')).toEqual({ quantity: '2', unitPrice: '20.66', description: 'Shirt' });
    expect(quantityAndPrice('3', '10.00', 'Pen')).toEqual({ quantity: '1', unitPrice: '10.00', description: '3 × Pen' });
    expect(quantityAndPrice('-2', '-41.32', 'Shirt')).toEqual({ quantity: '-2', unitPrice: '20.66', description: 'Shirt' });
    expect(quantityAndPrice('-3', '-10.00', 'Pen')).toEqual({ quantity: '-1', unitPrice: '10.00', description: '3 × Pen' });
    expect(quantityAndPrice('1', '-5.00', 'Discount')).toEqual({ quantity: '1', unitPrice: '-5.00', description: 'Discount' });
  });
  it('VAT key percentages and Exact fractions', () => {
    expect(vatKeyPercent('domestic:21')).toBe('21');
    expect(vatKeyPercent('oss:DE:19')).toBe('19');
    expect(vatKeyPercent('oss:FR:5.5')).toBe('5.5');
    const v = { ID: 'x', Code: '2', Description: null, Type: 'E', VATTransactionType: 'S', IsBlocked: false };
    expect(vatCodePercent({ ...v, Percentage: '0.21' })).toBe('21');
    expect(vatCodePercent({ ...v, Percentage: '0.055' })).toBe('5.5');
    expect(vatCodePercent({ ...v, Percentage: '0' })).toBe('0');
  });
});

describe('token timing', () => {
  it('refreshes 30 s before expiry counted from receipt, never earlier', () => {
    const t = { accessIssuedAt: 1_000_000, accessExpiresAt: 1_000_000 + 600_000 - 200, expiresInMs: 600_000 };
    expect(refreshDueAt(t)).toBe(1_000_000 + 570_000);
  });
});

describe('RateLimitPacer', () => {
  function clock() {
    let now = 1_700_000_000_000;
    const sleeps: number[] = [];
    return { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; }, sleeps, advance: (ms: number) => (now += ms) };
  }
  const h = (m: Record<string, string>) => (n: string) => m[n.toLowerCase()] ?? null;
  it('waits for the reset when only the reserve is left', async () => {
    const c = clock();
    const p = new RateLimitPacer(c, { reserve: 2 });
    const reset = c.now() + 20_000;
    await p.acquire();
    p.release(h({ 'x-ratelimit-minutely-limit': '10', 'x-ratelimit-minutely-remaining': '3', 'x-ratelimit-minutely-reset': String(reset) }));
    await p.acquire(); // 3 - 0 > 2: goes
    p.release(h({ 'x-ratelimit-minutely-limit': '10', 'x-ratelimit-minutely-remaining': '2', 'x-ratelimit-minutely-reset': String(reset) }));
    expect(c.sleeps).toEqual([]);
    await p.acquire(); // 2 <= reserve: waits for the reset
    expect(c.sleeps).toEqual([20_250]);
    expect(p.waitedMs).toBe(20_250);
  });
  it('refuses when the daily quota is used up, with retryAt', async () => {
    const c = clock();
    const p = new RateLimitPacer(c);
    await p.acquire();
    p.release(h({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(c.now() + 3_600_000) }));
    await expect(p.acquire()).rejects.toMatchObject({ code: 'RateLimited', retryable: true });
  });
  it('a 429 sleeps until the minutely reset', async () => {
    const c = clock();
    const p = new RateLimitPacer(c);
    await p.on429(h({ 'x-ratelimit-minutely-remaining': '0', 'x-ratelimit-minutely-reset': String(c.now() + 5_000) }));
    expect(c.sleeps).toEqual([5_250]);
    expect(p.tooManyRequests).toBe(1);
  });
});

describe('sync/CRM/Accounts Timestamps', () => {
  it('are read as digit strings from numbers or strings; a number beyond 2^53 (digits already lost) is refused', () => {
    expect(RowVersion.parse(40000123)).toBe('40000123');
    expect(RowVersion.parse('0009223372036854775807')).toBe('9223372036854775807');
    expect(RowVersion.safeParse(2 ** 53 + 2).success).toBe(false);
    expect(RowVersion.safeParse('12a').success).toBe(false);
    expect(laterTimestamp('9223372036854775806', '9223372036854775807')).toBe('9223372036854775807');
    expect(laterTimestamp('10', '9')).toBe('10');
    expect(accountChangesPath('1')).toBe('sync/CRM/Accounts?$select=Timestamp,ID,Code,Name,Email,Status,IsSupplier,Blocked&$filter=Timestamp%20gt%201L');
  });
});
