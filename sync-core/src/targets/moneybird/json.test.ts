import { parseJsonKeepingIds } from './json';

describe('parseJsonKeepingIds', () => {
  it('keeps 18-digit ids exact and leaves other values alone', () => {
    const text =
      '{"id":496081523137578258,"administration_id":123,"version":1787320245,"price":"1.5","x":-1.25e3,"s":"a \\"496081523137578258\\" b","list":[458026356994737217,1,true,null]}';
    expect(parseJsonKeepingIds(text)).toEqual({
      id: '496081523137578258',
      administration_id: 123,
      version: 1787320245,
      price: '1.5',
      x: -1250,
      s: 'a "496081523137578258" b',
      list: ['458026356994737217', 1, true, null],
    });
    expect(String(JSON.parse(text).id)).not.toBe('496081523137578258'); // what plain JSON.parse does
  });
  it('parses plain JSON and strings', () => {
    expect(parseJsonKeepingIds('"Retry later"')).toBe('Retry later');
    expect(parseJsonKeepingIds('[]')).toEqual([]);
    expect(() => parseJsonKeepingIds('{')).toThrow();
  });
});
