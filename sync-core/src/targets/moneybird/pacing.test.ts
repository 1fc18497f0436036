import { RateLimitPacer, parseRetryAfter } from './pacing';

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms: number) => void (t += ms),
    advance: (ms: number) => void (t += ms),
  };
}

describe('RateLimitPacer', () => {
  it('never lets more than limit-1 requests into any window', async () => {
    const clock = fakeClock();
    const pacer = new RateLimitPacer(20, 10_000, clock, 0);
    const starts: number[] = [];
    for (let i = 0; i < 100; i++) {
      await pacer.acquire();
      starts.push(clock.now());
      clock.advance(5); // request duration
      pacer.release();
    }
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((s) => s > starts[i] - 10_000 && s <= starts[i]).length;
      expect(inWindow).toBeLessThanOrEqual(19);
    }
    expect(pacer.waitedMs).toBeGreaterThan(0);
  });

  it('a restarted process seeded from the checkpoint of a killed one keeps the window under the limit', async () => {
    const clock = fakeClock();
    const first = new RateLimitPacer(20, 10_000, clock, 0);
    const starts: number[] = [];
    for (let i = 0; i < 15; i++) {
      await first.acquire();
      starts.push(clock.now());
      clock.advance(5);
      first.release();
    }
    const checkpoint = first.history().slice(0, 10); // the last 5 requests came after the checkpoint
    const second = new RateLimitPacer(20, 10_000, clock, 0);
    second.seed(checkpoint, 9);
    for (let i = 0; i < 20; i++) {
      await second.acquire();
      starts.push(clock.now());
      clock.advance(5);
      second.release();
    }
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((s) => s > starts[i] - 10_000 && s <= starts[i]).length;
      expect(inWindow).toBeLessThanOrEqual(20);
    }
    // without the seed the second process would have started at once
    expect(second.waitedMs).toBeGreaterThan(0);
  });

  it('obeys blockUntil and RateLimit headers', async () => {
    const clock = fakeClock();
    const pacer = new RateLimitPacer(150, 300_000, clock, 0);
    pacer.blockUntil(clock.now() + 3000);
    const waited = await pacer.acquire();
    pacer.release();
    expect(waited).toBe(3000);
    const reset = Math.floor(clock.now() / 1000) + 10;
    pacer.observe(
      new Headers({ 'RateLimit-Limit': '100', 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(reset) }),
    );
    expect(pacer.currentLimit).toBe(100);
    const before = clock.now();
    await pacer.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(reset * 1000);
    expect(clock.now() - before).toBeLessThanOrEqual(10_000);
  });

  it('reads Retry-After as an epoch, as seconds, or as a date', () => {
    const now = 1_700_000_000_000;
    expect(parseRetryAfter('1700000030', now)).toBe(1_700_000_030_000);
    expect(parseRetryAfter('30', now)).toBe(now + 30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(Date.parse('2015-10-21T07:28:00Z'));
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
