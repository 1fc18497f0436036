/**
 * To the cent: Moneybird computes a document's VAT and total itself; after every create (and on
 * every adopted document) its figures are compared with our prediction, and a difference is a
 * `TotalsDoNotReconcile` error in words instead of a document a cent off.
 */
import type { BookingPlan } from '../../plan/types';
import { ShopbooksError } from '../../model/errors';
import { compareWithMoneybird, type PredictedTotals } from './invoice-lines';
import type { AnyInvoice } from './schemas';

export function totalsMismatch(
  plan: BookingPlan,
  doc: AnyInvoice,
  problems: string[],
  existing = false,
): ShopbooksError {
  const message = existing
    ? `The document already in Moneybird for ${plan.reference} (id ${doc.id}) differs from the order as it is now (${problems.join('; ')}); the order may have been changed after it was booked. Check it in Moneybird.`
    : `Moneybird computed different figures for ${plan.reference} than the shop (${problems.join('; ')}); the document was removed again, nothing was sent or paid.`;
  return new ShopbooksError('TotalsDoNotReconcile', message, {
    retryable: false,
    details: { reference: plan.reference, documentId: doc.id, problems },
  });
}

/** Throws when a document that is staying (adopted, aligned) does not carry the plan's figures. */
export function checkTotals(plan: BookingPlan, doc: AnyInvoice, predicted: PredictedTotals): void {
  const problems = compareWithMoneybird(predicted, doc);
  if (problems.length) throw totalsMismatch(plan, doc, problems, true);
}
