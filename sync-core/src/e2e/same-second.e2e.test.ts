/**
 * Orders saved in one second (a bulk status change), listed by a shop that returns tied rows in a
 * different order on every request, as real WooCommerce on MySQL does: the engine still books every
 * order exactly once, to the cent, in small pages — in one run and again after more saves.
 */
import { startSandbox, type Sandbox } from '../sandbox';
import { MemoryStore } from '../store/memory-store';
import { expectExactlyOnceToTheCent, reconcile, syncOnce } from './harness';

jest.setTimeout(120_000);

describe.each(['exact', 'moneybird'])('same-second orders into %s', (target) => {
  let sb: Sandbox;
  let control: Sandbox;
  beforeAll(async () => {
    [sb, control] = await Promise.all(
      [0, 1].map(() =>
        startSandbox({ target, platform: 'woocommerce', orders: 36, seed: 19, fastLimits: true }),
      ),
    );
  });
  afterAll(() => Promise.all([sb.close(), control.close()]));

  const bookedOrderIds = async (store: MemoryStore) =>
    (await store.listEntries())
      .filter((e) => e.status === 'booked' && e.kind === 'order')
      .map((e) => e.orderId);

  /** A bulk edit: the given orders saved in one second, a minute ago (unless told otherwise). */
  function bulkEdit(pick: (i: number) => boolean, second = new Date(Date.now() - 60_000), on = sb): void {
    const woo = on.shop.woo!;
    const realNow = woo.shop.now;
    woo.shop.now = () => second;
    [...woo.shop.orders.values()].forEach((o, i) => pick(i) && woo.shop.touch(o, { notify: false }));
    woo.shop.now = realNow;
  }

  it('books every order exactly once when most of them share one date_modified second, paging 4 at a time', async () => {
    const second = new Date(Date.now() - 60_000);
    bulkEdit((i) => i % 5 !== 0, second);
    bulkEdit((i) => i % 5 !== 0, second, control);
    // the control shop is read in one page of 100: every order seen, whatever the order of ties
    const controlStore = new MemoryStore();
    await syncOnce(control, controlStore);
    const expected = (await bookedOrderIds(controlStore)).sort();
    expect(expected.length).toBeGreaterThan(15);

    const store = new MemoryStore();
    const source = { ...(sb.config.source as Record<string, unknown>), perPage: 4 };
    const s = await syncOnce(sb, store, { source: source as never });
    expect(s.ordersSeen).toBe(36);
    const booked = await bookedOrderIds(store);
    expect(new Set(booked).size).toBe(booked.length);
    expect(booked.sort()).toEqual(expected);
    expectExactlyOnceToTheCent(await reconcile(sb, store));
    // another bulk edit of the same orders in a later second: nothing is booked twice
    bulkEdit(() => true, new Date(Date.now() - 30_000));
    const again = await syncOnce(sb, store, { source: source as never });
    expect(again.booked.order).toBe(0);
    expectExactlyOnceToTheCent(await reconcile(sb, store));
  });
});
