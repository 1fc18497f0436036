/**
 * The configuration by the book: every section checked at once through the registries, unknown or
 * misspelt keys named with a "did you mean", dates that are no dates refused, no secret in a message.
 */
import { parseConfig } from './config';
import { ShopbooksError } from './model/errors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests break the configuration on purpose
type Loose = Record<string, any>;

const good = (): Loose => ({
  source: { platform: 'woocommerce', url: 'https://shop.example', consumerKey: 'ck_x', consumerSecret: 'cs_secret-value' },
  target: 'exact',
  exact: { clientId: 'id', clientSecret: 'exact-secret-value', redirectUri: 'https://shop.example/cb', division: 1, glAccounts: { revenue: '8000' } },
  rules: { startDate: '2026-01-01' },
});

function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input, {});
  } catch (e) {
    expect(e).toBeInstanceOf(ShopbooksError);
    expect((e as ShopbooksError).code).toBe('ConfigInvalid');
    return ((e as ShopbooksError).details as { problems: string[] }).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('parseConfig', () => {
  it('accepts a complete configuration', () => {
    expect(parseConfig(good(), {}).target).toBe('exact');
  });

  it('names misspelt keys in every section at once, with a "did you mean"', () => {
    const c = good();
    c.rules.bookstates = ['paid'];
    c.exact.glAcounts = {};
    c.plann = {};
    c.source.consumerKee = 'x';
    const p = problemsOf(c);
    expect(p).toEqual(
      expect.arrayContaining([
        'rules.bookstates: is not a setting Shopbooks knows (did you mean "bookStates"?)',
        'exact.glAcounts: is not a setting Shopbooks knows (did you mean "glAccounts"?)',
        'plann: is not a setting Shopbooks knows (did you mean "plan"?)',
        'source.consumerKee: is not a setting Shopbooks knows (did you mean "consumerKey"?)',
      ]),
    );
    expect(p).toHaveLength(4);
  });

  it('reports the target section problems together with the others (not one section at a time)', () => {
    const c = good();
    delete c.exact.division;
    c.rules.startDate = '2026-02-30';
    const p = problemsOf(c);
    expect(p).toEqual(expect.arrayContaining(['exact.division: is required', 'rules.startDate: is not a date (write it as YYYY-MM-DD)']));
  });

  it('an unknown target or platform is a clear error with the known names, never a fall-through', () => {
    const c = good();
    c.target = 'exakt';
    c.source.platform = 'woocomerce';
    const p = problemsOf(c);
    expect(p.join('\n')).toMatch(/target: "exakt" is not an accounting system Shopbooks knows \(did you mean "exact"\?\) \(known: exact, moneybird/);
    expect(p.join('\n')).toMatch(/source.platform: "woocomerce" is not a shop platform Shopbooks knows \(did you mean "woocommerce"\?\)/);
  });

  it('a chosen target without its section says so', () => {
    const c = good();
    c.target = 'moneybird';
    expect(problemsOf(c)).toContain('moneybird: the configuration chooses target "moneybird" but has no "moneybird" section');
  });

  it('never repeats a secret value in a problem', () => {
    const c = good();
    c.exact.clientSecret = 42;
    c.exact.clientSecretx = 'exact-secret-value';
    const text = problemsOf(c).join('\n');
    expect(text).not.toContain('exact-secret-value');
    expect(text).not.toContain('cs_secret-value');
    expect(text).toContain('exact.clientSecret');
  });
});
