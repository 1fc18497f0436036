/**
 * Issue 10's proof that the seams hold: a third accounting system is one folder (./ledgerlite-*)
 * plus one registry line for the target and one for its simulator (./register.ts) — and the
 * configuration, the engine, the CLI and the demo run with it without any other file knowing it.
 */
import './register';
import { join } from 'node:path';
import { parseConfig } from '../../config';
import { startSandbox } from '../../sandbox';
import { MemoryStore } from '../../store/memory-store';
import { expectExactlyOnceToTheCent, reconcile, REPO, spawnCliWith, syncOnce } from '../harness';

jest.setTimeout(120_000);

describe('a third target registered in one line', () => {
  it('is a valid configuration target, and its section is checked by its own schema', () => {
    const c = { source: { platform: 'woocommerce', url: 'https://shop.example', consumerKey: 'ck', consumerSecret: 'cs' }, target: 'ledgerlite', ledgerlite: { baseUrl: 'http://127.0.0.1:1', apiKey: 'short' } };
    expect(() => parseConfig(c, {})).toThrow(/ledgerlite.apiKey/);
    expect(parseConfig({ ...c, ledgerlite: { baseUrl: 'http://127.0.0.1:1', apiKey: 'ledgerlite-key-0123456789' } }, {}).target).toBe('ledgerlite');
  });

  it('the engine books the sandbox shop into it exactly once, to the cent, and a second run books nothing', async () => {
    const sb = await startSandbox({ target: 'ledgerlite', platform: 'woocommerce', orders: 30 });
    try {
      const store = new MemoryStore();
      const first = await syncOnce(sb, store);
      expect(first.booked.order).toBeGreaterThan(10);
      const second = await syncOnce(sb, store);
      expect(second.booked).toEqual({ order: 0, refund: 0, cancellation: 0 });
      expectExactlyOnceToTheCent(await reconcile(sb, store));
    } finally {
      await sb.close();
    }
  });

  it('the CLI runs the demo with it (--target ledgerlite)', async () => {
    const r = await spawnCliWith([join(__dirname, 'register.ts')], ['demo', '--target', 'ledgerlite', '--orders', '20'], REPO).done;
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('booked into a simulated LedgerLite');
    expect(r.stdout).toContain('Every booked order and refund is in the books exactly once, to the cent.');
    expect(r.code).toBe(0);
  });
});
