/** Periods and the VAT-return boxes of the plan's VAT keys. */
import { parsePeriod } from './period';
import { compareBoxes, vatBox } from './vat-boxes';

describe('parsePeriod', () => {
  it('a month, a quarter (also in February of a leap year), or from/to', () => {
    expect(parsePeriod({ period: '2026-11' })).toEqual({
      label: '2026-11',
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(parsePeriod({ period: '2028-02' })).toMatchObject({ from: '2028-02-01', to: '2028-02-29' });
    expect(parsePeriod({ period: '2026-Q4' })).toEqual({
      label: '2026-Q4',
      from: '2026-10-01',
      to: '2026-12-31',
    });
    expect(parsePeriod({ period: '2026-q1' })).toMatchObject({
      label: '2026-Q1',
      from: '2026-01-01',
      to: '2026-03-31',
    });
    expect(parsePeriod({ from: '2026-11-03', to: '2026-11-17' })).toEqual({
      label: '2026-11-03..2026-11-17',
      from: '2026-11-03',
      to: '2026-11-17',
    });
  });

  it('refuses what is not a period, with the reason', () => {
    expect(() => parsePeriod({ period: '2026-13' })).toThrow('"2026-13" is not a period');
    expect(() => parsePeriod({ period: '2026-Q5' })).toThrow('is not a period');
    expect(() => parsePeriod({ from: '2026-02-30', to: '2026-03-01' })).toThrow('"2026-02-30" is not a date');
    expect(() => parsePeriod({ from: '2026-03-01', to: '2026-02-01' })).toThrow(
      'ends (2026-02-01) before it starts',
    );
    expect(() => parsePeriod({ from: '2026-03-01' })).toThrow('both --from and --to');
    expect(() => parsePeriod({ period: '2026-11', from: '2026-11-01' })).toThrow('not both');
  });
});

describe('vatBox', () => {
  it.each([
    ['domestic:21', '1a'],
    ['domestic:9', '1b'],
    ['domestic:6', '1c'],
    ['domestic:0', '1e'],
    ['exempt:0', '1e'],
    ['reverse_charge:0', '3b'],
    ['export:0', '3a'],
    ['oss:DE:19', 'OSS DE 19%'],
    ['oss:FR:5.5', 'OSS FR 5.5%'],
  ])('%s -> %s', (key, box) => expect(vatBox(key)).toBe(box));

  it('orders boxes as the return does', () => {
    expect(['OSS DE 19%', '3b', '1e', '1a', '3a', '1b'].sort(compareBoxes)).toEqual([
      '1a',
      '1b',
      '1e',
      '3a',
      '3b',
      'OSS DE 19%',
    ]);
  });
});
