/**
 * Adopting a document found by reference (after an uncertain write, or on a retry with `mayExist`).
 *
 * A reference is only unique within one shop: two shops booking into one administration without a
 * per-shop prefix both write "1001". A document found by reference is therefore adopted as this
 * plan's only when it matches the plan — gross, VAT, currency, booking date and (when known) the
 * customer. Anything else is another document: the booking fails with
 * `ReferenceTakenByAnotherDocument` and nothing is written, instead of recording someone else's
 * document as booked. Both targets apply this one rule.
 */
import { ShopbooksError } from '../model/errors';
import { dec, fixed } from '../model/money';
import type { BookingPlan } from '../plan/types';

/** What a target read back about a document it found by reference (null where it cannot tell). */
export interface FoundDocument {
  id: string;
  /** Gross total incl. VAT, same sign as the plan's. */
  gross: string | null;
  vat: string | null;
  currency: string | null;
  /** Booking date, YYYY-MM-DD. */
  date: string | null;
  customerId: string | null;
}

/** Why the document is not this plan's; empty when it is. */
export function adoptionProblems(plan: BookingPlan, found: FoundDocument, expectedCustomerId: string | null = null): string[] {
  const problems: string[] = [];
  if (found.gross !== null && !dec(found.gross).equals(dec(plan.totals.gross))) problems.push(`total ${fixed(found.gross)} instead of ${fixed(plan.totals.gross)}`);
  if (found.vat !== null && !dec(found.vat).equals(dec(plan.totals.vat))) problems.push(`VAT ${fixed(found.vat)} instead of ${fixed(plan.totals.vat)}`);
  if (found.currency !== null && found.currency.trim() !== '' && found.currency.trim().toUpperCase() !== plan.currency.toUpperCase()) problems.push(`currency ${found.currency} instead of ${plan.currency}`);
  if (found.date !== null && found.date !== plan.date) problems.push(`dated ${found.date} instead of ${plan.date}`);
  if (expectedCustomerId !== null && found.customerId !== null && found.customerId !== expectedCustomerId) problems.push('another customer');
  return problems;
}

export function referenceTaken(plan: BookingPlan, books: string, found: FoundDocument, problems: string[]): ShopbooksError {
  const what = plan.kind === 'order' ? `order ${plan.orderNumber}` : plan.kind === 'refund' ? `refund ${plan.refundId} of order ${plan.orderNumber}` : `the cancellation of order ${plan.orderNumber}`;
  return new ShopbooksError(
    'ReferenceTakenByAnotherDocument',
    `${books} already has a document with reference "${plan.reference}" (id ${found.id}), but it is not ${what} of this shop (${problems.join('; ')}). Most likely another shop books into the same administration with the same order numbers. Give each shop its own reference prefix (setting "Reference prefix", plan.referencePrefix, e.g. "B-"), then retry; nothing was booked for ${what}. If that document is this order's, booked before the order was changed, correct it in ${books} first.`,
    { retryable: false, details: { reference: plan.reference, documentId: found.id, problems } },
  );
}

/** Throws `ReferenceTakenByAnotherDocument` unless the found document is this plan's. */
export function requireAdoptable(plan: BookingPlan, books: string, found: FoundDocument, expectedCustomerId: string | null = null): void {
  const problems = adoptionProblems(plan, found, expectedCustomerId);
  if (problems.length) throw referenceTaken(plan, books, found, problems);
}
