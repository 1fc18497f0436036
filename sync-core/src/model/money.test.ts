import { roundMoney, parseAmount, fixed, sum } from './money';

describe('money', () => {
  it('rounds half away from zero like PHP round()', () => {
    expect(roundMoney('0.125')).toBe('0.13');
    expect(roundMoney('-0.125')).toBe('-0.13');
    expect(roundMoney('1.7346')).toBe('1.73');
    expect(roundMoney('0.8673')).toBe('0.87');
  });
  it('never goes through a float', () => {
    expect(sum(['0.1', '0.2']).toFixed()).toBe('0.3');
    expect(fixed('-0.001')).toBe('0.00');
  });
  it('parses shop amounts and refuses malformed ones with a reason', () => {
    expect(parseAmount('12.30', 'total')).toBe('12.30');
    expect(parseAmount(3, 'price')).toBe('3');
    expect(parseAmount(0.1, 'price')).toBe('0.1');
    expect(parseAmount(null, 'x')).toBe('0');
    expect(() => parseAmount('12,30', 'total')).toThrow('total is not a decimal amount: "12,30"');
    expect(() => parseAmount(Number.NaN, 'total')).toThrow('not a finite number');
    expect(() => parseAmount({}, 'total')).toThrow('unexpected type');
  });
});
