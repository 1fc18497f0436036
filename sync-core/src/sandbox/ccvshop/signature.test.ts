/** The simulator's signing rules, checked against the spec's recipe by hand (not against the client's signer). */
import { createHmac } from 'node:crypto';
import { expectedHash, hashMatches, readClientDate, serverDate } from './signature';

const parts = { publicKey: 'pub', method: 'get', uri: '/api/rest/v1/orders/?start=0&size=2', body: '', date: '2025-09-01T15:51:46+00:00' };

describe('CCV Shop signature (simulator side)', () => {
  it('is HMAC-SHA512 over public|METHOD|uri|body|date in lower-case hex', () => {
    const byHand = createHmac('sha512', 'secret').update('pub|GET|/api/rest/v1/orders/?start=0&size=2||2025-09-01T15:51:46+00:00').digest('hex');
    expect(expectedHash('secret', parts)).toBe(byHand);
    expect(hashMatches('secret', parts, byHand)).toBe(true);
  });
  it('rejects an upper-case, truncated or wrong-secret digest', () => {
    const h = expectedHash('secret', parts);
    expect(hashMatches('secret', parts, h.toUpperCase())).toBe(false);
    expect(hashMatches('secret', parts, h.slice(0, 64))).toBe(false);
    expect(hashMatches('other', parts, h)).toBe(false);
  });
  it('reads the three date spellings clients send, and nothing else', () => {
    const t = Date.UTC(2025, 8, 1, 15, 51, 46);
    expect(readClientDate('2025-09-01T15:51:46+00:00')).toBe(t);
    expect(readClientDate('2025-09-01T15:51:46+0000')).toBe(t);
    expect(readClientDate('2025-09-01T15:51:46Z')).toBe(t);
    expect(readClientDate('2025-09-01T17:51:46+02:00')).toBe(t);
    expect(readClientDate('2025-09-01 15:51:46')).toBeNull();
    expect(readClientDate('yesterday')).toBeNull();
  });
  it('writes its own x-date as PHP date("c") in UTC', () => {
    expect(serverDate(Date.UTC(2025, 8, 1, 15, 51, 46, 789))).toBe('2025-09-01T15:51:46+00:00');
  });
});
