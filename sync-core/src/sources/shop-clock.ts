/**
 * The shop's own clock, from the HTTP `Date` header of its responses (RFC 9110: the origin's time
 * when it generated the response). The engine never moves its cursor past it (minus a safety
 * margin): an order whose modification date lies in the shop's future (a server clock jump, an
 * import plugin) must not push the cursor past changes the shop has yet to make.
 */
export class ShopClock {
  private latest: number | null = null;

  /** Note a response's headers (a `date` header, any case). */
  note(headers: Record<string, unknown> | undefined | null): void {
    if (!headers) return;
    const raw = headers.date ?? headers.Date;
    const v = typeof raw === 'string' ? Date.parse(raw) : NaN;
    if (Number.isFinite(v) && (this.latest === null || v > this.latest)) this.latest = v;
  }

  /** The latest shop time seen, ISO-8601 UTC; null before the first response with a Date. */
  now(): string | null {
    return this.latest === null ? null : new Date(this.latest).toISOString();
  }
}
