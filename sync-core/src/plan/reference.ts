/** Deterministic document references: the key to finding a document again after any uncertain outcome. */
export function orderReference(prefix: string, orderNumber: string): string {
  return `${prefix}${orderNumber}`;
}
export function refundReference(prefix: string, orderNumber: string, refundId: string): string {
  return `${prefix}${orderNumber}-R${refundId}`;
}
export function cancellationReference(prefix: string, orderNumber: string): string {
  return `${prefix}${orderNumber}-C`;
}

/** A booking date is the shop's local calendar date (an order at 23:30 UTC on 31 Dec is 1 Jan in NL). */
export function localDate(isoInstant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(isoInstant));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Lower-case, trimmed e-mail: how customers are matched in the books. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_RE = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;
export function isPlausibleEmail(email: string): boolean {
  return EMAIL_RE.test(email.trim()) && email.trim().length <= 254;
}
