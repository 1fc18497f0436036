import { roundMoney, parseAmount, fixed, sum, allocateProportionally, dec, normalisePercent } from './money';

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
  it('splits an amount in proportion, the last part taking the remainder so the parts add up', () => {
    const parts = (total: string, weights: string[], dp?: number) =>
      allocateProportionally(dec(total), weights.map(dec), dp).map((d) => d.toFixed());
    expect(parts('10.00', ['1', '1', '1'])).toEqual(['3.33', '3.33', '3.34']);
    expect(parts('-10.00', ['1', '1', '1'])).toEqual(['-3.33', '-3.33', '-3.34']);
    expect(parts('0.05', ['60.5', '39.5'])).toEqual(['0.03', '0.02']); // 0.03025 rounds half up
    expect(parts('100', ['3', '1'], 0)).toEqual(['75', '25']);
    expect(parts('7', ['0', '0'])).toEqual(['0', '7']);
    expect(parts('7', ['5'])).toEqual(['7']);
    expect(parts('7', [])).toEqual([]);
  });
  it('normalises a VAT percentage', () => {
    expect(normalisePercent('21.0000')).toBe('21');
    expect(normalisePercent('5.50')).toBe('5.5');
    expect(normalisePercent('0')).toBe('0');
  });
});
